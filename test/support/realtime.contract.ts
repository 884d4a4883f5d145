/**
 * The realtime contract (contract/realtime.ts, docs/contracts.md#realtime-socketio and
 * docs/architecture.md#realtime) as one suite, run against every server that claims to speak it:
 * the real Vigil and the stand-in the browser tests use (test/e2e/fake.vigil.ts). Running the same
 * assertions against both is what keeps the stand-in from drifting away from the server it
 * replaces: a browser test that passes against a stand-in that no longer behaves like Vigil proves
 * nothing.
 *
 * A target is given as "how to start it" and "how to make it raise an alarm"; the suite connects
 * socket.io-client consoles to it and acknowledges over REST as a signed-in officer.
 *
 * @example
 *   describeRealtimeContract('the real server', async () => ({ url, headers: { cookie }, actor: 'officer1', raiseAlarm, close }));
 */
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALARM_CLASSES,
  ALARM_EVENT_KINDS,
  ALARM_STATES,
  PRIORITIES,
  type Alarm,
  type AlarmEvent,
  type AlarmSnapshot,
  type ClientToServerEvents,
  type Heartbeat,
  type Incident,
  type ServerToClientEvents,
  type SensorLiveState,
} from '../../contract/index.ts';
import { eventually } from './vigil.ts';

export interface RealtimeTarget {
  /** Where the target serves REST and Socket.IO. */
  url: string;
  /** What a signed-in officer's browser sends with every request and the socket handshake (the session cookie). */
  headers: Record<string, string>;
  /** The name the target records as the actor of that officer's actions. */
  actor: string;
  /** Makes the target raise one new, unacknowledged alarm (a different one on every call). */
  raiseAlarm(): Promise<void>;
  close(): Promise<void>;
}

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];
type OptionalKeys<T> = Exclude<keyof T, RequiredKeys<T>>;

/**
 * Every field of the contract's types (the compiler holds these lists to the types), so a field
 * added, dropped or renamed on either side is seen. Optional fields may be absent, nothing else.
 */
const ALARM_FIELDS = {
  id: true,
  siteId: true,
  floorId: true,
  zoneId: true,
  sensorId: true,
  sensorName: true,
  sensorKind: true,
  condition: true,
  class: true,
  priority: true,
  state: true,
  conditionActive: true,
  latching: true,
  raisedAt: true,
  activatedAt: true,
  clearedAt: true,
  closedAt: true,
  ackedAt: true,
  ackedBy: true,
  resetAt: true,
  resetBy: true,
  assignedTo: true,
  escalationLevel: true,
  escalationDueAt: true,
  chattering: true,
  shelved: true,
  outOfService: true,
  incidentId: true,
  drill: true,
  sopKey: true,
  sop: true,
  lastValue: true,
  peakValue: true,
  unit: true,
  message: true,
  resolution: true,
  updatedAt: true,
} satisfies Record<RequiredKeys<Alarm>, true>;
const ALARM_OPTIONAL_FIELDS = { gatewayId: true, text: true } satisfies Record<OptionalKeys<Alarm>, true>;
const SENSOR_FIELDS = {
  sensorId: true,
  lastSeen: true,
  lastValue: true,
  lastEvent: true,
  online: true,
  battery: true,
  rssi: true,
  outOfService: true,
} satisfies Record<keyof SensorLiveState, true>;
const SNAPSHOT_FIELDS = { seq: true, at: true, alarms: true, incidents: true, sensors: true } satisfies Record<keyof AlarmSnapshot, true>;
/** The fields every alarm-change event has; `level`, `fromPriority` and `assignee` go with some kinds only. */
const ALARM_EVENT_FIELDS = ['seq', 'subject', 'kind', 'alarmId', 'alarm', 'at', 'actor', 'note', 'drill'];

const sortedKeys = (o: object): string[] => Object.keys(o).sort();
const pick = (o: object, keys: string[]): object => Object.fromEntries(Object.entries(o).filter(([k]) => keys.includes(k)));

/** One console: a socket that records every snapshot and `alarm` event, in arrival order. */
export class LiveConsole {
  readonly snapshots: AlarmSnapshot[] = [];
  /** For each snapshot, how many events had arrived before it (the socket delivers in the order the server sent). */
  readonly eventsBefore: number[] = [];
  readonly events: AlarmEvent[] = [];
  readonly beats: Heartbeat[] = [];
  /** How the last (re)connection went: `recovered` is Socket.IO's connection-state recovery. */
  connects: { recovered: boolean }[] = [];

