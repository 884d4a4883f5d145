/**
 * A stand-in Vigil for browser tests that need states the real stack cannot produce on demand —
 * 2,000 sensors with 300 active alarms for the dashboard's performance figures, InfluxDB down for
 * the trouble banner — speaking the same contract (REST shapes of contract/api.ts, the Socket.IO
 * event maps of contract/realtime.ts) over a real Express app and a real Socket.IO server. Its
 * realtime side is held to the real server's by one suite run against both
 * (test/integration/realtime.contract.test.ts). The facility comes from the real loader; the
 * console scenario itself runs against the real server (console.test.ts).
 */
import http from 'node:http';
import path from 'node:path';
import express from 'express';
import { Server } from 'socket.io';
import type { Alarm, AlarmEvent, AlarmEventKind, ClientToServerEvents, ServerToClientEvents, SensorLiveState } from '../../contract/alarm.ts';
import type { HealthResponse, ReadingsResponse } from '../../contract/api.ts';
import type { Role, SessionInfo } from '../../contract/auth.ts';
import type { Facility } from '../../contract/facility.ts';
import type { AlarmNotificationsResponse } from '../../contract/notification.ts';
import { loadFacility } from '../../server/src/services/facility.loader.ts';
import { CLIENT_DIST } from '../support/e2e.ts';

export interface FakeVigil {
  url: string;
  facility: Facility;
  alarms: Map<string, Alarm>;
  /** Applies a change and pushes it with the next sequence number, as the hub does. */
  push: (alarm: Alarm, kind?: AlarmEventKind, note?: string | null) => void;
  health: HealthResponse;
  role: Role;
  close: () => Promise<void>;
}

/** The real facility, with every sensor copied `copies` times (ids suffixed) to reach a large site. */
export function scaledFacility(file: string, copies: number): { facility: Facility; planFiles: Map<string, string> } {
  const { facility, planFiles } = loadFacility(file);
  if (copies <= 1) return { facility, planFiles };
  const sensors = facility.sensors.flatMap((s) =>
    Array.from({ length: copies }, (_, i) =>
      i === 0 ? s : { ...s, id: `${s.id}-${i}`, name: `${s.name} #${i}`, x: s.x + ((i * 37) % 160) - 80, y: s.y + ((i * 53) % 120) - 60 },
    ),
  );
  const idsOf = (zoneId: string, siteId: string): string[] => sensors.filter((s) => s.zoneId === zoneId && s.siteId === siteId).map((s) => s.id);
  const sites = facility.sites.map((site) => ({
    ...site,
    floors: site.floors.map((floor) => ({ ...floor, zones: floor.zones.map((z) => ({ ...z, sensorIds: idsOf(z.id, site.id) })) })),
  }));
  return { facility: { ...facility, sites, sensors }, planFiles };
}

const PRIORITIES = ['critical', 'high', 'medium', 'low'] as const;

/** `count` open alarms over the facility's sensors, a mix of priorities and states, a few drills. */
export function makeAlarms(facility: Facility, count: number, now: number): Alarm[] {
  const measured = facility.sensors;
  return Array.from({ length: count }, (_, i) => {
    const s = measured[(i * 7) % measured.length]!;
    const priority = PRIORITIES[i % 7 === 0 ? 0 : i % 4]!;
    const unacked = i % 3 !== 0;
    const raisedAt = now - (i + 1) * 47_000;
    const gas = s.kind === 'gas' || s.kind === 'co';
    return {
      id: `al_fake_${i}`,
      siteId: s.siteId,
      floorId: s.floorId,
      zoneId: s.zoneId,
      sensorId: s.id,
      sensorName: s.name,
      sensorKind: s.kind,
      condition: gas
        ? s.kind === 'gas'
          ? 'gas'
          : 'co'
        : s.kind === 'smoke'
          ? 'smoke'
          : s.kind === 'door'
            ? 'door_held'
            : s.kind === 'leak'
              ? 'leak'
              : 'offline',
      class: priority === 'low' ? 'trouble' : priority === 'medium' ? 'supervisory' : 'alarm',
      priority,
      state: unacked ? 'active_unacked' : 'active_acked',
      conditionActive: true,
      latching: gas && priority === 'critical',
      raisedAt,
      activatedAt: raisedAt,
      clearedAt: null,
      closedAt: null,
      ackedAt: unacked ? null : raisedAt + 30_000,
      ackedBy: unacked ? null : 'officer',
      resetAt: null,
      resetBy: null,
      assignedTo: null,
      escalationLevel: unacked && priority === 'critical' ? 1 : 0,
      escalationDueAt: null,
      chattering: i % 29 === 0,
      shelved: null,
      outOfService: false,
      incidentId: null,
      drill: i % 11 === 5 ? 'd-canteen-gas' : null,
      sopKey: 'gas_leak',
      sop: facility.sops.gas_high ?? facility.sops.gas_leak ?? ['Check the sensor'],
      lastValue: gas ? 24.5 : null,
      peakValue: gas ? 27 : null,
      unit: s.unit,
      message: `${s.name}: ${priority}`,
      resolution: null,
      updatedAt: raisedAt,
    } satisfies Alarm;
  });
}

