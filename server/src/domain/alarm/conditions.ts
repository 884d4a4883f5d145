/**
 * What each kind of alarm is: its class, priority and latching, its message as key and
 * parameters (rendered by contract/alarm-text.ts), and where its procedure (SOP) comes from.
 */
import {
  SOP_KEYS,
  renderAlarmText,
  type AlarmClass,
  type AlarmText,
  type Condition,
  type DetailText,
  type Priority,
  type TextLanguage,
} from '../../../../contract/index.ts';

export interface ConditionSpec {
  readonly class: AlarmClass;
  readonly priority: Priority;
  readonly latching: boolean;
}

const spec = (cls: AlarmClass, priority: Priority, latching = false): ConditionSpec => Object.freeze({ class: cls, priority, latching });

/** Static specs, shared by reference: rules pass one of these, never a fresh object. */
export const SPECS = Object.freeze({
  // Gas low 10 %LEL → supervisory, high; high 20 → alarm, critical, latching. CO likewise.
  levelLow: spec('supervisory', 'high'),
  levelHigh: spec('alarm', 'critical', true),
  // Rate of rise below low: a pre-alarm, less urgent than the low alarm it foreshadows.
  rise: spec('supervisory', 'medium'),
  // NFPA 72: a fire alarm signal latches until reset.
  smoke: spec('alarm', 'critical', true),
  smokePreAlarm: spec('supervisory', 'high'),
  fault: spec('trouble', 'medium'),
  tamper: spec('trouble', 'medium'),
  batteryLow: spec('trouble', 'low'),
  doorForcedSecure: spec('alarm', 'critical'),
  doorForced: spec('supervisory', 'high'),
  doorHeld: spec('supervisory', 'medium'),
  deniedBurst: spec('supervisory', 'high'),
  afterHours: spec('supervisory', 'medium'),
  offline: spec('trouble', 'medium'),
  unknownDevice: spec('trouble', 'low'),
  // NFPA 72 trouble: the gateway's sensors are unsupervised; as urgent as one sensor offline.
  gatewayOffline: spec('trouble', 'medium'),
  // A leak is an alarm that latches: the water stays on the floor until someone has looked.
  leak: spec('alarm', 'high', true),
  // The detector cannot be trusted: as urgent as a device fault.
  implausibleValue: spec('trouble', 'medium'),
  // Alarms still evaluate (at the receive time); only the record's timeline is at risk.
  clockWrong: spec('trouble', 'low'),
  // A detector stuck in test mode is not protecting its room.
  selfTestStuck: spec('trouble', 'medium'),
  // A detector signal nobody receives: a binding is missing, the room may be unprotected.
  unboundSignal: spec('trouble', 'medium'),
  // A verification camera is an aid to the officer, not a detector: nothing goes undetected.
  cameraOffline: spec('trouble', 'low'),
  // NFPA 72 alarm signal: water flowing means sprinklers are discharging (or a pipe burst); it
  // latches like a fire alarm, so it is looked at and reset even if the flow stopped.
  waterflow: spec('alarm', 'critical', true),
  // NFPA 72 supervisory signals: the sprinklers may not work when needed, or are working now.
  valveClosed: spec('supervisory', 'high'),
  pumpRunning: spec('supervisory', 'high'),
  pressureLow: spec('supervisory', 'high'),
  pressureHigh: spec('supervisory', 'medium'),
  // The fire pump cannot be relied on: trouble, as urgent as a closed valve.
  pumpTrouble: spec('trouble', 'high'),
});

/**
 * What a message's detail says: a key with parameters, or a plain string, which is what a device
 * (or a probe) said in its own words and is shown as it came. Rule states saved before details had
 * keys hold plain strings too.
 */
export type Detail = DetailText | string | null;

export interface MessageArgs {
  label: string;
  /** The subject's Chinese name, where the facility gives one. */
  labelZh?: string | undefined;
  value: number | null;
  unit: string | null;
  detail: Detail;
}

