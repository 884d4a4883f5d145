// A drill started from the API runs the scenario through Mosquitto like devices
// would; its observations and alarms carry the drill id; the report's timings come from the real
// events (acknowledged through the API at a known moment); real statistics never include it.
// A drill that cannot run as asked is refused before anything runs; a drill's alarms escalate on
// the consoles but never reach real contacts, and close with the drill (docs/contracts.md#drills).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  Alarm,
  AlarmDetailResponse,
  AlarmListResponse,
  AlarmNotificationsResponse,
  AlarmStatsResponse,
  Drill,
  DrillListResponse,
  DrillReport,
} from '../../contract/index.ts';
import { stopAllServices, type InfluxHandle, type MosquittoHandle } from '../support/services.ts';
import { eventually, signedIn, startVigilStack, type VigilHandle } from '../support/vigil.ts';
import { mosquittoPub } from '../support/clients.ts';

const DB = 'vigil_drill_test';
let broker: MosquittoHandle;
let influx: InfluxHandle;
let vigil: VigilHandle;
let officer: string;
let manager: string;
/** The escalation webhook: every body it was sent. */
let hook: http.Server;
const hooked: string[] = [];

const post = <T>(pathname: string, body: unknown, cookie: string) =>
  vigil.api<T>(pathname, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify(body) });

beforeAll(async () => {
  hook = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      hooked.push(body);
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
  ({ broker, influx, vigil } = await startVigilStack({
    db: DB,
    facility: path.resolve('config/facility.yaml'),
    env: {
      // Every alarm left unacknowledged escalates within seconds, to a receiver this test reads.
      ESCALATION_S: 'critical=2,high=2,medium=2,low=2',
      WEBHOOK_URLS: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/escalations`,
    },
  }));
  [officer, manager] = await Promise.all([signedIn(vigil, 'officer1', 'officer'), signedIn(vigil, 'manager1', 'manager')]);
});

afterAll(async () => {
  await vigil?.stop();
  await stopAllServices();
  hook?.close();
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
    // Ended a few seconds in: what the scenario had not reached yet is not played, not missed.
    const { raised, missed, notPlayed, pending } = report.body.score;
    expect(raised + missed + notPlayed).toBe(drill.expected.length);
    expect(pending).toBe(0);
    expect(notPlayed).toBeGreaterThan(0);
    expect(report.body.items.filter((i) => i.outcome === 'not_played').every((i) => i.dueAt! > ended.body.drill.endedAt!)).toBe(true);

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

describe('a drill that cannot run as asked', () => {
  it('is refused with the reason before anything runs: a site without its sensors, a speed it does not allow', async () => {
    const before = await vigil.api<DrillListResponse>('/api/drills', { headers: { cookie: manager } });
    const elsewhere = await post<{ error: { code: string; message: string } }>(
      '/api/drills',
      { scenario: 'canteen-gas-leak', siteId: 'lodging', run: true, speed: 10 },
      manager,
    );
    expect(elsewhere.status).toBe(422);
    expect(elsewhere.body.error.code).toBe('SCENARIO_UNFIT');
    expect(elsewhere.body.error.message).toMatch(/^Canteen gas leak plays the sensors of site hq, not lodging: lodging has no CAN-GAS-01, /);
    const tooFast = await post<{ error: { code: string } }>('/api/drills', { scenario: 'door-propped-open', siteId: 'lodging', run: true, speed: 10 }, manager);
    expect(tooFast.status).toBe(400);
    expect(tooFast.body.error.code).toBe('SPEED_NOT_ALLOWED');
    // Nothing was recorded: no drill to be graded 0 % with every alarm "missed".
    const after = await vigil.api<DrillListResponse>('/api/drills', { headers: { cookie: manager } });
    expect(after.body.drills.map((d) => d.id)).toEqual(before.body.drills.map((d) => d.id));
    // What the form offers comes from the scenario file: its title, site, speeds and notes, in English and Chinese.
    const door = after.body.scenarios.find((s) => s.name === 'door-propped-open')!;
    expect(door).toMatchObject({ title: 'Fire exit and stair door propped open', titleZh: '消防出口和楼梯门被撑开', siteId: 'lodging', speeds: [1, 2] });
    const canteen = after.body.scenarios.find((s) => s.name === 'canteen-gas-leak')!;
    expect(canteen.speeds).toEqual([1, 2, 5, 10]);
    expect(canteen.notes[0]).toEqual({ at: 0, text: 'Lunch service: a hose at the wok range works loose', textZh: '午餐供应时：炒灶的燃气软管松脱' });
  });
});

describe("a drill's alarms", () => {
  it('escalate on the consoles but never reach the notification outbox, and close with the drill as "drill ended"', async () => {
    const started = await post<{ drill: Drill }>('/api/drills', { scenario: 'canteen-gas-leak', siteId: 'hq', run: true, speed: 10 }, manager);
    expect(started.status).toBe(201);
    const drill = started.body.drill;
    const escalated = await eventually(
      async () => {
        const r = await vigil.api<AlarmListResponse>(`/api/alarms?drill=only&sensor=CAN-GAS-01`, { headers: { cookie: officer } });
        return r.body.alarms.find((a: Alarm) => a.drill === drill.id && a.escalationLevel > 0);
      },
      60_000,
      'a drill alarm escalated',
    );

    // A real alarm escalating next to it is posted to the webhook: the path works, for real alarms.
    await mosquittoPub(broker.port, 'vigil/hq/CAN-GAS-03/reading', { value: 30, unit: '%LEL' });
    const real = await eventually(
      async () => {
        const r = await vigil.api<AlarmListResponse>(`/api/alarms?sensor=CAN-GAS-03`, { headers: { cookie: officer } });
        return r.body.alarms.find((a: Alarm) => a.drill === null && a.escalationLevel > 0 && hooked.some((b) => b.includes(a.id)));
      },
      20_000,
      'the real alarm escalated and posted',
    );
    expect(real.drill).toBeNull();
    // The drill's escalation came first, and no contact was ever owed anything for it.
    expect(hooked.filter((b) => b.includes(drill.id))).toEqual([]);
    const owed = await vigil.api<AlarmNotificationsResponse>(`/api/alarms/${escalated.id}/notifications`, { headers: { cookie: officer } });
    expect(owed.body.notifications).toEqual([]);

    const ended = await post<{ drill: Drill }>(`/api/drills/${drill.id}/end`, {}, manager);
    expect(ended.body.drill.state).toBe('ended');
    const open = await vigil.api<AlarmListResponse>(`/api/alarms?drill=only&state=open`, { headers: { cookie: officer } });
    expect(open.body.alarms.filter((a) => a.drill === drill.id)).toEqual([]);
    const detail = await vigil.api<AlarmDetailResponse>(`/api/alarms/${escalated.id}`, { headers: { cookie: officer } });
    expect(detail.body.alarm.state).toBe('cleared');
    expect(detail.body.history.at(-1)).toMatchObject({ kind: 'cleared', actor: 'manager1', note: 'drill ended' });

    // Kept in the drill report, marked as closed by the drill's end.
    const report = await vigil.api<DrillReport>(`/api/drills/${drill.id}/report`, { headers: { cookie: manager } });
    expect(report.body.items.find((i) => i.alarm?.id === escalated.id)).toMatchObject({ closedByDrillEnd: true, resolvedS: null });
  });
});
