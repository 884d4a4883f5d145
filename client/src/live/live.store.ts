/**
 * The dashboard's view of live state: connection, alarms and sensor states, kept in sequence.
 *
 * Pure and socket-free so it can be tested by feeding it messages; `live.socket.ts` wires it to
 * Socket.IO. State is immutable: each change produces a new `LiveState`, which is what
 * `useSyncExternalStore` needs.
 */
import type { SensorState } from '../../../contract/facility.ts';
import type { Alarm, AlarmEvent, LiveSnapshot, SensorUpdate } from './alarm.types.ts';

export type ConnectionStatus = 'connecting' | 'connected' | 'disconnected';

export interface LiveState {
  status: ConnectionStatus;
  /** When the live feed was lost (first failure); null while in sync. Drives the red banner. */
  lostSince: number | null;
  /** True once a snapshot (or a recovered session) made alarms and sensors trustworthy. */
  synced: boolean;
  /** Last applied sequence number; null before the first snapshot. */
  seq: number | null;
  alarms: ReadonlyMap<string, Alarm>;
  sensors: ReadonlyMap<string, SensorState>;
  /** How many times a snapshot replaced the state after a gap or reconnect. */
  resyncCount: number;
}

export type AlarmEventResult = 'applied' | 'duplicate' | 'buffered' | 'gap';

export interface LiveStoreOptions {
  /** Asked to fetch a fresh snapshot (on a sequence gap). */
  requestResync: (sinceSeq: number | null) => void;
  /** Defers listener notification so a burst of messages renders once; sync by default. */
  schedule?: (flush: () => void) => void;
}

/** Events that arrive while we wait for a snapshot; bounded so a flood cannot grow it forever. */
const MAX_BUFFERED_EVENTS = 5_000;

const EMPTY_STATE: LiveState = {
  status: 'connecting',
  lostSince: null,
  synced: false,
  seq: null,
  alarms: new Map(),
  sensors: new Map(),
  resyncCount: 0,
};

type SensorListener = (update: SensorUpdate) => void;

export class LiveStore {
  private state: LiveState = EMPTY_STATE;
  private readonly listeners = new Set<() => void>();
  private readonly sensorListeners = new Map<string, Set<SensorListener>>();
  private buffered: AlarmEvent[] = [];
  private awaitingResync = false;
  private flushPending = false;
  private readonly requestResync: (sinceSeq: number | null) => void;
  private readonly schedule: (flush: () => void) => void;

  constructor(options: LiveStoreOptions) {
    this.requestResync = options.requestResync;
    this.schedule = options.schedule ?? ((flush) => flush());
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): LiveState => this.state;

  /** Live values of one sensor as they arrive (the chart's live tail). */
  subscribeSensor(sensorId: string, listener: SensorListener): () => void {
    let set = this.sensorListeners.get(sensorId);
    if (!set) this.sensorListeners.set(sensorId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.sensorListeners.delete(sensorId);
    };
  }

  /** Sensor states from `GET /api/sensors`, used until the first snapshot arrives. */
  seedSensors(sensors: readonly SensorState[]): void {
    if (this.state.seq !== null) return; // a snapshot is newer than any REST answer
    this.update({ sensors: new Map(sensors.map((s) => [s.sensorId, s])) });
  }

  handleConnect(recovered: boolean): void {
    // A recovered Socket.IO session replays what was missed, in order: no snapshot needed
    // (sequence numbers still guard it). Otherwise the server sends a snapshot on connect.
    if (recovered && this.state.seq !== null) {
      this.update({ status: 'connected', synced: true, lostSince: null });
    } else {
      this.awaitingResync = true;
      this.update({ status: 'connected' });
    }
  }

  handleDisconnect(now: number): void {
    this.update({
      status: 'disconnected',
      synced: false,
      lostSince: this.state.lostSince ?? now,
    });
  }

  /** A failed (re)connection attempt; the feed is lost from the first failure on. */
  handleConnectError(now: number): void {
    if (this.state.status === 'connected') return;
    this.update({ status: 'disconnected', synced: false, lostSince: this.state.lostSince ?? now });
  }

  handleSnapshot(snapshot: LiveSnapshot): void {
    this.awaitingResync = false;
    const alarms = new Map(snapshot.alarms.map((a) => [a.id, a]));
    const sensors = new Map(snapshot.sensors.map((s) => [s.sensorId, s]));
    const pending = this.buffered.filter((e) => e.seq > snapshot.seq).sort((a, b) => a.seq - b.seq);
    this.buffered = [];
    let seq = snapshot.seq;
    for (const event of pending) {
      if (event.seq !== seq + 1) break; // still a hole: the next live event triggers another resync
      applyAlarm(alarms, event.alarm);
      seq = event.seq;
    }
    this.update({
      alarms,
      sensors,
      seq,
      synced: true,
      lostSince: null,
      status: 'connected',
      resyncCount: this.state.resyncCount + (this.state.seq === null ? 0 : 1),
    });
  }

  handleAlarmEvent(event: AlarmEvent): AlarmEventResult {
    const { seq } = this.state;
    if (this.awaitingResync || seq === null) {
      this.bufferEvent(event);
      return 'buffered';
    }
    if (event.seq <= seq) return 'duplicate';
    if (event.seq !== seq + 1) {
      // A hole in the sequence: something was missed. Keep what came, ask for a snapshot.
      this.awaitingResync = true;
      this.bufferEvent(event);
      this.update({ synced: false });
      this.requestResync(seq);
      return 'gap';
    }
    const alarms = new Map(this.state.alarms);
    applyAlarm(alarms, event.alarm);
    this.update({ alarms, seq: event.seq });
    return 'applied';
  }

  handleSensorUpdates(updates: readonly SensorUpdate[]): void {
    if (updates.length === 0) return;
    const sensors = new Map(this.state.sensors);
    for (const u of updates) {
      sensors.set(u.sensorId, mergeSensor(sensors.get(u.sensorId), u));
      const listeners = this.sensorListeners.get(u.sensorId);
      if (listeners) for (const l of listeners) l(u);
    }
    this.update({ sensors });
  }

  private bufferEvent(event: AlarmEvent): void {
    this.buffered.push(event);
    if (this.buffered.length > MAX_BUFFERED_EVENTS) this.buffered.shift();
  }

  private update(patch: Partial<LiveState>): void {
    this.state = { ...this.state, ...patch };
    if (this.flushPending) return;
    this.flushPending = true;
    this.schedule(() => {
      this.flushPending = false;
      for (const l of this.listeners) l();
    });
  }
}

/** Closed and acknowledged alarms leave the live set; everything else is kept. */
function applyAlarm(alarms: Map<string, Alarm>, alarm: Alarm): void {
  if (alarm.state === 'cleared') alarms.delete(alarm.id);
  else alarms.set(alarm.id, alarm);
}

function mergeSensor(prev: SensorState | undefined, u: SensorUpdate): SensorState {
  return {
    sensorId: u.sensorId,
    lastSeen: Math.max(prev?.lastSeen ?? 0, u.ts),
    lastValue: u.value ?? prev?.lastValue ?? null,
    lastEvent: u.event ?? prev?.lastEvent ?? null,
    // Any message from a device means it is talking; only the server says it went offline.
    online: u.online ?? true,
    battery: u.battery ?? prev?.battery ?? null,
    rssi: u.rssi ?? prev?.rssi ?? null,
  };
}