  constructor(readonly socket: Client) {
    socket.on('snapshot', (s) => {
      this.snapshots.push(s);
      this.eventsBefore.push(this.events.length);
    });
    socket.on('alarm', (e) => this.events.push(e));
    socket.on('heartbeat', (b) => this.beats.push(b));
    socket.on('connect', () => this.connects.push({ recovered: socket.recovered === true }));
  }

  /** Resolves with the `n`-th snapshot this console received (1 = the one on connect). */
  snapshot(n: number): Promise<AlarmSnapshot> {
    return eventually(() => this.snapshots[n - 1], 10_000, `snapshot #${n}`);
  }

  /** Resolves with the first recorded event matching `match`. */
  event(match: (e: AlarmEvent) => boolean, what: string): Promise<AlarmEvent> {
    return eventually(() => this.events.find(match), 10_000, what);
  }

  get lastSeq(): number {
    return this.events.at(-1)?.seq ?? this.snapshots.at(-1)!.seq;
  }
}

/** What a console holds after applying `events` to `snapshot`, as docs/architecture.md#realtime describes. */
export function applyEvents(snapshot: AlarmSnapshot, events: readonly AlarmEvent[]): { alarms: Alarm[]; incidents: Incident[] } {
  const alarms = new Map(snapshot.alarms.map((a) => [a.id, a]));
  const incidents = new Map(snapshot.incidents.map((i) => [i.id, i]));
  for (const e of events) {
    if (e.subject === 'alarm') {
      // The snapshot holds open alarms only: `cleared` is closed.
      if (e.alarm.state === 'cleared') alarms.delete(e.alarmId);
      else alarms.set(e.alarmId, e.alarm);
    } else if (e.subject === 'incident') {
      if (e.incident.state === 'closed') incidents.delete(e.incidentId);
      else incidents.set(e.incidentId, e.incident);
    }
  }
  return { alarms: byId([...alarms.values()]), incidents: byId([...incidents.values()]) };
}

const byId = <T extends { id: string }>(list: T[]): T[] => [...list].sort((a, b) => a.id.localeCompare(b.id));
const state = (s: AlarmSnapshot) => ({ seq: s.seq, alarms: byId(s.alarms), incidents: byId(s.incidents) });

/**
 * Registers the contract suite for one target. `start` runs once (beforeAll); the tests share the
 * target and each raises the alarms it needs (fewer than the 10 that would start flood grouping).
 */
