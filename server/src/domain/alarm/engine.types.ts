/**
 * The alarm engine's state and context. The state is plain data (Maps of plain records, arrays,
 * numbers) so the service can persist it and restore it after a restart; see `engine.state.ts`.
 */
import type {
  Alarm,
  AlarmClass,
  Camera,
  Condition,
  DetailText,
  EventType,
  Facility,
  Gateway,
  Incident,
  OutOfService,
  Priority,
  Sensor,
  Shelf,
  Site,
  UnsequencedAlarmEvent,
} from '../../../../contract/index.ts';

/** One (sensor, condition, drill) alarm point: the condition's present state and its open alarm. */
export interface PointState {
  /** The condition is present (evaluated even while the sensor is out of service). */
  active: boolean;
  /** Last transition of `active`. */
  since: number;
  priority: Priority;
  class: AlarmClass;
  latching: boolean;
  value: number | null;
  /** The message's detail (a credential, "dirty chamber"): keyed, or a device's own words. */
  detail: DetailText | string | null;
  /** The open (not cleared) alarm of this point, if any. */
  alarmId: string | null;
  /** Times of the last active/clear transitions (at most the chatter count). */
  transitions: number[];
  /** Momentary conditions (denied burst, after-hours, unknown device) return to normal at this time. */
  holdUntil: number | null;
  /** Shelving belongs to the point, so a chattering alarm that closes and re-opens stays shelved. */
  shelf: Shelf | null;
  /** New alarms of this point are marked chattering until then. */
  chatteringUntil: number | null;
}

/** Gas / CO rule state: on-delay timers, the current level and the rate-of-rise window. */
export interface AnalogState {
  /** 0 normal, 1 low, 2 high (with deadband hysteresis on the way down). */
  level: 0 | 1 | 2;
  /** Since when the value has been continuously ≥ low / ≥ high (on-delay), else null. */
  aboveLowSince: number | null;
  aboveHighSince: number | null;
  /** Monotonic deque of (time, value) giving the minimum over the rise window in O(1) amortised. */
  riseT: number[];
  riseV: number[];
}

/** Water-leak rule state: since when the probe has been wet in its current spell (on-delay), else null. */
export interface LeakState {
  wetSince: number | null;
  /** The wet report's detail, for the alarm raised when the on-delay has passed. */
  detail: string | null;
  /** Since when the probe has been dry within a wetting (a dry spell shorter than the on-delay continues it); null/absent: wet. */
  dryAt?: number | null;
  /** Wet time of the wetting's earlier spells (the current one runs from `wetSince`). */
  wetMs?: number;
}

/** Water-flow switch rule state: since when water has been flowing (the retard runs from here), else null. */
export interface WaterflowState {
  since: number | null;
  /** The flow report's detail, for the alarm raised when the retard has passed. */
  detail: string | null;
}

export interface DoorState {
  open: boolean;
  openSince: number | null;
  /** Times of the most recent access_denied events (at most the burst count). */
  denied: number[];
}

/** A detector's self-test in progress: since when, and the alarm signals it sounded that are still on. */
export interface SelfTestState {
  since: number;
  /** Held back as the test itself while the test is within its limit; raised if still on after it. */
  signals: EventType[];
}

