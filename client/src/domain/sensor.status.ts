/**
 * What a sensor icon shows: one display state per sensor, derived from its open alarms and
 * its last known health, and how each state looks. Colour is never the only cue: every state
 * has its own shape and a text label (WCAG 1.4.1 "Use of Color").
 */
import type { Alarm, Condition, SensorLiveState } from '../../../contract/alarm.ts';

export const SENSOR_DISPLAY_STATES = ['alarm', 'pre_alarm', 'offline', 'trouble', 'shelved', 'out_of_service', 'unknown', 'normal'] as const;
export type SensorDisplayState = (typeof SENSOR_DISPLAY_STATES)[number];

export type StateShape = 'octagon' | 'triangle' | 'diamond' | 'circle' | 'square' | 'slashed-square' | 'dashed-circle' | 'hexagon';

export interface StateStyle {
  /** CSS custom property holding the state's colour (themes define it). */
  colorVar: string;
  shape: StateShape;
  /** i18n key of the label shown in the legend and tooltip. */
  labelKey: `state.${SensorDisplayState}`;
}

export const STATE_STYLES: Record<SensorDisplayState, StateStyle> = {
  alarm: { colorVar: '--state-alarm', shape: 'octagon', labelKey: 'state.alarm' },
  pre_alarm: { colorVar: '--state-pre-alarm', shape: 'triangle', labelKey: 'state.pre_alarm' },
  trouble: { colorVar: '--state-trouble', shape: 'diamond', labelKey: 'state.trouble' },
  offline: { colorVar: '--state-offline', shape: 'dashed-circle', labelKey: 'state.offline' },
  shelved: { colorVar: '--state-shelved', shape: 'square', labelKey: 'state.shelved' },
  out_of_service: { colorVar: '--state-oos', shape: 'slashed-square', labelKey: 'state.out_of_service' },
  unknown: { colorVar: '--state-unknown', shape: 'hexagon', labelKey: 'state.unknown' },
  normal: { colorVar: '--state-normal', shape: 'circle', labelKey: 'state.normal' },
};

/** Worst first: when a sensor has several conditions, the first one listed wins. */
const RANK: Record<SensorDisplayState, number> = Object.fromEntries(SENSOR_DISPLAY_STATES.map((s, i) => [s, i])) as Record<SensorDisplayState, number>;

/**
 * The state each condition draws, whatever its class or priority: a gas or CO level at or above
 * low, a forced door, a burst of denied badges, smoke and a leak are alarms (the octagon), never
 * "pre-alarm" triangles; only what warns before an alarm level (rate of rise, smoke pre-alarm) and
 * doors held open or used out of hours are warnings. A Record over every condition, so a new one
 * cannot reach the plan without a legend entry.
 */
export const CONDITION_DISPLAY: Readonly<Record<Condition, SensorDisplayState>> = {
  gas: 'alarm',
  co: 'alarm',
  smoke: 'alarm',
  leak: 'alarm',
  waterflow: 'alarm',
  door_forced: 'alarm',
  access_denied_burst: 'alarm',
  gas_rise: 'pre_alarm',
  co_rise: 'pre_alarm',
  smoke_pre_alarm: 'pre_alarm',
  door_held: 'pre_alarm',
  after_hours_access: 'pre_alarm',
  // Sprinkler supervisory signals: the system is impaired or working, nothing burns yet.
  valve_closed: 'pre_alarm',
  pump_running: 'pre_alarm',
  pressure_low: 'pre_alarm',
  pressure_high: 'pre_alarm',
  pump_power_fail: 'trouble',
  pump_phase_reversal: 'trouble',
  offline: 'offline',
  fault: 'trouble',
  tamper: 'trouble',
  battery_low: 'trouble',
  unknown_device: 'trouble',
  gateway_offline: 'trouble',
  implausible_value: 'trouble',
  clock_wrong: 'trouble',
  self_test_stuck: 'trouble',
  unbound_signal: 'trouble',
  camera_offline: 'trouble',
};

/** The display state an alarm puts its sensor in, or null when it no longer shows. */
export function alarmDisplayState(alarm: Alarm): SensorDisplayState | null {
  if (alarm.state === 'cleared') return null;
  if (alarm.outOfService) return 'out_of_service';
  if (alarm.shelved) return 'shelved';
  // Active, acknowledged or not, and ISA-18.2 "returned to normal, unacknowledged": all still
  // need the officer, so all stay visible.
  return CONDITION_DISPLAY[alarm.condition];
}

export function sensorDisplayState(state: SensorLiveState | undefined, alarms: readonly Alarm[]): SensorDisplayState {
  // Maintenance overrides everything: the sensor raises nothing while out of service.
  if (state?.outOfService) return 'out_of_service';
  let worst = worstState(alarms.flatMap((a) => alarmDisplayState(a) ?? []));
  if (state?.online === false && RANK.offline < RANK[worst]) worst = 'offline';
  if (worst === 'normal' && (!state || state.lastSeen === null)) return 'unknown';
  return worst;
}

/** The worst of several states (a zone's or a floor's), `normal` for none. */
export function worstState(states: Iterable<SensorDisplayState>): SensorDisplayState {
  let worst: SensorDisplayState = 'normal';
  for (const s of states) if (RANK[s] < RANK[worst]) worst = s;
  return worst;
}

/**
 * Sensors in a drill: every open alarm they have is a drill alarm (drills are labelled
 * DRILL everywhere: docs/contracts.md#drills). A sensor with a real alarm too is not listed: the real one must not look like
 * an exercise.
 */
export function drillOnlySensors(alarms: Iterable<Alarm>): Set<string> {
  const drill = new Set<string>();
  const real = new Set<string>();
  for (const alarm of alarms) {
    if (alarm.state === 'cleared') continue;
    (alarm.drill ? drill : real).add(alarm.sensorId);
  }
  for (const id of real) drill.delete(id);
  return drill;
}

/** Open alarms grouped by sensor id. */
export function alarmsBySensor(alarms: Iterable<Alarm>): Map<string, Alarm[]> {
  const bySensor = new Map<string, Alarm[]>();
  for (const alarm of alarms) {
    const list = bySensor.get(alarm.sensorId);
    if (list) list.push(alarm);
    else bySensor.set(alarm.sensorId, [alarm]);
  }
  return bySensor;
}

export type StateCounts = Record<SensorDisplayState, number>;

export function emptyCounts(): StateCounts {
  return Object.fromEntries(SENSOR_DISPLAY_STATES.map((s) => [s, 0])) as StateCounts;
}

export function countStates(states: Iterable<SensorDisplayState>): StateCounts {
  const counts = emptyCounts();
  for (const s of states) counts[s] += 1;
  return counts;
}

/** Sensors needing attention (anything but normal, unknown or deliberately silenced). */
export function attentionCount(counts: StateCounts): number {
  return counts.alarm + counts.pre_alarm + counts.trouble + counts.offline;
}
