/**
 * The dashboard's view of live state: connection, alarms, incidents and sensor states, kept in
 * sequence (snapshot on connect, then ordered events; a gap → resync: docs/architecture.md#realtime).
 *
 * Pure and socket-free so it can be tested by feeding it messages; `live.socket.ts` wires it to
 * Socket.IO. State is immutable: each change produces a new `LiveState`, which is what
 * `useSyncExternalStore` needs.
 */
import type { Alarm, AlarmEvent, AlarmSnapshot, DrillNotice, Incident, SensorLiveState } from '../../../contract/alarm.ts';
import type { Drill } from '../../../contract/drill.ts';
import type { SensorState } from '../../../contract/facility.ts';

export type ConnectionStatus = 'connecting' | 'connected' | 'disconnected';

export interface LiveState {
  status: ConnectionStatus;
  /** When the live feed was lost (first failure); null while in sync. Drives the red banner. */
  lostSince: number | null;
  /** True once a snapshot (or a recovered session) made alarms and sensors trustworthy. */
  synced: boolean;
  /** Last applied sequence number; null before the first snapshot. */
  seq: number | null;
  /** Open alarms (not `cleared`) by id. */
  alarms: ReadonlyMap<string, Alarm>;
  /** Incidents not yet closed, by id. */
  incidents: ReadonlyMap<string, Incident>;
  sensors: ReadonlyMap<string, SensorLiveState>;
  /** Running drills: announced as started on this connection, or listed running by `GET /api/drills`. */
  drills: ReadonlyMap<string, DrillNotice>;
  /** How many times a snapshot replaced the state after a gap or reconnect. */
  resyncCount: number;
  /** `cluster` notices received: each one says to ask the server's health at once. */
  clusterNotices: number;
}

/** `held`: ahead of the sequence, kept while the events before it may still arrive (the reorder window). */
export type AlarmEventResult = 'applied' | 'duplicate' | 'buffered' | 'held' | 'gap';

export interface LiveStoreOptions {
  /** Asked to fetch a fresh snapshot (on a sequence gap); gets the last applied seq. */
  requestResync: (lastSeq: number) => void;
  /** Defers listener notification so a burst of messages renders once; sync by default. */
  schedule?: (flush: () => void) => void;
  /**
   * How long an event ahead of the sequence waits for the ones before it before that counts as a
   * gap. With several server nodes, events committed one after the other on two nodes can reach
   * this socket in the opposite order (docs/architecture.md#several-nodes). 0: a gap at once.
   */
  reorderWindowMs?: number;
  /** Timers for the reorder window (fake in tests). */
  timers?: { setTimeout(fn: () => void, ms: number): unknown; clearTimeout(handle: unknown): void };
}

/** Events that arrive while we wait for a snapshot; bounded so a flood cannot grow it forever. */
const MAX_BUFFERED_EVENTS = 5_000;

type SensorListener = (state: SensorLiveState) => void;

export class LiveStore {
  private state: LiveState = {
    status: 'connecting',
    lostSince: null,
    synced: false,
    seq: null,
    alarms: new Map(),
    incidents: new Map(),
    sensors: new Map(),
    drills: new Map(),
    resyncCount: 0,
    clusterNotices: 0,
  };
  private readonly listeners = new Set<() => void>();
  private readonly sensorListeners = new Map<string, Set<SensorListener>>();
  private buffered: AlarmEvent[] = [];
  /** Drills seen ending: an older `GET /api/drills` answer must not bring them back. */
  private readonly endedDrills = new Set<string>();
  private awaitingSnapshot = true;
  private flushPending = false;
  private readonly requestResync: (lastSeq: number) => void;
  private readonly schedule: (flush: () => void) => void;
  private readonly reorderWindowMs: number;
  private readonly timers: NonNullable<LiveStoreOptions['timers']>;
  /** Events ahead of the sequence, waiting (at most the reorder window) for the ones before them. */
  private held: AlarmEvent[] = [];
  private heldTimer: unknown = null;

