// GET /api/sensors/:id/readings over long ranges reads the roll-ups, which lag their source: the
// hourly one is written once an hour by a continuous query. A sensor with twenty minutes of data
// must still chart over 30 days and a year (docs/contracts.md#roll-ups-continuous-queries), and a
// sensor with old history must show its last, not yet rolled-up, minutes too. The continuous
// queries are dropped here so "not run yet" holds whatever the wall clock's minute is.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReadingsResponse } from '../../contract/index.ts';
import { startInflux, stopAllServices, type InfluxHandle } from '../support/services.ts';
import { startVigil, type VigilHandle } from '../support/vigil.ts';

const DB = 'vigil_rollup_fallback_test';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
let influx: InfluxHandle;
let vigil: VigilHandle;
let cookie: string;
const now = Date.now();

beforeAll(async () => {
  influx = await startInflux();
  vigil = await startVigil({ influxUrl: influx.url, influxDb: DB, env: { FACILITY_FILE: path.resolve('test/fixtures/facility.yaml') } });
  await vigil.addUser('manager1', 'manager');
  cookie = await vigil.login('manager1');
  await influx.query(`DROP CONTINUOUS QUERY "cq_reading_1m" ON "${DB}"`, DB);
  await influx.query(`DROP CONTINUOUS QUERY "cq_reading_1h" ON "${DB}"`, DB);
  // T-GAS-02: twenty minutes of raw readings, one a minute, ending now; nothing rolled up.
  await influx.write(
    DB,
    Array.from({ length: 20 }, (_, i) => `reading,sensor=T-GAS-02 value=${2 + (i % 4)} ${now - i * MINUTE}`),
  );
  // T-GAS-01: an hourly roll-up for a day ten days ago, and raw readings of the last twenty minutes.
  const tenDaysAgo = Math.floor((now - 10 * DAY) / DAY) * DAY;
  // A write names no retention policy: the rows go through a scratch measurement into the roll-up's.
  await influx.write(
    DB,
    Array.from({ length: 24 }, (_, i) => `seed,sensor=T-GAS-01 mean=10,min=9,max=11,n=60i ${tenDaysAgo + i * HOUR}`),
  );
  await influx.query(`SELECT * INTO "${DB}"."rollup_1h"."reading" FROM "${DB}"."raw"."seed" GROUP BY *`, DB);
  await influx.write(
    DB,
    Array.from({ length: 20 }, (_, i) => `reading,sensor=T-GAS-01 value=3 ${now - i * MINUTE}`),
  );
});

afterAll(async () => {
  await vigil?.stop();
  await stopAllServices();
});

const readings = (sensor: string, from: number, to: number) =>
  vigil.api<ReadingsResponse>(`/api/sensors/${sensor}/readings?from=${from}&to=${to}`, { headers: { cookie } });

describe('sensor history before the roll-ups have run', () => {
  it('answers a year of a sensor with twenty minutes of data from the raw points', async () => {
    expect(await influx.query(`SELECT * FROM "${DB}"."rollup_1h"."reading" WHERE "sensor" = 'T-GAS-02'`, DB)).toEqual([]);
    const r = await readings('T-GAS-02', now - 365 * DAY, now);
    expect(r.status).toBe(200);
    expect(r.body.resolution).toBe('raw');
    expect(r.body.points.length).toBeGreaterThan(0);
    expect(Math.min(...r.body.points.map((p) => p.min!))).toBe(2);
    expect(Math.max(...r.body.points.map((p) => p.max!))).toBe(5);
  });

  it('answers 30 days of it too', async () => {
    const r = await readings('T-GAS-02', now - 30 * DAY, now);
    expect(r.body.points.length).toBeGreaterThan(0);
    expect(Math.max(...r.body.points.map((p) => p.max!))).toBe(5);
  });

  it('adds the minutes the hourly roll-up has not reached to its older history', async () => {
    const r = await readings('T-GAS-01', now - 365 * DAY, now);
    expect(r.body.resolution).toBe('1h');
    const old = r.body.points.filter((p) => p.t < now - DAY);
    const recent = r.body.points.filter((p) => p.t >= now - DAY);
    expect(old.map((p) => p.value)).toEqual([10]);
    expect(recent.length).toBeGreaterThan(0);
    expect(recent.every((p) => p.value === 3)).toBe(true);
  });
});