/** The unit an alarm's value is in: the sensor's for measured conditions, % for battery, else none. */
export function unitFor(condition: Condition, sensorUnit: string | null): string | null {
  switch (condition) {
    case 'gas':
    case 'gas_rise':
    case 'co':
    case 'co_rise':
      return sensorUnit;
    case 'battery_low':
      return '%';
    case 'smoke':
    case 'smoke_pre_alarm':
    case 'fault':
    case 'tamper':
    case 'door_forced':
    case 'door_held':
    case 'access_denied_burst':
    case 'after_hours_access':
    case 'offline':
    case 'unknown_device':
    case 'gateway_offline':
    case 'leak':
    case 'clock_wrong':
    case 'self_test_stuck':
    case 'unbound_signal':
    case 'camera_offline':
      return null;
    case 'waterflow':
    case 'valve_closed':
    case 'pump_running':
    case 'pump_power_fail':
    case 'pump_phase_reversal':
      return null;
    case 'implausible_value':
    case 'pressure_low':
    case 'pressure_high':
      return sensorUnit;
  }
}

/**
 * The detail of a gas or CO level alarm, worded for the alarm's priority: `≥ low 10` belongs to the
 * high-priority low alarm only. A critical alarm that latched at high and whose gas came back
 * at the low level is still the high alarm, and says so (`reached high 20, latched`), rather than
 * reading like a low one beside a critical badge.
 */
export function levelDetail(level: 'low' | 'high', thresholds: { low: number; high: number }, latchedHigh = false): DetailText {
  if (level === 'high') return { key: 'level_high', params: { threshold: thresholds.high } };
  return latchedHigh ? { key: 'level_latched', params: { threshold: thresholds.high } } : { key: 'level_low', params: { threshold: thresholds.low } };
}

/** A detail as the message carries it: a device's own words under the `device` key. */
export function detailText(detail: Detail): DetailText | null {
  if (detail === null || detail === '') return null;
  return typeof detail === 'string' ? { key: 'device', params: { text: detail } } : detail;
}

/** An alarm's message as key and parameters (contract/alarm-text.ts), for every condition. */
export function alarmText(condition: Condition, a: MessageArgs): AlarmText {
  const detail = detailText(a.detail);
  return {
    key: condition,
    params: {
      label: a.label,
      ...(a.labelZh ? { labelZh: a.labelZh } : {}),
      ...(a.value !== null ? { value: a.value } : {}),
      ...(a.unit !== null ? { unit: a.unit } : {}),
      ...(detail !== null ? { detail } : {}),
    },
  };
}

/** The message in one language (the facility's, for `Alarm.message`). */
export function describe(condition: Condition, args: MessageArgs, lang: TextLanguage = 'en'): string {
  return renderAlarmText(alarmText(condition, args), lang) ?? condition;
}

/** A water-flow alarm's detail naming the zone's fire alarm (sprinkler.ts). */
export function isWaterflowWithFire(detail: Detail | undefined): boolean {
  return typeof detail === 'object' && detail !== null && detail.key === 'waterflow_with_fire';
}

/** Other names a facility file may use for a procedure (config/facility.yaml uses these). */
const SOP_ALIASES: Partial<Record<Condition, string[]>> = {
  battery_low: ['low_battery'],
  offline: ['offline_sensor'],
  fault: ['device_fault'],
  co_rise: ['co_low'],
  implausible_value: ['device_fault'],
  leak: ['leak'],
};

/**
 * The procedure for a condition at a priority. Gas and CO have one per level — `gas_high`
 * (evacuate, isolate, call the fire brigade) differs from `gas_low` — and water flow in a zone
 * with a fire alarm (its detail says so) is the fire's (`sprinkler_fire`, then `fire`), not a
 * pipe break's; then the condition's own name, its generic SOP key, known aliases, and `default`.
 */
export function sopFor(sops: Readonly<Record<string, string[]>>, condition: Condition, priority?: Priority, detail?: Detail): { key: string; steps: string[] } {
  const level = condition === 'gas' || condition === 'co' ? [`${condition}_${priority === 'critical' ? 'high' : 'low'}`] : [];
  const fire = condition === 'waterflow' && isWaterflowWithFire(detail) ? ['sprinkler_fire', 'fire'] : [];
  for (const key of [...level, ...fire, condition, SOP_KEYS[condition], ...(SOP_ALIASES[condition] ?? []), 'default']) {
    const steps = Object.hasOwn(sops, key) ? sops[key] : undefined;
    if (steps !== undefined) return { key, steps: [...steps] };
  }
  return { key: SOP_KEYS[condition], steps: [] };
}
