/**
 * The alarm model's values (classes, priorities, states, conditions, causes and limits), without
 * zod: the dashboard imports them from here, so that its bundle holds none of the schemas in
 * alarm.ts. alarm.ts and alarm-actions.ts re-export them; the model is described there and in
 * docs/contracts.md#alarm-model.
 */

/**
 * NFPA 72 signal classes: `alarm` (life safety), `supervisory` (an abnormal condition that needs
 * attention), `trouble` (the monitoring itself is impaired).
 *
 * @example `const c: AlarmClass = 'trouble'; // an offline sensor`
 */
export const ALARM_CLASSES = ['alarm', 'supervisory', 'trouble'] as const;
export type AlarmClass = (typeof ALARM_CLASSES)[number];

/**
 * Alarm priorities, most urgent first.
 *
 * @example `PRIORITIES.indexOf('high') < PRIORITIES.indexOf('low') // true`
 */
export const PRIORITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];

/**
 * Rank of each priority: lower is more urgent. Sort a queue with it.
 *
 * @example `alarms.sort((a, b) => PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority])`
 */
export const PRIORITY_RANK: Readonly<Record<Priority, number>> = { critical: 0, high: 1, medium: 2, low: 3 };

/**
 * ISA-18.2 alarm states. `cleared_unacked` is "returned to normal, unacknowledged" (rtn_unacked);
 * `cleared` is closed. Shelved and out-of-service are flags on top of these (see `Alarm` in alarm.ts).
 *
 * @example `const open = alarm.state !== 'cleared';`
 */
export const ALARM_STATES = ['active_unacked', 'active_acked', 'cleared_unacked', 'cleared'] as const;
export type AlarmState = (typeof ALARM_STATES)[number];

/**
 * What an alarm is about. Gas and CO each have one condition whose priority rises in place when
 * the level worsens (low → high); `gas_rise` / `co_rise` are the rate-of-rise pre-alarms.
 * `fault` covers device faults and a dirty smoke chamber. `gateway_offline` is a gateway's own
 * alarm: one for every sensor it leaves unsupervised. `leak` is a water-leak detector's alarm.
 * The sensor troubles: `implausible_value` (a reading outside what the kind can physically
 * measure: a sensor fault, never a threshold alarm), `clock_wrong` (the device's clock is far
 * from the receive time, so its alarms are placed at the receive time), `self_test_stuck` (a
 * detector's test mode outlasted its limit) and `unbound_signal` (a device sent a detector
 * signal that no sensor is bound to receive). `camera_offline` is a verification camera's own
 * trouble: it did not answer its periodic snapshot probe (contract/camera.ts).
 * Sprinklers, in NFPA 72's classes: `waterflow` (water flowing in a riser: an alarm signal),
 * `valve_closed` (a control valve not fully open), `pump_running`, `pressure_low` and
 * `pressure_high` (supervisory signals), `pump_power_fail` and `pump_phase_reversal` (the fire
 * pump cannot be relied on: trouble).
 *
 * @example `const c: Condition = 'door_held';`
 */
export const CONDITIONS = [
  'gas',
  'gas_rise',
  'co',
  'co_rise',
  'smoke',
  'smoke_pre_alarm',
  'fault',
  'tamper',
  'battery_low',
  'door_forced',
  'door_held',
  'access_denied_burst',
  'after_hours_access',
  'offline',
  'unknown_device',
  'gateway_offline',
  'leak',
  'implausible_value',
  'clock_wrong',
  'self_test_stuck',
  'unbound_signal',
  'camera_offline',
  'waterflow',
  'valve_closed',
  'pump_running',
  'pump_power_fail',
  'pump_phase_reversal',
  'pressure_low',
  'pressure_high',
] as const;
export type Condition = (typeof CONDITIONS)[number];

/**
 * Kinds of cause an alarm is resolved with: `cause` stays free text, the category makes causes
 * countable (how many false alarms, how many equipment faults).
 */
export const CAUSE_CATEGORIES = ['real_event', 'equipment_fault', 'false_alarm', 'maintenance', 'test_or_drill', 'other'] as const;
export type CauseCategory = (typeof CAUSE_CATEGORIES)[number];

/** The longest a sensor may be taken out of service at once: 7 days (a forgotten one must come back). */
export const MAX_OUT_OF_SERVICE_S = 7 * 86_400;
/** The consoles are reminded this long before an out-of-service period ends. */
export const OUT_OF_SERVICE_REMINDER_S = 15 * 60;

/** The actor of events the engine produces by itself (raise, clear, escalation, shelf expiry). @example `e.actor === SYSTEM_ACTOR` */
export const SYSTEM_ACTOR = 'system';
