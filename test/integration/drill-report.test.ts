// A drill started from the API runs the scenario through Mosquitto like devices
// would; its observations and alarms carry the drill id; the report's timings come from the real
// events (acknowledged through the API at a known moment); real statistics never include it.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alarm, AlarmListResponse, AlarmStatsResponse, Drill, DrillReport } from '../../contract/index.ts';
import { startInflux, startMosquitto, stopAllServices, type InfluxHandle, type MosquittoHandle } from '../support/services.ts';
import { eventually, startVigil, type VigilHandle } from '../support/vigil.ts';
import { mosquittoPub } from '../support/clients.ts';

const DB = 'vigil_drill_test';
let broker: MosquittoHandle;
let influx: InfluxHandle;
let vigil: VigilHandle;
let officer: string;
let manager: string;

const post = <T>(pathname: string, body: unknown, cookie: string) =>
  vigil.api<T>(pathname, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify(body) });

beforeAll(async () => {
  [broker, influx] = await Promise.all([startMosquitto(), startInflux()]);
  vigil = await startVigil({ mqttUrl: broker.url, influxUrl: influx.url, influxDb: DB, env: { FACILITY_FILE: path.resolve('config/facility.yaml') } });
  await vigil.addUser('officer1', 'officer');
  await vigil.addUser('manager1', 'manager');
  officer = await vigil.login('officer1');
  manager = await vigil.login('manager1');
});

afterAll(async () => {
  await vigil?.stop();
  await stopAllServices();
});

describe('a drill run from the API', () => {
  it("is refused to an officer (drills are the manager's)", async () => {
    expect((await post('/api/drills', { scenario: 'canteen-gas-leak', siteId: 'hq', run: true }, officer)).status).toBe(403);
    expect((await post('/api/drills', { scenario: 'no-such-scenario', siteId: 'hq', run: true }, manager)).status).toBe(400);
  });

  it('tags observations and alarms, scores acknowledgement from the real moment, stays out of real statistics', async () => {
    const started = await post<{ drill: Drill }>('/api/drills', { scenario: 'canteen-gas-leak', siteId: 'hq', run: true, speed: 10 }, manager);
    expect(started.status).toBe(201);
    const drill = started.body.drill;
    expect(drill.expected.length).toBeGreaterThan(3);

    // The wok-range detector's gas alarm, raised from drill traffic through Mosquitto.
    const alarm = await eventually(
      async () => {
        const r = await vigil.api<AlarmListResponse>(`/api/alarms?drill=only&sensor=CAN-GAS-01`, { headers: { cookie: officer } });
        return r.body.alarms.find((a: Alarm) => a.condition === 'gas' && a.drill === drill.id);
      },
      60_000,
      'the drill gas alarm',
    );
    expect(alarm.drill).toBe(drill.id);

    // Acknowledge at a known moment; the report must show exactly this delay and this person.
    const ackedAt = Date.now();
    const ack = await post<{ alarm: Alarm }>(`/api/alarms/${alarm.id}/ack`, { note: 'drill: evacuating kitchen' }, officer);
    expect(ack.status).toBe(200);
    const ended = await post<{ drill: Drill }>(`/api/drills/${drill.id}/end`, {}, manager);
    expect(ended.body.drill.state).toBe('ended');

    const report = await vigil.api<DrillReport>(`/api/drills/${drill.id}/report`, { headers: { cookie: manager } });
    expect(report.status).toBe(200);
    const item = report.body.items.find((i) => i.alarm?.id === alarm.id)!;
    expect(item).toMatchObject({ raised: true, ackedBy: 'officer1' });
    const expectedAckS = (ack.body.alarm.ackedAt! - alarm.raisedAt) / 1000;
    expect(item.ackS).toBeCloseTo(expectedAckS, 3);
    expect(Math.abs(ack.body.alarm.ackedAt! - ackedAt)).toBeLessThan(1000);
    // Display time comes from the stored drill observation that triggered it (NFPA 72: ≤ 10 s).
    expect(item.triggerAt).not.toBeNull();
    expect(item.displayS).toBeGreaterThanOrEqual(0);
    expect(item.displayOk).toBe(item.displayS! <= 10);
    expect(report.body.score.expected).toBe(drill.expected.length);
    expect(report.body.score.raised + report.body.score.missed).toBe(drill.expected.length);

    // Observations in InfluxDB carry the drill id.
    const rows = await influx.query(`SELECT count(value) FROM reading WHERE drill = '${drill.id}'`, DB);
    expect(Number(rows[0]?.count)).toBeGreaterThan(0);

    // One real alarm next to the drill's: real statistics count it and none of the drill's.
    await mosquittoPub(broker.port, 'vigil/hq/CAN-CO-01/reading', { value: 250, unit: 'ppm' });
    const real = await eventually(
      async () => {
        const r = await vigil.api<AlarmStatsResponse>('/api/reports/alarms', { headers: { cookie: manager } });
        return r.body.total.alarms > 0 ? r : null;
      },
      10_000,
      'the real alarm in statistics',
    );
    expect(real.body.total.alarms).toBe(1);
    expect(real.body.topSensors.map((s) => s.sensorId)).toEqual(['CAN-CO-01']);
    const own = await vigil.api<AlarmStatsResponse>('/api/reports/alarms?drill=only', { headers: { cookie: manager } });
    expect(own.body.total.alarms).toBeGreaterThan(0);
  });
});