export function describeRealtimeContract(name: string, start: () => Promise<RealtimeTarget>): void {
  describe(`realtime contract: ${name}`, () => {
    let target: RealtimeTarget;
    const consoles: LiveConsole[] = [];

    /** A console connected as the officer, with its connect snapshot received. */
    async function connect(opts: { reconnection?: boolean } = {}): Promise<LiveConsole> {
      const socket: Client = io(target.url, {
        transports: ['websocket'],
        reconnection: opts.reconnection ?? false,
        extraHeaders: target.headers,
      });
      const c = new LiveConsole(socket);
      consoles.push(c);
      await new Promise<void>((resolve, reject) => {
        socket.once('snapshot', () => resolve());
        socket.once('connect_error', reject);
      });
      return c;
    }

    /** Raises one alarm and resolves with its `raised` event as `watcher` received it. */
    async function raise(watcher: LiveConsole): Promise<Extract<AlarmEvent, { subject: 'alarm' }>> {
      const before = watcher.events.length;
      await target.raiseAlarm();
      const e = await eventually(
        () => watcher.events.slice(before).find((x) => x.subject === 'alarm' && x.kind === 'raised'),
        10_000,
        'the raised alarm pushed',
      );
      return e as Extract<AlarmEvent, { subject: 'alarm' }>;
    }

    async function ack(alarmId: string, note: string): Promise<{ status: number; body: { alarm?: Alarm } }> {
      const res = await fetch(`${target.url}/api/alarms/${encodeURIComponent(alarmId)}/ack`, {
        method: 'POST',
        headers: { ...target.headers, 'content-type': 'application/json' },
        body: JSON.stringify({ note }),
      });
      return { status: res.status, body: (await res.json()) as { alarm?: Alarm } };
    }

    beforeAll(async () => {
      target = await start();
    });

    afterAll(async () => {
      for (const c of consoles) c.socket.close();
      await target?.close();
    });

    it('sends a snapshot on connect: seq of the last event, open alarms, incidents and every sensor, in the contract shape', async () => {
      const watcher = await connect();
      const raised = await raise(watcher);
      const c = await connect();
      const s = c.snapshots[0]!;
      expect(sortedKeys(s)).toEqual(sortedKeys(SNAPSHOT_FIELDS));
      expect(Number.isInteger(s.seq) && s.seq >= 0).toBe(true);
      // "seq: the last event included; the next live event has seq + 1": an event this watcher got.
      expect(s.seq).toBeGreaterThanOrEqual(raised.seq);
      await watcher.event((e) => e.seq === s.seq, `the event with the snapshot's seq ${s.seq}`);
      expect(Math.abs(s.at - Date.now())).toBeLessThan(60_000);
      const alarm = s.alarms.find((a) => a.id === raised.alarmId);
      expect(alarm).toEqual(raised.alarm);
      for (const a of s.alarms) {
        expect(sortedKeys(a)).toEqual(sortedKeys({ ...ALARM_FIELDS, ...pick(ALARM_OPTIONAL_FIELDS, Object.keys(a)) }));
        expect(ALARM_STATES).toContain(a.state);
        expect(a.state).not.toBe('cleared'); // open alarms only
        expect(PRIORITIES).toContain(a.priority);
        expect(ALARM_CLASSES).toContain(a.class);
      }
      expect(Array.isArray(s.incidents)).toBe(true);
      expect(s.sensors.length).toBeGreaterThan(0);
      for (const sensor of s.sensors) expect(sortedKeys(sensor)).toEqual(sortedKeys(SENSOR_FIELDS));
    });

    it('pushes every change as an `alarm` event with consecutive seq, the same stream to every console', async () => {
      const a = await connect();
      const b = await connect();
      const raised = [await raise(a), await raise(a)];
      for (const r of raised) await b.event((e) => e.seq === r.seq, `event ${r.seq} on the second console`);
      for (const c of [a, b]) expect(c.events.map((e) => e.seq)).toEqual(c.events.map((_, i) => c.snapshots[0]!.seq + 1 + i));
      // Both consoles got the same events, payload for payload, wherever their streams overlap.
      const upTo = raised[1]!.seq;
      const from = Math.max(a.snapshots[0]!.seq, b.snapshots[0]!.seq);
      const overlap = (c: LiveConsole) => c.events.filter((e) => e.seq > from && e.seq <= upTo);
      expect(overlap(b)).toEqual(overlap(a));
      expect(overlap(a).length).toBeGreaterThanOrEqual(2);
      for (const e of a.events) {
        expect(e.subject).toBe('alarm');
        if (e.subject !== 'alarm') continue;
        expect(ALARM_EVENT_KINDS).toContain(e.kind);
        expect(Object.keys(e)).toEqual(expect.arrayContaining(ALARM_EVENT_FIELDS));
        expect(e.alarmId).toBe(e.alarm.id);
      }
    });

    it('pushes an acknowledgement made over REST as an `acked` event carrying the acknowledged alarm, who and the note', async () => {
      const c = await connect();
      const raised = await raise(c);
      const seqBefore = c.lastSeq;
      const res = await ack(raised.alarmId, 'on my way');
      expect(res.status).toBe(200);
      expect(res.body.alarm).toMatchObject({ id: raised.alarmId, state: 'active_acked', ackedBy: target.actor });
      const acked = await c.event((e) => e.subject === 'alarm' && e.kind === 'acked' && e.alarmId === raised.alarmId, 'the acked event');
      expect(acked).toMatchObject({ seq: seqBefore + 1, actor: target.actor, note: 'on my way' });
      expect(acked.subject === 'alarm' && acked.alarm).toEqual(res.body.alarm);
    });

    it('answers `resync` from the last applied seq with a snapshot that holds what was missed, and live events go on from its seq', async () => {
      const c = await connect();
      // This console stops applying here: what follows reaches it (recorded) but is "missed".
      const applied = c.snapshots[0]!;
      const first = await raise(c);
      await raise(c);
      expect((await ack(first.alarmId, 'seen on camera')).status).toBe(200);
      await c.event((e) => e.subject === 'alarm' && e.kind === 'acked' && e.alarmId === first.alarmId, 'the acked event');
      expect(c.events.length).toBeGreaterThanOrEqual(3);

      c.socket.emit('resync', applied.seq);
      const answer = await c.snapshot(2);
      // Everything the server sent before its answer arrived before it: that is what was missed.
      const missed = c.events.slice(0, c.eventsBefore[1]);
      expect(answer.seq).toBe(missed.at(-1)!.seq);
      // The fresh snapshot equals the old one with every missed event applied in order.
      expect(state(answer)).toEqual({ seq: answer.seq, ...applyEvents(applied, missed) });
      expect(answer.alarms.find((a) => a.id === first.alarmId)).toMatchObject({ state: 'active_acked', ackedBy: target.actor });

      await raise(c);
      expect(c.events.slice(missed.length).map((e) => e.seq)[0]).toBe(answer.seq + 1);
    });

    it('answers a `resync` from too far back, or from beyond its own seq, with the whole current state', async () => {
      const c = await connect();
      await raise(c);
      const current = (await connect()).snapshots[0]!;
      // A console that applied nothing since seq 0, and one whose seq the server never reached
      // (e.g. it was connected to a server whose state was since restored from an older backup).
      c.socket.emit('resync', 0);
      const fromZero = await c.snapshot(2);
      c.socket.emit('resync', current.seq + 1_000);
      const fromBeyond = await c.snapshot(3);
      expect(fromZero.seq).toBeGreaterThanOrEqual(current.seq);
      for (const [i, answer] of [fromZero, fromBeyond].entries()) {
        const received = c.events.slice(0, c.eventsBefore[i + 1]);
        expect(answer.seq).toBe(received.at(-1)!.seq);
        expect(state(answer)).toEqual({ seq: answer.seq, ...applyEvents(c.snapshots[0]!, received) });
      }
    });

    it('ignores a `resync` whose lastSeq is not a number', async () => {
      const c = await connect();
      (c.socket.emit as (ev: string, ...args: unknown[]) => void)('resync', 'everything please');
      (c.socket.emit as (ev: string, ...args: unknown[]) => void)('resync', { $gt: 0 });
      // A well-formed resync sent after them: its answer comes after any answer to those, in order on this socket.
      c.socket.emit('resync', c.lastSeq);
      await c.snapshot(2);
      // And an event after that, so nothing the server sent before it is still on its way.
      await raise(c);
      expect(c.snapshots).toHaveLength(2);
    });

    it('beats on connect and then every `intervalMs` (at most 1 s), seq counting up (heartbeat)', async () => {
      const c = await connect();
      const first = await eventually(() => c.beats[0], 5_000, 'the beat sent on connect');
      expect(sortedKeys(first)).toEqual(['at', 'intervalMs', 'seq']);
      // Sent with the snapshot, not a second later with the next periodic beat.
      expect(Math.abs(first.at - c.snapshots[0]!.at)).toBeLessThan(100);
      expect(Number.isInteger(first.seq) && first.seq >= 0).toBe(true);
      expect(Math.abs(first.at - Date.now())).toBeLessThan(60_000);
      // The dashboard calls a link lost after 3 intervals of silence, and must do so within 5 s.
      expect(first.intervalMs).toBeGreaterThan(0);
      expect(first.intervalMs).toBeLessThanOrEqual(1_000);
      await eventually(() => c.beats.length >= 4, 3 * first.intervalMs + 5_000, 'three beats after it');
      for (const [i, beat] of c.beats.entries()) {
        if (i === 0) continue;
        const prev = c.beats[i - 1]!;
        // Volatile beats may be skipped while the transport is busy; the ones that come count up.
        expect(beat.seq).toBeGreaterThan(prev.seq);
        expect(beat.intervalMs).toBe(first.intervalMs);
      }
    });

    it('replays what a briefly disconnected console missed, in order and without a snapshot (connection-state recovery)', async () => {
      const c = await connect({ reconnection: false });
      const other = await connect();
      expect(c.connects).toEqual([{ recovered: false }]);
      const seqBefore = c.lastSeq;
      const dropped = new Promise<string>((resolve) => c.socket.once('disconnect', (reason) => resolve(reason)));
      // The WebSocket drops (a flaky link), not a deliberate disconnect: the server keeps the session.
      (c.socket.io.engine.transport as unknown as { ws: { close(): void } }).ws.close();
      expect(await dropped).toBe('transport close');
      const raised = await raise(other);
      c.socket.connect();
      await eventually(() => c.connects.length === 2, 10_000, 'the reconnection');
      expect(c.connects[1]).toEqual({ recovered: true });
      await c.event((e) => e.seq === raised.seq, 'the missed event replayed');
      const upTo = (x: LiveConsole) => x.events.filter((e) => e.seq > seqBefore && e.seq <= raised.seq).map((e) => e.seq);
      expect(upTo(c)).toEqual(upTo(other));
      expect(c.events.map((e) => e.seq)).toEqual(c.events.map((_, i) => seqBefore + 1 + i));
      expect(c.events.find((e) => e.seq === raised.seq)).toEqual(raised);
      // Sentinel: a live event after the replay; had a snapshot been sent on reconnect, it came before it.
      await raise(other);
      await c.event((e) => e.seq === other.lastSeq, 'a live event after the recovery');
      expect(c.snapshots).toHaveLength(1);
    });
  });
}