  constructor(options: LiveStoreOptions) {
    this.requestResync = options.requestResync;
    this.schedule = options.schedule ?? ((flush) => flush());
    this.reorderWindowMs = options.reorderWindowMs ?? 0;
    this.timers = options.timers ?? { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>) };
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): LiveState => this.state;

  /** Live states of one sensor as they arrive (the chart's live tail). */
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
    this.update({ sensors: new Map(sensors.map((s) => [s.sensorId, { ...s, outOfService: null }])) });
  }

  handleConnect(recovered: boolean): void {
    // A recovered Socket.IO session replays what was missed, in order: no snapshot needed
    // (sequence numbers still guard it). Otherwise the server sends a snapshot on connect.
    if (recovered && this.state.seq !== null) {
      this.awaitingSnapshot = false;
      this.update({ status: 'connected', synced: true, lostSince: null });
    } else {
      this.awaitingSnapshot = true;
      this.update({ status: 'connected' });
    }
  }

  /** The sites without a node changed on the server (contract/realtime.ts `ClusterNotice`). */
  handleClusterNotice(): void {
    this.update({ clusterNotices: this.state.clusterNotices + 1 });
  }

  handleDisconnect(now: number): void {
    this.dropHeld();
    this.update({ status: 'disconnected', synced: false, lostSince: this.state.lostSince ?? now });
  }

  /** A failed (re)connection attempt: the feed is lost from the first failure on. */
  handleConnectError(now: number): void {
    if (this.state.status === 'connected') return;
    this.update({ status: 'disconnected', synced: false, lostSince: this.state.lostSince ?? now });
  }

  handleSnapshot(snapshot: AlarmSnapshot): void {
    this.awaitingSnapshot = false;
    for (const e of this.held) this.bufferEvent(e);
    this.dropHeld();
    const next = {
      alarms: new Map(snapshot.alarms.map((a) => [a.id, a])),
      incidents: new Map(snapshot.incidents.map((i) => [i.id, i])),
      sensors: new Map(snapshot.sensors.map((s) => [s.sensorId, s])),
    };
    // Events that arrived while the snapshot was on its way and are newer than it still count.
    const pending = this.buffered.filter((e) => e.seq > snapshot.seq).sort((a, b) => a.seq - b.seq);
    this.buffered = [];
    let seq = snapshot.seq;
    for (const event of pending) {
      if (event.seq !== seq + 1) break; // still a hole: the next live event asks again
      applyEvent(next, event);
      seq = event.seq;
    }
    this.update({
      ...next,
      seq,
      synced: true,
      lostSince: null,
      status: 'connected',
      resyncCount: this.state.resyncCount + (this.state.seq === null ? 0 : 1),
    });
  }

  handleAlarmEvent(event: AlarmEvent): AlarmEventResult {
    const { seq } = this.state;
    if (this.awaitingSnapshot || seq === null) {
      this.bufferEvent(event);
      return 'buffered';
    }
    if (event.seq <= seq) return 'duplicate';
    if (event.seq !== seq + 1) {
      if (this.reorderWindowMs > 0 && this.held.length < MAX_BUFFERED_EVENTS) {
        if (!this.held.some((e) => e.seq === event.seq)) this.held.push(event);
        this.heldTimer ??= this.timers.setTimeout(() => this.gap(), this.reorderWindowMs);
        return 'held';
      }
      this.bufferEvent(event);
      this.gap();
      return 'gap';
    }
    const next = { alarms: this.state.alarms, incidents: this.state.incidents, sensors: this.state.sensors };
    applyEvent(next, event, true);
    let last = event.seq;
    // The events that were waiting for this one follow it, as far as they are contiguous.
    if (this.held.length > 0) {
      this.held.sort((a, b) => a.seq - b.seq);
      while (this.held.length > 0 && this.held[0]!.seq <= last + 1) {
        const e = this.held.shift()!;
        if (e.seq === last + 1) {
          applyEvent(next, e, true);
          last = e.seq;
        }
      }
      if (this.held.length === 0) this.dropHeld();
    }
    this.update({ ...next, seq: last });
    return 'applied';
  }

  /** A hole in the sequence: something was missed. Keep what came, ask for a snapshot. */
  private gap(): void {
    this.heldTimer = null;
    for (const e of this.held) this.bufferEvent(e);
    this.held = [];
    const { seq } = this.state;
    if (this.awaitingSnapshot || seq === null) return;
    this.awaitingSnapshot = true;
    this.update({ synced: false });
    this.requestResync(seq);
  }

  private dropHeld(): void {
    if (this.heldTimer !== null) this.timers.clearTimeout(this.heldTimer);
    this.heldTimer = null;
    this.held = [];
  }

  handleSensorUpdates(updates: readonly SensorLiveState[]): void {
    if (updates.length === 0) return;
    const sensors = new Map(this.state.sensors);
    for (const u of updates) {
      sensors.set(u.sensorId, u);
      const listeners = this.sensorListeners.get(u.sensorId);
      if (listeners) for (const l of listeners) l(u);
    }
    this.update({ sensors });
  }

  handleDrill(notice: DrillNotice): void {
    const drills = new Map(this.state.drills);
    if (notice.state === 'started') drills.set(notice.drillId, notice);
    else {
      drills.delete(notice.drillId);
      this.endedDrills.add(notice.drillId);
    }
    this.update({ drills });
  }

  /**
   * The drill list from `GET /api/drills`: a console opened (or reconnected) mid-drill never saw
   * its `started` notice, yet must still say DRILL. Notices stay authoritative: a drill seen
   * ending here is not revived by a list fetched before it ended.
   */
  syncDrills(list: readonly Drill[]): void {
    const drills = new Map(this.state.drills);
    let changed = false;
    for (const d of list) {
      if (d.state === 'running' && !drills.has(d.id) && !this.endedDrills.has(d.id)) {
        drills.set(d.id, { drillId: d.id, scenario: d.scenario, siteId: d.siteId, state: 'started', by: d.startedBy, at: d.startedAt });
        changed = true;
      } else if (d.state === 'ended' && drills.has(d.id)) {
        drills.delete(d.id);
        this.endedDrills.add(d.id);
        changed = true;
      }
    }
    if (changed) this.update({ drills });
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

interface Collections {
  alarms: ReadonlyMap<string, Alarm>;
  incidents: ReadonlyMap<string, Incident>;
  sensors: ReadonlyMap<string, SensorLiveState>;
}

/** Applies one event to the collections; `copy` replaces a touched map instead of mutating it. */
function applyEvent(target: Collections, event: AlarmEvent, copy = false): void {
  const edit = <K, V>(map: ReadonlyMap<K, V>): Map<K, V> => (copy ? new Map(map) : (map as Map<K, V>));
  switch (event.subject) {
    case 'alarm': {
      const alarms = edit(target.alarms);
      // Closed alarms leave the live set; everything else is kept, shelved and out of service too.
      if (event.alarm.state === 'cleared') alarms.delete(event.alarmId);
      else alarms.set(event.alarmId, event.alarm);
      target.alarms = alarms;
      break;
    }
    case 'incident': {
      const incidents = edit(target.incidents);
      if (event.incident.state === 'closed') incidents.delete(event.incidentId);
      else incidents.set(event.incidentId, event.incident);
      target.incidents = incidents;
      break;
    }
    case 'sensor': {
      const current = target.sensors.get(event.sensorId);
      if (event.kind === 'sensor_test' || !current) break;
      const sensors = edit(target.sensors);
      sensors.set(event.sensorId, { ...current, outOfService: event.outOfService });
      target.sensors = sensors;
      break;
    }
  }
}
