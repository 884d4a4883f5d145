// A gas reading through real Mosquitto raises a critical alarm that a Socket.IO client
// receives; actions are recorded; a kill -9 brings back the same alarms; the audit chain holds.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MAX_OUT_OF_SERVICE_S,
  type Alarm,
  type AlarmEvent,
  type AlarmNotificationsResponse,
  type AlarmSnapshot,
  type ClientToServerEvents,
  type OutOfService,
  type ServerToClientEvents,
} from '../../contract/index.ts';
import { startInflux, startMosquitto, stopAllServices, type InfluxHandle, type MosquittoHandle } from '../support/services.ts';
import { eventually, startVigil, type VigilHandle } from '../support/vigil.ts';
import { mosquittoPub } from '../support/clients.ts';

const FACILITY = path.resolve('test/fixtures/facility.yaml');
const DB = 'vigil_alarms_test';

let broker: MosquittoHandle;
let influx: InfluxHandle;
let vigil: VigilHandle;
/** An officer's session: Socket.IO refuses connections without one. */
let cookie: string;
let managerCookie: string;
let webhook: { url: string; received: unknown[]; close(): Promise<void> };

/** A local HTTP endpoint standing in for the next level up (escalation webhooks). */
function startWebhookReceiver(): Promise<typeof webhook> {
  const received: unknown[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      received.push(JSON.parse(body));
      res.writeHead(204).end();
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `http://127.0.0.1:${port}/hook`, received, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

const act = (alarmId: string, action: string, body: unknown, as = cookie) =>
  vigil.api<{ alarm?: Alarm; error?: { code: string } }>(`/api/alarms/${alarmId}/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: as },
    body: JSON.stringify(body),
  });

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;
interface Watcher {
  socket: Client;
  snapshot: AlarmSnapshot | null;
  events: AlarmEvent[];
}
const watchers: Watcher[] = [];

function watch(): Promise<Watcher> {
  const socket: Client = io(vigil.url, { transports: ['websocket'], reconnection: false, extraHeaders: { cookie } });
  const w: Watcher = { socket, snapshot: null, events: [] };
  watchers.push(w);
  socket.on('alarm', (e) => w.events.push(e));
  return new Promise((resolve, reject) => {
    socket.once('snapshot', (s) => {
      w.snapshot = s;
      resolve(w);
    });
    socket.once('connect_error', reject);
  });
}

/** The sum of a metric's samples on this Vigil process's /metrics whose labels include `labels`. */
async function metric(name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`${vigil.url}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (m?.[1] === name && Object.entries(labels).every(([k, v]) => (m[2] ?? '').includes(`${k}="${v}"`))) sum += Number(m[3]);
  }
  return sum;
}

const pub = (topic: string, payload: unknown) => mosquittoPub(broker.port, topic, JSON.stringify(payload));

beforeAll(async () => {
  [broker, influx] = await Promise.all([startMosquitto(), startInflux()]);
  webhook = await startWebhookReceiver();
  // Critical escalates after 2 s here (default 60 s) so the test sees the next level up quickly.
  vigil = await startVigil({
    mqttUrl: broker.url,
    influxUrl: influx.url,
    influxDb: DB,
    env: { FACILITY_FILE: FACILITY, ESCALATION_S: 'critical=2,high=300,medium=1800', WEBHOOK_URLS: webhook.url },
  });
  await Promise.all([vigil.addUser('officer1', 'officer'), vigil.addUser('manager1', 'manager')]);
  cookie = await vigil.login('officer1');
  managerCookie = await vigil.login('manager1');
});

afterAll(async () => {
  for (const w of watchers) w.socket.close();
  await vigil?.stop();
  await webhook?.close();
  await stopAllServices();
});

describe('alarms end to end', () => {
  it('pushes a critical gas alarm to a Socket.IO client within a second of mosquitto_pub', async () => {
    const w = await watch();
    expect(w.snapshot!.alarms).toEqual([]);
    const started = Date.now();
    await pub('vigil/t1/T-GAS-01/reading', { value: 25, unit: '%LEL' });
    const raised = await eventually(() => w.events.find((e) => e.subject === 'alarm' && e.kind === 'raised'), 5000, 'raised event');
    // NFPA 72 allows 10 s from the initiating device; the duty officer should see it within 1 s.
    expect(Date.now() - started).toBeLessThan(2000);
    expect(raised.subject === 'alarm' && raised.alarm).toMatchObject({
      sensorId: 'T-GAS-01',
      condition: 'gas',
      priority: 'critical',
      class: 'alarm',
      state: 'active_unacked',
      latching: true,
    });
    // Strictly increasing sequence numbers.
    expect(w.events.map((e) => e.seq)).toEqual(w.events.map((_, i) => w.snapshot!.seq + 1 + i));
  });

  it('records acknowledgement, comment and reset with who and when; a second client sees each change', async () => {
    const first = await watch();
    const second = await watch();
    const alarm = first.snapshot!.alarms.find((a) => a.sensorId === 'T-GAS-01')!;
    const acked = await act(alarm.id, 'ack', { note: 'on my way' });
    expect(acked.status).toBe(200);
    expect(acked.body.alarm).toMatchObject({ state: 'active_acked', ackedBy: 'officer1' });
    const seen = await eventually(
      () => second.events.find((e) => e.subject === 'alarm' && e.kind === 'acked' && e.alarmId === alarm.id),
      5000,
      'ack on the second client',
    );
    expect(seen).toMatchObject({ actor: 'officer1', note: 'on my way' });
    expect((await act(alarm.id, 'comment', { text: 'kitchen evacuated, valve closed' })).status).toBe(200);
    // A procedure step ticked is an event of the alarm's history, time-stamped by the server.
    const beforeTick = Date.now();
    expect((await act(alarm.id, 'sop_step', { step: 1, done: true })).status).toBe(200);
    expect((await act(alarm.id, 'sop_step', { step: 3, done: true })).body.error?.code).toBe('NOT_FOUND'); // the SOP has 3 steps
    // Assign picks from the accounts the server lists: names only, and no disabled account.
    await vigil.addUser('former1', 'officer');
    expect((await vigil.cli(['user', 'disable', 'former1'])).code).toBe(0);
    const assignable = await vigil.api<unknown[]>('/api/users/assignable', { headers: { cookie } });
    expect(assignable.body).toEqual([
      { username: 'manager1', displayName: 'manager1' },
      { username: 'officer1', displayName: 'officer1' },
    ]);
    // Latching (gas high): no reset while the gas is still there; resolving is the manager's.
    expect((await act(alarm.id, 'reset', {})).body.error?.code).toBe('CONDITION_ACTIVE');
    expect((await act(alarm.id, 'resolve', { causeCategory: 'other', cause: 'x', correctiveAction: 'y' })).status).toBe(403);
    expect((await act(alarm.id, 'shelve', { durationS: 8 * 3600, reason: 'maintenance' })).body.error?.code).toBe('SHELVE_TOO_LONG');
    await pub('vigil/t1/T-GAS-01/reading', { value: 1, unit: '%LEL' });
    await eventually(
      async () => (await vigil.api<{ alarm: Alarm }>(`/api/alarms/${alarm.id}`, { headers: { cookie } })).body.alarm.conditionActive === false,
      5000,
      'gas gone',
    );
    expect((await vigil.api<{ alarm: Alarm }>(`/api/alarms/${alarm.id}`, { headers: { cookie } })).body.alarm.state).toBe('active_acked'); // still latched
    const reset = await act(alarm.id, 'reset', { note: 'detector checked' });
    expect(reset.body.alarm).toMatchObject({ state: 'cleared', resetBy: 'officer1' });
    const body = { cause: 'loose hose at the wok range', correctiveAction: 'hose replaced, clamps checked on all ranges' };
    // The cause is chosen from categories (with free text): without one, or with an unknown one, 400.
    expect((await act(alarm.id, 'resolve', body, managerCookie)).status).toBe(400);
    expect((await act(alarm.id, 'resolve', { ...body, causeCategory: 'gremlins' }, managerCookie)).status).toBe(400);
    const resolved = await act(alarm.id, 'resolve', { ...body, causeCategory: 'equipment_fault' }, managerCookie);
    expect(resolved.body.alarm?.resolution).toMatchObject({ by: 'manager1', causeCategory: 'equipment_fault', cause: 'loose hose at the wok range' });
    const listed = await vigil.api<{ alarms: Alarm[] }>(`/api/alarms?sensor=T-GAS-01&state=closed`, { headers: { cookie } });
    expect(listed.body.alarms.find((a) => a.id === alarm.id)?.resolution?.causeCategory).toBe('equipment_fault');
    const detail = await vigil.api<{ history: { kind: string; actor: string; at: number; step?: number; done?: boolean; note: string | null }[] }>(
      `/api/alarms/${alarm.id}`,
      { headers: { cookie } },
    );
    const tick = detail.body.history.find((h) => h.kind === 'sop_step');
    expect(tick).toMatchObject({ actor: 'officer1', step: 1, done: true, note: '2. Shut the gas valve' });
    expect(tick!.at).toBeGreaterThanOrEqual(beforeTick);
    const audit = await vigil.api<{ action: string; actor: string; at: number; detail: unknown }[]>(`/api/audit?target=alarm:${alarm.id}`, {
      headers: { cookie: managerCookie },
    });
    expect(audit.body.find((e) => e.action === 'alarm.sop_step')).toMatchObject({ actor: 'officer1', at: tick!.at, detail: { step: 1, done: true } });
    expect(detail.body.history.map((h) => [h.kind, h.actor])).toEqual(
      expect.arrayContaining([
        ['raised', 'system'],
        ['acked', 'officer1'],
        ['commented', 'officer1'],
        ['sop_step', 'officer1'],
        ['reset', 'officer1'],
        ['resolved', 'manager1'],
      ]),
    );
  });

  it('takes a sensor out of service only with an end, reminds before the end and returns it to service by itself', async () => {
    // An out-of-service period needs an end (at most MAX_OUT_OF_SERVICE_S), a reminder before it
    // ends and an automatic return to service (docs/contracts.md, out of service).
    const oos = (body: unknown) =>
      vigil.api<{ sensor?: { outOfService: OutOfService | null }; error?: { code: string } }>('/api/sensors/T-SMK-01/out-of-service', {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: managerCookie },
        body: JSON.stringify(body),
      });
    expect((await oos({ reason: 'detector cleaning' })).status).toBe(400);
    expect((await oos({ reason: 'detector cleaning', until: Date.now() - 1000 })).status).toBe(400);
    expect((await oos({ reason: 'detector cleaning', until: Date.now() + MAX_OUT_OF_SERVICE_S * 1000 + 60_000 })).status).toBe(400);
    const w = await watch();
    // Ending within the reminder time: the reminder comes at the next tick, the end 3 s later.
    const until = Date.now() + 3000;
    const taken = await oos({ reason: 'detector cleaning', until });
    expect(taken.status).toBe(200);
    expect(taken.body.sensor?.outOfService).toMatchObject({ until, by: 'manager1', reason: 'detector cleaning' });
    const sensorEvents = () => w.events.filter((e) => e.subject === 'sensor' && e.sensorId === 'T-SMK-01');
    const back = await eventually(() => sensorEvents().find((e) => e.kind === 'sensor_in_service'), 10_000, 'back in service by itself');
    expect(back).toMatchObject({ actor: 'system', outOfService: null });
    expect(back.at).toBeGreaterThanOrEqual(until);
    expect(sensorEvents().map((e) => e.kind)).toEqual(['sensor_out_of_service', 'sensor_out_of_service_ending', 'sensor_in_service']);
  });

  it('escalates an unacknowledged critical alarm and posts it to the webhook', async () => {
    const w = await watch();
    await pub('vigil/t1/T-GAS-02/reading', { value: 30, unit: '%LEL' });
    const escalated = await eventually(
      () => w.events.find((e) => e.subject === 'alarm' && e.kind === 'escalated' && e.alarm.sensorId === 'T-GAS-02'),
      10_000,
      'escalation',
    );
    expect(escalated).toMatchObject({ level: 1 });
    // The webhook is a shared channel (a fresh stack's schedule also announces safety reports
    // there, in no set order with this escalation): pick this alarm's escalation by its type.
    const posted = await eventually(
      () =>
        webhook.received.find((b) => {
          const m = b as { type?: string; alarm?: Alarm };
          return m.type === 'vigil.alarm.escalated' && m.alarm?.sensorId === 'T-GAS-02';
        }),
      15_000,
      'webhook POST',
    );
    expect(posted).toMatchObject({ level: 1, alarm: { priority: 'critical', state: 'active_unacked' } });
    // The alarm shows who was told and how it went (the escalation outbox, docs/contracts.md).
    const alarmId = (posted as { alarm: Alarm }).alarm.id;
    const shown = await eventually(
      async () => {
        const r = await vigil.api<AlarmNotificationsResponse>(`/api/alarms/${alarmId}/notifications`, { headers: { cookie } });
        return r.body.notifications?.find((n) => n.level === 1 && n.status === 'delivered');
      },
      10_000,
      'delivered notification listed',
    );
    expect(shown).toMatchObject({ contactId: 'webhook-urls-1', channel: 'webhook', attempts: [{ n: 1, ok: true, status: 204 }] });
    expect((await vigil.api(`/api/alarms/no-such-alarm/notifications`, { headers: { cookie } })).status).toBe(404);
  });

  it('comes back with the same alarms after kill -9', async () => {
    const before = await watch();
    const open = before.snapshot!.alarms.map((a: Alarm) => ({ id: a.id, state: a.state, priority: a.priority }));
    expect(open.length).toBeGreaterThan(0);
    await vigil.kill();
    await vigil.start();
    const after = await watch();
    expect(after.snapshot!.alarms.map((a: Alarm) => ({ id: a.id, state: a.state, priority: a.priority }))).toEqual(open);
    expect(after.snapshot!.seq).toBeGreaterThanOrEqual(before.snapshot!.seq);
    // Acknowledgements and comments are exactly as before.
    for (const a of before.snapshot!.alarms) {
      const now = after.snapshot!.alarms.find((b) => b.id === a.id)!;
      expect({ ackedBy: now.ackedBy, ackedAt: now.ackedAt, escalationLevel: now.escalationLevel >= a.escalationLevel }).toEqual({
        ackedBy: a.ackedBy,
        ackedAt: a.ackedAt,
        escalationLevel: true,
      });
    }
    // The audit trail is intact across the crash.
    const verify = await vigil.api<{ ok: boolean; entries: number }>('/api/audit/verify', { headers: { cookie: managerCookie } });
    expect(verify.body.ok).toBe(true);
    expect(verify.body.entries).toBeGreaterThan(5);
  });

  it('keeps a running held-open timer across kill -9, even before any alarm', async () => {
    // T-DOOR-02 may stay open 4 s; kill the server right after the door opens, long before the
    // periodic save of rule state (10 s after start): the timer must still fire after the restart.
    await vigil.stop();
    await vigil.start();
    const durableBefore = await metric('vigil_ingest_to_durable_seconds_count');
    await pub('vigil/t1/T-DOOR-02/event', { type: 'open' });
    // Wait until the event is stored and acknowledged (the broker will not redeliver it, which
    // would re-arm the timer by itself) — only the saved rule state can bring the timer back.
    // A message is counted durable in the turn its PUBACK is queued for (mqtt.subscriber.ts).
    await eventually(async () => (await influx.query(`SELECT type FROM event WHERE sensor = 'T-DOOR-02'`, DB)).length === 1, 5000, 'door open stored');
    await eventually(async () => (await metric('vigil_ingest_to_durable_seconds_count')) > durableBefore, 5000, 'door open acknowledged');
    await vigil.kill();
    await vigil.start();
    const w = await watch();
    const held = await eventually(
      () =>
        w.snapshot!.alarms.find((a) => a.sensorId === 'T-DOOR-02') ??
        w.events.find((e) => e.subject === 'alarm' && e.kind === 'raised' && e.alarm.sensorId === 'T-DOOR-02'),
      15_000,
      'held-open alarm after the restart',
    );
    expect('condition' in held ? held.condition : held.subject === 'alarm' && held.alarm.condition).toBe('door_held');
    // The premise holds: the broker redelivered no door event to this process. A reading published
    // now reaches Vigil after anything the broker still held for its session.
    await pub('vigil/t1/T-CO-01/reading', { value: 0, unit: 'ppm' });
    await eventually(async () => (await metric('vigil_observations_ingested_total', { channel: 'reading' })) >= 1, 5000, 'the later reading ingested');
    expect(await metric('vigil_observations_ingested_total', { channel: 'event' })).toBe(0);
  });

  it('refuses actions without a session', async () => {
    const res = await vigil.api('/api/alarms/x/ack', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(401);
  });
});