function readings(sensorId: string, unit: string | null, from: number, to: number): ReadingsResponse {
  const step = Math.max(30_000, Math.round((to - from) / 300));
  const points = [];
  for (let t = Math.ceil(from / step) * step; t <= to; t += step)
    points.push({ t, value: Math.round((3 + 2 * Math.sin(t / 600_000) + (t % 7) / 10) * 100) / 100 });
  return { sensorId, unit, from, to, stepS: null, resolution: 'raw', points };
}

export async function startFakeVigil(opts: { facilityFile: string; copies?: number; alarms?: number; role?: Role }): Promise<FakeVigil> {
  const { facility, planFiles } = scaledFacility(opts.facilityFile, opts.copies ?? 1);
  const now = Date.now();
  const alarms = new Map(makeAlarms(facility, opts.alarms ?? 0, now).map((a) => [a.id, a]));
  const history = new Map<string, AlarmEvent[]>();
  let seq = 0;
  const sensors: SensorLiveState[] = facility.sensors.map((s) => ({
    sensorId: s.id,
    lastSeen: now - 5_000,
    lastValue: s.unit ? 2.5 : null,
    lastEvent: null,
    online: true,
    battery: 88,
    rssi: -61,
    outOfService: null,
  }));
  const health: HealthResponse = {
    ok: true,
    parts: {
      broker: { ok: true, detail: 'mqtt://127.0.0.1:1883' },
      influx: { ok: true, detail: 'ok' },
      outbox: { ok: true, detail: 'empty', depth: 0 },
      drops: { ok: true, detail: 'the broker dropped no messages in the last 10 minutes (0 since Vigil started)', dropped: 0 },
    },
    uptimeS: 100,
    version: 'fake',
  };
  const fake = { role: opts.role ?? 'officer' } as FakeVigil;
  const session = (): SessionInfo => ({
    user: { username: fake.role, displayName: `Demo ${fake.role}`, role: fake.role, disabled: false },
    expiresAt: Date.now() + 3_600_000,
  });

  const app = express();
  app.use(express.json());
  app.get('/api/auth/me', (_req, res) => res.json(session()));
  app.get('/api/auth/config', (_req, res) => res.json({ demo: false }));
  app.post('/api/auth/logout', (_req, res) => res.json({}));
  app.get('/api/facility', (_req, res) => res.json(facility));
  app.get('/api/sensors', (_req, res) => res.json(sensors));
  app.get('/api/health', (_req, res) => res.status(fake.health.ok ? 200 : 503).json(fake.health));
  app.get('/api/sensors/:id/readings', (req, res) => {
    const s = facility.sensors.find((x) => x.id === req.params.id);
    res.json(readings(req.params.id, s?.unit ?? null, Number(req.query.from), Number(req.query.to)));
  });
  app.get('/api/alarms', (req, res) => {
    const list = [...alarms.values()].filter((a) => !req.query.zone || a.zoneId === req.query.zone);
    const offset = Number(req.query.offset ?? 0);
    res.json({ total: list.length, alarms: list.slice(offset, offset + Number(req.query.limit ?? 50)) });
  });
  app.get('/api/alarms/:id', (req, res) => {
    const alarm = alarms.get(req.params.id);
    if (!alarm) return res.status(404).json({ error: { code: 'NOT_FOUND', message: 'no such alarm' } });
    const raised: AlarmEvent = {
      seq: 0,
      subject: 'alarm',
      kind: 'raised',
      alarmId: alarm.id,
      alarm,
      at: alarm.raisedAt,
      actor: 'system',
      note: null,
      drill: alarm.drill,
    };
    res.json({ alarm, history: [raised, ...(history.get(alarm.id) ?? [])] });
  });
  // An escalated alarm was sent to a DingTalk group (delivered on the second attempt) and to a webhook nobody answers.
  app.get('/api/alarms/:id/notifications', (req, res) => {
    const alarm = alarms.get(req.params.id);
    if (!alarm) return res.status(404).json({ error: { code: 'NOT_FOUND', message: 'no such alarm' } });
    const at = alarm.raisedAt + 60_000;
    const body: AlarmNotificationsResponse = {
      notifications:
        alarm.escalationLevel === 0
          ? []
          : [
              {
                ...{
                  id: 1,
                  alarmId: alarm.id,
                  level: 1,
                  contactId: 'duty',
                  contactName: 'Duty group',
                  channel: 'dingtalk',
                  target: 'oapi.dingtalk.com/robot/send',
                },
                ...{ status: 'delivered', createdAt: at, finishedAt: at + 2000, nextAttemptAt: null },
                attempts: [
                  { n: 1, at, ok: false, status: 200, reply: null, error: 'errcode 130101: send too fast' },
                  { n: 2, at: at + 2000, ok: true, status: 200, reply: null, error: null },
                ],
              },
              {
                ...{
                  id: 2,
                  alarmId: alarm.id,
                  level: 1,
                  contactId: 'ops',
                  contactName: 'Operations centre webhook',
                  channel: 'webhook',
                  target: '127.0.0.1:65535/vigil-escalations',
                },
                ...{ status: 'pending', createdAt: at, finishedAt: null, nextAttemptAt: at + 8000 },
                attempts: [
                  { n: 1, at, ok: false, status: null, reply: null, error: 'ECONNREFUSED' },
                  { n: 2, at: at + 2000, ok: false, status: null, reply: null, error: 'ECONNREFUSED' },
                ],
              },
            ],
    };
    return res.json(body);
  });
  app.post('/api/alarms/:id/:action', (req, res) => {
    const alarm = alarms.get(req.params.id);
    if (!alarm) return res.status(404).json({ error: { code: 'NOT_FOUND', message: 'no such alarm' } });
    if (req.params.action === 'ack') {
      const next: Alarm = { ...alarm, state: 'active_acked', ackedAt: Date.now(), ackedBy: fake.role, updatedAt: Date.now() };
      const note = (req.body as { note?: unknown } | undefined)?.note;
      fake.push(next, 'acked', typeof note === 'string' ? note : null);
      return res.json({ alarm: next });
    }
    return res.status(409).json({ error: { code: 'INVALID_TRANSITION', message: `the fake server does not do "${req.params.action}"` } });
  });
  app.get('/plans/:file', (req, res) => {
    const file = planFiles.get(`/plans/${req.params.file}`);
    if (!file) return res.status(404).end();
    res.type('image/svg+xml').sendFile(file);
  });
  app.use(express.static(CLIENT_DIST, { index: false }));
  app.get(/^\/(?!api\/|socket\.io\/).*/, (_req, res) => res.sendFile(path.join(CLIENT_DIST, 'index.html')));

  const server = http.createServer(app);
  // As the real hub (server/src/adapters/socketio.hub.ts): a recovered session gets no snapshot.
  const io = new Server<ClientToServerEvents, ServerToClientEvents>(server, { connectionStateRecovery: { maxDisconnectionDuration: 120_000 } });
  const snapshot = () => ({ seq, at: Date.now(), alarms: [...alarms.values()], incidents: [], sensors });
  // As the real hub: a beat on connect and one a second (volatile), so consoles watch their link here too.
  let beatSeq = 0;
  const beat = () => ({ seq: beatSeq, at: Date.now(), intervalMs: 1_000 });
  const beating = setInterval(() => {
    beatSeq++;
    io.volatile.emit('heartbeat', beat());
  }, 1_000).unref();
  io.on('connection', (socket) => {
    if (!socket.recovered) socket.emit('snapshot', snapshot());
    socket.emit('heartbeat', beat());
    socket.on('resync', (lastSeq) => {
      if (typeof lastSeq === 'number') socket.emit('snapshot', snapshot());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;

  return Object.assign(fake, {
    url: `http://127.0.0.1:${port}`,
    facility,
    alarms,
    health,
    push: (alarm: Alarm, kind: AlarmEventKind = 'updated', note: string | null = null) => {
      alarms.set(alarm.id, alarm);
      const event = {
        seq: ++seq,
        subject: 'alarm',
        kind,
        alarmId: alarm.id,
        alarm,
        at: Date.now(),
        actor: kind === 'acked' ? fake.role : 'system',
        note,
        drill: alarm.drill,
      } as AlarmEvent;
      history.set(alarm.id, [...(history.get(alarm.id) ?? []), event]);
      io.emit('alarm', event);
    },
    close: async () => {
      clearInterval(beating);
      await io.close();
      server.closeAllConnections();
    },
  });
}
