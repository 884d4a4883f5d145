// Observation semantics through real Mosquitto and InfluxDB (docs/contracts.md#device-time-and-plausibility):
// an impossible reading is stored flagged and raises implausible_value, never a gas alarm; an alarm
// from a device whose clock is wrong is raised at the receive time, with clock_wrong; a self-test
// holds a detector's smoke for at most its selfTestMaxS, then the fire alarm and self_test_stuck.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alarm, AlarmListResponse } from '../../contract/index.ts';
import { mosquittoPub } from '../support/clients.ts';
import { startInflux, startMosquitto, stopAllServices, type InfluxHandle, type MosquittoHandle } from '../support/services.ts';
import { eventually, startVigil, type VigilHandle } from '../support/vigil.ts';

const DB = 'vigil_observation_semantics_test';
/** Short, so the test sees the limit pass; the default is 120 s. */
const SELF_TEST_MAX_S = 2;

let broker: MosquittoHandle;
let influx: InfluxHandle;
let vigil: VigilHandle;
let cookie: string;

const pub = (topic: string, payload: unknown) => mosquittoPub(broker.port, topic, JSON.stringify(payload));

async function alarmsOf(sensorId: string): Promise<Alarm[]> {
  return (await vigil.api<AlarmListResponse>(`/api/alarms?sensor=${sensorId}`, { headers: { cookie } })).body.alarms;
}
const alarmFor = (sensorId: string, condition: string) => async () => (await alarmsOf(sensorId)).find((a) => a.condition === condition);

beforeAll(async () => {
  [broker, influx] = await Promise.all([startMosquitto(), startInflux()]);
  // The test facility, with a short self-test limit on the kitchen smoke detector.
  const dir = await mkdtemp(path.join(os.tmpdir(), 'vigil-obs-'));
  const facility = path.join(dir, 'facility.yaml');
  const yaml = (await readFile(path.resolve('test/fixtures/facility.yaml'), 'utf8')).replace(
    '{ id: T-SMK-01, name: Kitchen smoke, kind: smoke,',
    `{ id: T-SMK-01, name: Kitchen smoke, kind: smoke, selfTestMaxS: ${SELF_TEST_MAX_S},`,
  );
  expect(yaml).toContain(`selfTestMaxS: ${SELF_TEST_MAX_S}`);
  // The plan path is relative to the facility file: keep it pointing at the fixtures.
  await writeFile(
    facility,
    yaml.replace(/plan: (\S+)/g, (_m, p: string) => `plan: ${path.resolve('test/fixtures', p)}`),
  );
  vigil = await startVigil({ mqttUrl: broker.url, influxUrl: influx.url, influxDb: DB, env: { FACILITY_FILE: facility } });
  await vigil.addUser('officer1', 'officer');
  cookie = await vigil.login('officer1');
});

afterAll(async () => {
  await vigil?.stop();
  await stopAllServices();
});

describe('implausible readings', () => {
  it('stores 1e300 and -5 %LEL flagged, raises implausible_value and no gas alarm', async () => {
    const t0 = Date.now();
    await pub('vigil/t1/T-GAS-01/reading', { ts: t0, value: 1e300, unit: '%LEL' });
    await pub('vigil/t1/T-GAS-01/reading', { ts: t0 + 1, value: -5, unit: '%LEL' });
    // A plausible reading after them: once it is stored, the two before it have been evaluated too (one MQTT session, in order).
    await pub('vigil/t1/T-GAS-01/reading', { ts: t0 + 2, value: 1, unit: '%LEL' });
    const rows = await eventually(
      async () => {
        const r = await influx.query(`SELECT value, implausible_value, implausible FROM reading WHERE sensor = 'T-GAS-01' AND time >= ${t0}ms`, DB);
        return r.length === 3 ? r : null;
      },
      10_000,
      'three readings stored',
    );
    expect(rows.map((r) => [r.value ?? null, r.implausible_value ?? null, r.implausible ?? null])).toEqual([
      [null, 1e300, true],
      [null, -5, true],
      [1, null, null],
    ]);
    // Kept out of `value`, so a chart or a roll-up's mean (the continuous queries) never averages 1e300 in.
    const [mean] = await influx.query(`SELECT mean(value) AS mean FROM reading WHERE sensor = 'T-GAS-01' AND time >= ${t0}ms`, DB);
    expect(mean?.mean).toBe(1);
    const trouble = await eventually(alarmFor('T-GAS-01', 'implausible_value'), 10_000, 'implausible_value raised');
    expect(trouble).toMatchObject({ class: 'trouble', conditionActive: true });
    expect((await alarmsOf('T-GAS-01')).filter((a) => a.condition === 'gas' || a.condition === 'gas_rise')).toEqual([]);
  });
});

