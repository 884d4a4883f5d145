/**
 * Creating, persisting and restoring the engine's state, and the read-outs the service pushes to
 * clients. The persisted form is JSON-safe: the service can store alarms and rule states one row
 * each and restore them after a restart (timers resume from the stored times).
 */
import type { Alarm, Incident, OutOfService, SensorLiveState } from '../../../../contract/index.ts';
import { DEFAULT_ENGINE_SETTINGS, type EngineState, type RegistryView, type SensorRuleState } from './engine.types.ts';

export function createEngineState(): EngineState {
  return {
    alarms: new Map(),
    incidents: new Map(),
    sensors: new Map(),
    outOfService: new Map(),
    floods: new Map(),
    counters: { alarm: 0, incident: 0 },
    watchBaseline: null,
  };
}

/** The engine's state as plain JSON-safe data. */
export interface PersistedEngineState {
  version: 1;
  alarms: Alarm[];
  incidents: Incident[];
  sensors: SensorRuleState[];
  outOfService: ({ sensorId: string } & OutOfService)[];
  floods: { key: string; times: number[] }[];
  counters: { alarm: number; incident: number };
  watchBaseline: number | null;
}

/** A deep copy as plain data (later engine changes do not reach it). */
export function persistEngineState(state: EngineState): PersistedEngineState {
  return structuredClone({
    version: 1 as const,
    alarms: [...state.alarms.values()],
    incidents: [...state.incidents.values()],
    sensors: [...state.sensors.values()],
    outOfService: [...state.outOfService].map(([sensorId, oos]) => ({ sensorId, ...oos })),
    floods: [...state.floods].map(([key, times]) => ({ key, times })),
    counters: state.counters,
    watchBaseline: state.watchBaseline,
  });
}

/**
 * Rebuild the state from its persisted form. `restartedAt`, when given, becomes the offline
 * watchdog's baseline: silence is counted from the restart, not across the server's own downtime
 * (escalation, shelving, on-delays and held-open doors resume from their stored times).
 */
export function restoreEngineState(saved: PersistedEngineState, options: { restartedAt?: number; maxDrillRuleStates?: number } = {}): EngineState {
  const copy = structuredClone(saved);
  const state = createEngineState();
  for (const a of copy.alarms) state.alarms.set(a.id, a);
  for (const i of copy.incidents) state.incidents.set(i.id, i);
  for (const rs of copy.sensors) {
    // A per-device unknown-device state from before one trouble per site (rules.unknown.ts): kept
    // only while its alarm is open, so a past flood of made-up ids does not come back each start.
    if (rs.unknown && rs.unknownDevices === undefined && rs.points.unknown_device?.alarmId == null) continue;
    state.sensors.set(rs.key, rs);
  }
  trimDrillStates(state, options.maxDrillRuleStates ?? DEFAULT_ENGINE_SETTINGS.maxDrillRuleStates);
  for (const { sensorId, ...oos } of copy.outOfService) state.outOfService.set(sensorId, oos);
  for (const f of copy.floods) state.floods.set(f.key, f.times);
  // Ids must never repeat: never count below what was handed out.
  state.counters = { ...copy.counters };
  state.watchBaseline = options.restartedAt ?? copy.watchBaseline;
  return state;
}

/**
 * Before a new drill rule state is made: at `max` drill states, the least recently heard one
 * without an open alarm goes (else the least recently heard; its alarm stays in the queue and can
 * still be acknowledged). A drill's id comes from the device, so made-up ones must not grow the
 * state without bound; a real drill's quiet sensors are only forgotten past `max`, and start again
 * from their next observation.
 */
export function makeRoomForDrill(state: EngineState, max: number): void {
  let count = 0;
  let quiet: SensorRuleState | undefined;
  let oldest: SensorRuleState | undefined;
  const older = (a: SensorRuleState, b: SensorRuleState | undefined) => b === undefined || (a.lastSeen ?? a.watchSince) < (b.lastSeen ?? b.watchSince);
  for (const rs of state.sensors.values()) {
    if (rs.drill === null) continue;
    count += 1;
    if (older(rs, oldest)) oldest = rs;
    if (older(rs, quiet) && !hasOpenAlarm(rs)) quiet = rs;
  }
  if (count >= max) state.sensors.delete((quiet ?? oldest)!.key);
}

const hasOpenAlarm = (rs: SensorRuleState): boolean => Object.values(rs.points).some((p) => p?.alarmId != null);

/** The store keeps the rows of evicted drill states: a restart keeps the same bound, by the same rule. */
function trimDrillStates(state: EngineState, max: number): void {
  const drills = [...state.sensors.values()].filter((rs) => rs.drill !== null);
  if (drills.length <= max) return;
  const rank = (rs: SensorRuleState): number => (hasOpenAlarm(rs) ? Infinity : (rs.lastSeen ?? rs.watchSince));
  drills.sort((a, b) => rank(b) - rank(a));
  for (const rs of drills.slice(max)) state.sensors.delete(rs.key);
}

/** Open alarms (not `cleared`), for the snapshot. */
export function openAlarms(state: EngineState): Alarm[] {
  return [...state.alarms.values()].filter((a) => a.state !== 'cleared');
}

export function openIncidents(state: EngineState): Incident[] {
  return [...state.incidents.values()].filter((i) => i.state !== 'closed');
}

/** Live state of one registered sensor (real traffic only), for the snapshot and floor plans. */
export function sensorLiveState(state: EngineState, sensorId: string): SensorLiveState {
  const rs = state.sensors.get(sensorId);
  const offline = rs?.points.offline?.active === true;
  return {
    sensorId,
    lastSeen: rs?.lastSeen ?? null,
    lastValue: rs?.lastValue ?? null,
    lastEvent: rs?.lastEvent ?? null,
    online: offline ? false : (rs?.online ?? null),
    battery: rs?.battery ?? null,
    rssi: rs?.rssi ?? null,
    outOfService: state.outOfService.get(sensorId) ?? null,
  };
}

/** Live state of every registered sensor (real traffic only), for the snapshot and floor plans. */
export function sensorLiveStates(state: EngineState, registry: RegistryView): SensorLiveState[] {
  return registry.allSensors().map((sensor) => sensorLiveState(state, sensor.id));
}
