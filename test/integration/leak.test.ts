// Water-leak detectors end to end through Mosquitto, with the demo facility (config/facility.yaml):
// a wet report raises a high `leak` alarm that latches; a reset is refused while the probe is wet
// and accepted once it reports dry (docs/contracts.md#conditions-and-rules); the alarm counts in
// the manager's statistics; and the basement-flood drill runs from the API as the dashboard starts it.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alarm, AlarmListResponse, AlarmStatsResponse, Drill, DrillReport } from '../../contract/index.ts';
import { stopAllServices, type MosquittoHandle } from '../support/services.ts';
import { eventually, signedIn, startVigilStack, type VigilHandle } from '../support/vigil.ts';
import { mosquittoPub } from '../support/clients.ts';

const DB = 'vigil_leak_test';
const SUMP = 'TWR-B1-LEAK-SUMP';
let broker: MosquittoHandle;
let vigil: VigilHandle;
let officer: string;
let manager: string;

const post = <T>(pathname: string, body: unknown, cookie: string) =>
  vigil.api<T & { error?: { code: string } }>(pathname, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify(body),
  });
const getAlarm = async (id: string) => (await vigil.api<{ alarm: Alarm }>(`/api/alarms/${id}`, { headers: { cookie: officer } })).body.alarm;

beforeAll(async () => {
  ({ broker, vigil } = await startVigilStack({ db: DB, facility: path.resolve('config/facility.yaml') }));
  [officer, manager] = await Promise.all([signedIn(vigil, 'officer1', 'officer'), signedIn(vigil, 'manager1', 'manager')]);
});

afterAll(async () => {
  await vigil?.stop();
  await stopAllServices();
});

describe('a water-leak detector through Mosquitto', () => {
  it('raises a high leak alarm that stays latched: reset refused while wet, accepted once dry', async () => {
    await mosquittoPub(broker.port, `vigil/hq/${SUMP}/event`, { type: 'leak', detail: 'water at the pump sump probe' });
    const alarm = await eventually(
      async () => {
        const r = await vigil.api<AlarmListResponse>(`/api/alarms?sensor=${SUMP}`, { headers: { cookie: officer } });
        return r.body.alarms.find((a) => a.condition === 'leak');
      },
      10_000,
      'the leak alarm',
    );
    expect(alarm).toMatchObject({
      priority: 'high',
      class: 'alarm',
      latching: true,
      conditionActive: true,
      sopKey: 'water_leak',
      zoneId: 'plant-room',
      drill: null,
    });
    expect(alarm.sop.length).toBeGreaterThan(0);

    expect((await post(`/api/alarms/${alarm.id}/ack`, { note: 'technician on the way' }, officer)).status).toBe(200);
    const refused = await post(`/api/alarms/${alarm.id}/reset`, {}, officer);
    expect(refused.status).toBe(409);
    expect(refused.body.error?.code).toBe('CONDITION_ACTIVE');

    await mosquittoPub(broker.port, `vigil/hq/${SUMP}/event`, { type: 'leak_clear' });
    await eventually(async () => (await getAlarm(alarm.id)).conditionActive === false, 10_000, 'the detector reporting dry');
    // Dry is not reset: the alarm stays until someone has looked.
    expect((await getAlarm(alarm.id)).state).toBe('active_acked');
    const reset = await post<{ alarm: Alarm }>(`/api/alarms/${alarm.id}/reset`, { note: 'joint re-made, floor dry' }, officer);
    expect(reset.status).toBe(200);
    expect(reset.body.alarm).toMatchObject({ state: 'cleared', resetBy: 'officer1' });

    // The manager's statistics count it in its zone like any other alarm.
    const stats = await vigil.api<AlarmStatsResponse>('/api/reports/alarms', { headers: { cookie: manager } });
    expect(stats.body.byZone.find((z) => z.zoneId === 'plant-room')).toMatchObject({ siteId: 'hq', alarms: 1, unacknowledged: 0 });
    expect(stats.body.topSensors.map((s) => s.sensorId)).toContain(SUMP);
  });

  // https://www.zigbee2mqtt.io/devices/SJCGQ11LM.html: water_leak true = wet, with battery and voltage.
  it('raises and clears a Zigbee2MQTT leak sensor from its own state topic', async () => {
    const SENSOR = 'DRM-LEAK-LAUNDRY';
    await mosquittoPub(broker.port, 'zigbee2mqtt/Dorm washer leak', { water_leak: true, battery: 91, voltage: 3005, linkquality: 72 });
    const alarm = await eventually(
      async () => {
        const r = await vigil.api<AlarmListResponse>(`/api/alarms?sensor=${SENSOR}`, { headers: { cookie: officer } });
        return r.body.alarms.find((a) => a.condition === 'leak');
      },
      10_000,
      'the Zigbee leak alarm',
    );
    expect(alarm).toMatchObject({ priority: 'high', latching: true, conditionActive: true, zoneId: 'dorm-laundry' });
    await mosquittoPub(broker.port, 'zigbee2mqtt/Dorm washer leak', { water_leak: false, battery: 91, voltage: 3005, linkquality: 70 });
    await eventually(async () => (await getAlarm(alarm.id)).conditionActive === false, 10_000, 'the Zigbee detector reporting dry');
  });

  it('runs the basement-flood drill from the API: every expected leak alarm is raised and scored', async () => {
    const started = await post<{ drill: Drill }>('/api/drills', { scenario: 'basement-flood', siteId: 'hq', run: true, speed: 10 }, manager);
    expect(started.status).toBe(201);
    const drill = started.body.drill;
    expect(drill.expected.map((e) => [e.sensorId, e.condition, e.priority])).toEqual([
      ['TWR-B1-LEAK-SUMP', 'leak', 'high'],
      ['TWR-B1-LEAK-BOIL', 'leak', 'high'],
      ['TWR-B1-LEAK-TANK', 'leak', 'high'],
    ]);

    const raised = await eventually(
      async () => {
        const r = await vigil.api<AlarmListResponse>(`/api/alarms?drill=only`, { headers: { cookie: officer } });
        const leaks = r.body.alarms.filter((a) => a.drill === drill.id && a.condition === 'leak');
        return leaks.length === 3 ? leaks : null;
      },
      60_000,
      'the three drill leak alarms',
    );
    expect(new Set(raised.map((a) => a.sensorId))).toEqual(new Set(['TWR-B1-LEAK-SUMP', 'TWR-B1-LEAK-BOIL', 'TWR-B1-LEAK-TANK']));
    expect(raised.every((a) => a.priority === 'high' && a.latching)).toBe(true);

    expect((await post<{ drill: Drill }>(`/api/drills/${drill.id}/end`, {}, manager)).body.drill.state).toBe('ended');
    const report = await vigil.api<DrillReport>(`/api/drills/${drill.id}/report`, { headers: { cookie: manager } });
    expect(report.status).toBe(200);
    expect(report.body.score).toMatchObject({ expected: 3, raised: 3, missed: 0 });
    // Display time is measured from the stored wet report that triggered each alarm.
    expect(report.body.items.filter((i) => i.raised).every((i) => i.triggerAt !== null && i.displayS !== null)).toBe(true);
  });
});