describe('device clocks', () => {
  it('raises a smoke alarm sent with a time 8 hours ahead at its receive time, with clock_wrong, and stores it with the device time beside it', async () => {
    const sent = Date.now();
    const deviceTs = sent + 8 * 3_600_000;
    await pub('vigil/t1/T-SMK-01/event', { ts: deviceTs, type: 'smoke' });
    const fire = await eventually(alarmFor('T-SMK-01', 'smoke'), 10_000, 'fire alarm raised');
    expect(fire).toMatchObject({ priority: 'critical', class: 'alarm' });
    // Raised now, not 8 hours from now.
    expect(Math.abs(fire.raisedAt - sent)).toBeLessThan(60_000);
    expect(await eventually(alarmFor('T-SMK-01', 'clock_wrong'), 10_000, 'clock_wrong raised')).toMatchObject({ class: 'trouble' });
    const [row] = await eventually(
      async () => {
        const r = await influx.query(`SELECT type, device_ts FROM event WHERE sensor = 'T-SMK-01' AND device_ts = ${deviceTs}`, DB);
        return r.length === 1 ? r : null;
      },
      10_000,
      'event stored with device_ts',
    );
    expect(row).toMatchObject({ type: 'smoke', device_ts: deviceTs });
    expect(Math.abs((row!.time as number) - sent)).toBeLessThan(60_000);
  });

  it('keeps a reading from a controller reporting a years-old time, at its receive time', async () => {
    const sent = Date.now();
    const deviceTs = Date.parse('2019-03-01T00:00:00Z');
    await pub('vigil/t1/T-CO-01/reading', { ts: deviceTs, value: 3, unit: 'ppm' });
    const [row] = await eventually(
      async () => {
        const r = await influx.query(`SELECT value, device_ts FROM reading WHERE sensor = 'T-CO-01' AND device_ts = ${deviceTs}`, DB);
        return r.length === 1 ? r : null;
      },
      10_000,
      'reading stored',
    );
    expect(row).toMatchObject({ value: 3 });
    expect(Math.abs((row!.time as number) - sent)).toBeLessThan(60_000);
    expect(await eventually(alarmFor('T-CO-01', 'clock_wrong'), 10_000, 'clock_wrong raised')).toMatchObject({ class: 'trouble' });
  });
});

describe('detector self-test', () => {
  it('holds smoke during a test for selfTestMaxS, then raises the fire alarm and self_test_stuck; test_clear clears the stuck trouble', async () => {
    // The smoke alarm of the clock test above is latched: acknowledge and reset it first.
    const earlier = await alarmFor('T-SMK-01', 'smoke')();
    if (earlier) {
      await pub('vigil/t1/T-SMK-01/event', { type: 'smoke_clear' });
      await eventually(async () => (await alarmFor('T-SMK-01', 'smoke')())?.conditionActive === false, 10_000, 'smoke cleared');
      const post = (action: string) =>
        vigil.api(`/api/alarms/${earlier.id}/${action}`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: '{}' });
      expect((await post('ack')).status).toBe(200);
      expect((await post('reset')).status).toBe(200);
    }
    const open = async () => (await alarmsOf('T-SMK-01')).filter((a) => a.state !== 'cleared');
    await eventually(async () => !(await open()).some((a) => a.condition === 'smoke'), 10_000, 'no open smoke alarm');
    const testAt = Date.now();
    await pub('vigil/t1/T-SMK-01/event', { type: 'test' });
    await pub('vigil/t1/T-SMK-01/event', { type: 'smoke' });
    const fire = await eventually(async () => (await open()).find((a) => a.condition === 'smoke'), 15_000, 'fire alarm after the limit');
    // Not before the limit: during the test the smoke was the test.
    expect(fire.raisedAt).toBeGreaterThanOrEqual(testAt + SELF_TEST_MAX_S * 1000);
    expect(fire).toMatchObject({ priority: 'critical' });
    const stuck = await eventually(async () => (await open()).find((a) => a.condition === 'self_test_stuck'), 10_000, 'self_test_stuck');
    expect(stuck).toMatchObject({ class: 'trouble', conditionActive: true });
    await pub('vigil/t1/T-SMK-01/event', { type: 'test_clear' });
    await eventually(async () => (await alarmFor('T-SMK-01', 'self_test_stuck')())?.conditionActive === false, 10_000, 'self_test_stuck cleared');
  });
});