/** Per sensor (and per drill: drill traffic never disturbs the real sensor's rules). */
export interface SensorRuleState {
  /** `sensorId`, or `sensorId#drillId`. */
  key: string;
  sensorId: string;
  siteId: string;
  zoneId: string;
  drill: string | null;
  /** Not in the registry: only the unknown-device rule applies. */
  unknown: boolean;
  /** The watchdog counts silence from here when nothing was ever heard. */
  watchSince: number;
  lastSeen: number | null;
  lastValue: number | null;
  lastEvent: string | null;
  online: boolean | null;
  battery: number | null;
  rssi: number | null;
  lastTestAt: number | null;
  /**
   * Observation-semantics state (rules.observation.ts); absent in states persisted before it
   * existed. Last implausible reading, last observation with a device time not believed, and the
   * self-test in progress.
   */
  implausibleAt?: number | null;
  clockWrongAt?: number | null;
  /** A device time running behind by a steady lag: since when, the lag (ms), how many messages. */
  clockBehind?: { since: number; lag: number; count: number } | null;
  selfTest?: SelfTestState | null;
  /** Earliest time a timer of this sensor (on-delay, held open, hold, shelf) may fire; null: none. */
  wakeAt: number | null;
  analog: AnalogState | null;
  door: DoorState | null;
  /** Leak detectors only; absent in states persisted before leak detectors existed. */
  leak?: LeakState | null;
  /** Water-flow switches only; absent in states persisted before they existed. */
  waterflow?: WaterflowState | null;
  points: Partial<Record<Condition, PointState>>;
  /** The site's unregistered devices (rules.unknown.ts); only on a site's unknown-device rule state. */
  unknownDevices?: UnknownDevices;
}

/** What a site's unknown-device trouble knows of the ids it reports; bounded (rules.unknown.ts). */
export interface UnknownDevices {
  /** Every id reported so far, oldest first, at most UNKNOWN_IDS_REMEMBERED: these never raise again. */
  reported: string[];
  /** The ids the current alarm names: the first UNKNOWN_IDS_SHOWN new ones of this episode. */
  shown: string[];
  /** New ids in this episode (ids first heard while the alarm is open, or the one that opened it). */
  count: number;
  /** The open alarm's message last matched `shown`/`count` at this time; `stale`: it no longer does. */
  refreshedAt: number;
  stale: boolean;
}

/** Everything the engine keeps. Mutated in place by evaluate/tick/applyAction (see alarm.engine.ts). */
export interface EngineState {
  /** Open alarms and closed ones kept for `retainClosedS` (to be resolved or commented). */
  alarms: Map<string, Alarm>;
  incidents: Map<string, Incident>;
  sensors: Map<string, SensorRuleState>;
  /** Sensor id → maintenance record. Applies to real and drill traffic of that sensor. */
  outOfService: Map<string, OutOfService>;
  /** `siteId` or `siteId#drillId` → raise times of new alarms within the flood window. */
  floods: Map<string, number[]>;
  counters: { alarm: number; incident: number };
  /** The offline watchdog counts no silence before this: the last restart (null: never restarted). */
  watchBaseline: number | null;
}

/** Tunables, with the defaults of docs/contracts.md#alarm-model. Units in names. */
export interface EngineSettings {
  /** Unacknowledged longer than this escalates, then again every this long; null: never. */
  escalationS: Record<Priority, number | null>;
  /** More than `floodCount` new alarms within `floodWindowS` at one site → incidents. */
  floodCount: number;
  floodWindowS: number;
  chatterTransitions: number;
  chatterWindowS: number;
  deniedBurstCount: number;
  deniedBurstWindowS: number;
  /** Offline after heartbeatS × this with nothing heard. */
  offlineHeartbeats: number;
  /** How long an after-hours access or an unknown device's condition stays present after the event. */
  momentaryHoldS: number;
  /** Battery low clears only at batteryLowPct + this (a sagging battery must not chatter). */
  batteryHysteresisPct: number;
  /** Held-open limit for doors without one. */
  defaultHeldOpenS: number;
  /** Closed alarms and incidents stay in memory this long, so they can still be resolved. */
  retainClosedS: number;
  /** Drill rule states kept at most: drill ids come from the devices (engine.state.ts makeRoomForDrill). */
  maxDrillRuleStates: number;
}

