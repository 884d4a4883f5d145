/**
 * What each kind of alarm is: its class, priority and latching, the one-line
 * message the queue shows, and where its procedure (SOP) comes from.
 */
import { SOP_KEYS, type AlarmClass, type Condition, type Priority } from '../../../../contract/index.ts';

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
});

export interface MessageArgs {
  label: string;
  value: number | null;
  unit: string | null;
  detail: string | null;
}

  // A verification camera is an aid to the officer, not a detector: nothing goes undetected.
  cameraOffline: spec('trouble', 'low'),
const round = (v: number): string => String(Math.round(v * 10) / 10);
const amount = (a: MessageArgs): string => (a.value === null ? '' : ` ${round(a.value)}${a.unit ? ` ${a.unit}` : ''}`);
const suffix = (a: MessageArgs): string => (a.detail ? ` (${a.detail})` : '');

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
      return null;
    case 'implausible_value':
      return sensorUnit;
  }
}

const MESSAGES: Readonly<Record<Condition, (a: MessageArgs) => string>> = {
  gas: (a) => `Gas${amount(a)} at ${a.label}${suffix(a)}`,
  gas_rise: (a) => `Gas rising fast${amount(a)} at ${a.label}${suffix(a)}`,
  co: (a) => `Carbon monoxide${amount(a)} at ${a.label}${suffix(a)}`,
  co_rise: (a) => `Carbon monoxide rising fast${amount(a)} at ${a.label}${suffix(a)}`,
  smoke: (a) => `Fire alarm: smoke at ${a.label}${suffix(a)}`,
  smoke_pre_alarm: (a) => `Smoke pre-alarm at ${a.label}${suffix(a)}`,
  fault: (a) => `Device fault at ${a.label}${suffix(a)}`,
    case 'camera_offline':
  tamper: (a) => `Tamper at ${a.label}${suffix(a)}`,
  battery_low: (a) => `Battery low${amount(a)} at ${a.label}${suffix(a)}`,
  door_forced: (a) => `Door forced open: ${a.label}${suffix(a)}`,
  door_held: (a) => `Door held open: ${a.label}${suffix(a)}`,
  access_denied_burst: (a) => `Repeated access denied at ${a.label}${suffix(a)}`,
  after_hours_access: (a) => `Access outside schedule at ${a.label}${suffix(a)}`,
  offline: (a) => `Sensor offline: ${a.label}${suffix(a)}`,
  unknown_device: (a) => `${a.label} sending data${suffix(a)}`,
  gateway_offline: (a) => `${a.label} offline${a.detail ? `: ${a.detail}` : ''}`,
  leak: (a) => `Water leak at ${a.label}${suffix(a)}`,
  implausible_value: (a) => `Sensor fault: impossible reading${amount(a)} at ${a.label}${suffix(a)}`,
  clock_wrong: (a) => `Device clock wrong at ${a.label}${suffix(a)}`,
  self_test_stuck: (a) => `Detector stuck in test mode: ${a.label}${suffix(a)}`,
  unbound_signal: (a) => `Unbound detector signal from ${a.label}${suffix(a)}`,
};

/**
 * The detail of a gas or CO level alarm, worded for the alarm's priority: `≥ low 10` belongs to the
 * high-priority low alarm only. A critical alarm that latched at high and whose gas came back
 * at the low level is still the high alarm, and says so (`reached high 20, latched`), rather than
 * reading like a low one beside a critical badge.
 */
export function levelDetail(level: 'low' | 'high', thresholds: { low: number; high: number }, latchedHigh = false): string {
  if (level === 'high') return `≥ high ${thresholds.high}`;
  return latchedHigh ? `reached high ${thresholds.high}, latched` : `≥ low ${thresholds.low}`;
}

export function describe(condition: Condition, args: MessageArgs): string {
  return MESSAGES[condition](args);
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
 * (evacuate, isolate, call the fire brigade) differs from `gas_low` — then the condition's own
 * name, its generic SOP key, known aliases, and `default`.
 */
export function sopFor(sops: Readonly<Record<string, string[]>>, condition: Condition, priority?: Priority): { key: string; steps: string[] } {
  const level = condition === 'gas' || condition === 'co' ? [`${condition}_${priority === 'critical' ? 'high' : 'low'}`] : [];
  for (const key of [...level, condition, SOP_KEYS[condition], ...(SOP_ALIASES[condition] ?? []), 'default']) {
    const steps = Object.hasOwn(sops, key) ? sops[key] : undefined;
    if (steps !== undefined) return { key, steps: [...steps] };
  }
  return { key: SOP_KEYS[condition], steps: [] };
}
