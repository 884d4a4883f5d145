// GET /api/sensors/:id/readings: sensor history over any range — raw points for short ranges,
// per-step mean/min/max from the roll-ups for long ones — including points that arrive late (a
// device's buffered backlog), which the continuous queries alone would never roll up
// (docs/contracts.md#roll-ups-continuous-queries).
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReadingsResponse } from '../../contract/index.ts';
import { startInflux, stopAllServices, type InfluxHandle } from '../support/services.ts';
import { TEST_API_KEY, eventually, startVigil, type VigilHandle } from '../support/vigil.ts';

const DB = 'vigil_history_test';
const HOUR = 3_600_000;
let influx: InfluxHandle;
let vigil: VigilHandle;
let cookie: string;
const now = Date.now();
// Three days of readings every 10 minutes, ending an hour ago: all late for the CQs.
const points = Array.from({ length: 432 }, (_, i) => ({ ts: now - HOUR - i * 600_000, value: 2 + (i % 6) }));

beforeAll(async () => {
  influx = await startInflux();
  vigil = await startVigil({ influxUrl: influx.url, influxDb: DB, env: { FACILITY_FILE: path.resolve('test/fixtures/facility.yaml') } });
  await vigil.addUser('manager1', 'manager');
  cookie = await vigil.login('manager1');
  const res = await vigil.api('/api/ingest', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_API_KEY}` },
    body: JSON.stringify({ observations: points.map((p) => ({ sensorId: 'T-GAS-01', channel: 'reading', unit: '%LEL', ...p })) }),
  });
  expect(res.status).toBe(202);
});

afterAll(async () => {
  await vigil?.stop();
  await stopAllServices();
});

const readings = (from: number, to: number) => vigil.api<ReadingsResponse>(`/api/sensors/T-GAS-01/readings?from=${from}&to=${to}`, { headers: { cookie } });

describe('sensor history', () => {
  it('answers short ranges with raw points', async () => {
    const r = await readings(now - 3 * HOUR, now - HOUR);
    expect(r.body.resolution).toBe('raw');
    expect(r.body.stepS).toBeNull();
    expect(r.body.points.length).toBe(13);
  });

  it('answers 7 days from the minute roll-up with mean/min/max, late points included', async () => {
    const r = await eventually(
      async () => {
        const res = await readings(now - 7 * 24 * HOUR, now);
        // Until the backfill lands the answer comes from the raw points (readings.service.ts).
        return res.body.resolution === '1m' ? res : null;
      },
      20_000,
      'the backfilled minute roll-up',
    );
    expect(r.body.resolution).toBe('1m');
    expect(r.body.stepS).toBeGreaterThanOrEqual(600);
    for (const p of r.body.points) {
      expect(p.min).toBeGreaterThanOrEqual(2);
      expect(p.max).toBeLessThanOrEqual(7);
      expect(p.value).toBeGreaterThanOrEqual(p.min!);
      expect(p.value).toBeLessThanOrEqual(p.max!);
    }
    const total = r.body.points.length;
    expect(total).toBeGreaterThan(50);
  });

  it('answers a year from the hourly roll-up', async () => {
    const r = await eventually(
      async () => {
        const res = await readings(now - 365 * 24 * HOUR, now);
        return res.body.resolution === '1h' ? res : null;
      },
      20_000,
      'the backfilled hourly roll-up',
    );
    expect(r.body.resolution).toBe('1h');
    // 72 hours of data in buckets of at least an hour.
    expect(r.body.points.length).toBeLessThanOrEqual(73);
    expect(Math.min(...r.body.points.map((p) => p.min!))).toBe(2);
    expect(Math.max(...r.body.points.map((p) => p.max!))).toBe(7);
  });

  it('refuses ranges beyond 400 days and reversed ranges', async () => {
    expect((await readings(now - 500 * 24 * HOUR, now)).status).toBe(400);
    expect((await readings(now, now - HOUR)).status).toBe(400);
  });
});