export const DEFAULT_ENGINE_SETTINGS: Readonly<EngineSettings> = Object.freeze({
  escalationS: { critical: 60, high: 300, medium: 1800, low: null },
  floodCount: 10,
  floodWindowS: 600,
  chatterTransitions: 3,
  chatterWindowS: 60,
  deniedBurstCount: 3,
  deniedBurstWindowS: 60,
  offlineHeartbeats: 3,
  momentaryHoldS: 60,
  batteryHysteresisPct: 5,
  defaultHeldOpenS: 60,
  retainClosedS: 24 * 3600,
  maxDrillRuleStates: 10_000,
});

/** Limits of the acting user's role. */
export interface ActionLimits {
  maxShelveS: number;
}
export const DEFAULT_ACTION_LIMITS: Readonly<ActionLimits> = Object.freeze({ maxShelveS: 8 * 3600 });

/** What the engine needs of the registry; `Registry` satisfies it. */
export interface RegistryView {
  readonly facility: Pick<Facility, 'schedules' | 'sops' | 'sopsZh' | 'language'>;
  sensor(id: string): Sensor | undefined;
  site(id: string): Site | undefined;
  allSensors(): readonly Sensor[];
  /** Gateways (rules.gateway.ts); a registry without them has none. */
  gateway?(id: string): Gateway | undefined;
  gateways?(): readonly Gateway[];
  sensorsBehind?(gatewayId: string): readonly Sensor[];
  /** Verification cameras (rules.camera.ts); a registry without them has none. */
  camera?(id: string): Camera | undefined;
  cameras?(): readonly Camera[];
}

export interface EngineContext {
  readonly registry: RegistryView;
  readonly settings: EngineSettings;
  /**
   * Cluster mode: the site this engine runs, named in the ids it gives (`al_<site>_…`), so that
   * engines of different sites, each counting on its own, never give one id twice.
   */
  readonly idSite?: string;
}

/** A new alarm's or incident's id: `<prefix>_[<site>_]<time36>_<n36>`. */
export function newId(ctx: EngineContext, prefix: 'al' | 'in', now: number, n: number): string {
  const site = ctx.idSite === undefined ? '' : `${ctx.idSite}_`;
  return `${prefix}_${site}${now.toString(36)}_${n.toString(36)}`;
}

export interface EngineResult {
  state: EngineState;
  /** In the order they happened. Shared and frozen when empty: copy before appending. */
  events: readonly UnsequencedAlarmEvent[];
}

const NO_EVENTS: readonly UnsequencedAlarmEvent[] = Object.freeze([]);

/**
 * One evaluation: where events collect. It doubles as the result (it has `state` and `events`),
 * so a quiet evaluation allocates this one small object and nothing else.
 */
export interface Run extends EngineResult {
  readonly ctx: EngineContext;
  readonly now: number;
  /** An incident acted on as a whole: its members' changes do not each emit an incident event. */
  quietIncident: string | null;
}

export function newRun(state: EngineState, ctx: EngineContext, now: number): Run {
  return { state, events: NO_EVENTS, ctx, now, quietIncident: null };
}

export function finish(run: Run): EngineResult {
  return run;
}

export function emit(run: Run, event: UnsequencedAlarmEvent): void {
  if (run.events === NO_EVENTS) run.events = [event];
  else (run.events as UnsequencedAlarmEvent[]).push(event);
}

/** Ask the next tick to look at this sensor's timers no later than `at`. */
export function wakeAt(rs: SensorRuleState, at: number): void {
  if (rs.wakeAt === null || at < rs.wakeAt) rs.wakeAt = at;
}

/**
 * Record an occurrence at `now` in `times` (the last `count` kept) and say whether `count` of them
 * now fall within `windowMs` — a burst (denied badges) or chatter (transitions).
 */
export function recordBurst(times: number[], now: number, count: number, windowMs: number): boolean {
  times.push(now);
  if (times.length > count) times.shift();
  const first = times[0];
  return times.length >= count && first !== undefined && now - first <= windowMs;
}

export function ruleKey(sensorId: string, drill: string | null | undefined): string {
  return drill == null ? sensorId : `${sensorId}#${drill}`;
}
