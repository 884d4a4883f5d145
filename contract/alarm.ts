/**
 * Alarms, incidents and their audit events: what the alarm engine produces and what the dashboard
 * and the drill report read. The bodies of alarm actions are in alarm-actions.ts, the typed
 * Socket.IO event maps in realtime.ts.
 *
 * The model follows ISA-18.2 / IEC 62682 (states, shelving, out of service, chattering) and the
 * NFPA 72 signal classes (alarm, supervisory, trouble); docs/contracts.md#alarm-model describes it.
 *
 * @example A critical gas alarm as the dashboard receives it inside an `alarm` event:
 * ```json
 * {"id": "al_mii8k0_1", "siteId": "hq", "zoneId": "kitchen", "sensorId": "KIT-GAS-01",
 *  "condition": "gas", "class": "alarm", "priority": "critical", "state": "active_unacked",
 *  "conditionActive": true, "latching": true, "sopKey": "gas_leak", "drill": null, ...}
 * ```
 */
import { z } from 'zod';
import type { AlarmState, AlarmClass, CauseCategory, Condition, Priority } from './alarm-constants.ts';
import type { AlarmText, NoteText } from './alarm-text.ts';

// The alarm model's values live in a module without zod, which the dashboard imports instead of
// this one: importing anything from here would put zod and every schema below into its bundle.
export {
  ALARM_CLASSES,
  ALARM_STATES,
  CONDITIONS,
  MAX_OUT_OF_SERVICE_S,
  OUT_OF_SERVICE_REMINDER_S,
  PRIORITIES,
  PRIORITY_RANK,
  SYSTEM_ACTOR,
  type AlarmClass,
  type AlarmState,
  type Condition,
  type Priority,
} from './alarm-constants.ts';

/**
 * The key under `sops:` in `config/facility.yaml` each condition's procedure is looked up by. When
 * that key is missing the condition's own name is tried, then `default`.
 *
 * @example
 * ```yaml
 * sops:
 *   gas_leak: ["Evacuate the kitchen", "Shut the gas valve", "Call the gas company"]
 * ```
 */
export const SOP_KEYS: Readonly<Record<Condition, string>> = {
  gas: 'gas_leak',
  gas_rise: 'gas_leak',
  co: 'co_leak',
  co_rise: 'co_leak',
  smoke: 'fire',
  smoke_pre_alarm: 'fire',
  fault: 'device_fault',
  tamper: 'tamper',
  battery_low: 'battery_low',
  door_forced: 'forced_door',
  door_held: 'held_door',
  access_denied_burst: 'access_denied',
  after_hours_access: 'after_hours_access',
  offline: 'offline_sensor',
  unknown_device: 'unknown_device',
  gateway_offline: 'gateway_offline',
  leak: 'water_leak',
  implausible_value: 'implausible_value',
  clock_wrong: 'clock_wrong',
  self_test_stuck: 'self_test_stuck',
  unbound_signal: 'unbound_signal',
  camera_offline: 'camera_offline',
  // Water flowing with no fire alarm in the zone: a pipe may have burst. With one, the alarm takes
  // the fire procedure instead (server/src/domain/alarm/sprinkler.ts).
  waterflow: 'waterflow_no_fire',
  valve_closed: 'valve_closed',
  pump_running: 'fire_pump',
  pump_power_fail: 'fire_pump_trouble',
  pump_phase_reversal: 'fire_pump_trouble',
  pressure_low: 'riser_pressure',
  pressure_high: 'riser_pressure',
};

/**
 * Who shelved an alarm, why and until when (ISA-18.2 shelving: temporary, with a reason).
 *
 * @example `{"at": 1764240000000, "until": 1764243600000, "by": "officer.li", "reason": "detector being cleaned"}`
 */
export interface Shelf {
  at: number;
  /** Epoch ms when the shelf expires and the alarm, if still active, reappears. */
  until: number;
  by: string;
  reason: string;
}

/**
 * A sensor taken out of service for maintenance: its data is still stored, it raises no alarms.
 * It ends at `until`: OUT_OF_SERVICE_REMINDER_S before, a `sensor_out_of_service_ending` event
 * reminds the consoles; at `until` the sensor returns to service by itself.
 *
 * @example `{"since": 1764240000000, "until": 1764254400000, "by": "tech.zhao", "reason": "calibration", "remindedAt": null}`
 */
export interface OutOfService {
  since: number;
  /** Epoch ms; absent only on records made before an end was required (those end by hand). */
  until?: number;
  by: string;
  reason: string;
  /** When the end reminder was sent; null before. */
  remindedAt?: number | null;
}

/**
 * `POST /api/sensors/:id/out-of-service`: `until` is epoch ms, after now and at most
 * MAX_OUT_OF_SERVICE_S ahead (the server checks both against its clock).
 * @example `{"reason": "detector recalibration", "until": 1764254400000}`
 */
export const outOfServiceBodySchema = z
  .object({
    reason: z.string().trim().min(1, 'reason is required').max(2000),
    until: z.number().int('until must be epoch ms').positive('until must be epoch ms'),
  })
  .strict();

/**
 * How an alarm was closed out: closes the loop in an incident review.
 *
 * @example `{"causeCategory": "equipment_fault", "cause": "hose clamp loose", "correctiveAction": "clamp replaced", "by": "officer.li", "at": 1764240000000}`
 */
export interface Resolution {
  /** The kind of cause, for statistics; absent on alarms resolved before categories existed. */
  causeCategory?: CauseCategory;
  cause: string;
  correctiveAction: string;
  by: string;
  at: number;
}

/**
 * One alarm: one sensor, one condition, one drill (or none), from raise to close. Times are epoch
 * ms. There is at most one open (not `cleared`) alarm per sensor, condition and drill.
 *
 * @example
 * ```ts
 * const unacked = alarms.filter((a) => a.state === 'active_unacked' || a.state === 'cleared_unacked');
 * ```
 */
export interface Alarm {
  id: string;
  siteId: string;
  floorId: string | null;
  /** Zone id from the registry, or `unregistered`. */
  zoneId: string;
  /** The sensor's id; a gateway's id for its own alarm (`gateway_offline`). */
  sensorId: string;
  sensorName: string;
  /** Sensor kind, `gateway` (GATEWAY_KIND) for a gateway's own alarm, or `unregistered`. */
  sensorKind: string;
  /**
   * The gateway the alarm is about (`gateway_offline`) or the one its sensor reports through:
   * `GET /api/gateways` lists its name, state and sensors. Absent for sensors on native topics.
   */
  gatewayId?: string;
  condition: Condition;
  class: AlarmClass;
  priority: Priority;
  state: AlarmState;
  /** The condition is present now. A latched alarm can be active while its condition is gone. */
  conditionActive: boolean;
  /** Stays active until acknowledged and reset (gas high, fire). */
  latching: boolean;
  raisedAt: number;
  /** Last time the condition became active (moves on re-activation). */
  activatedAt: number;
  /** Last time the condition returned to normal. */
  clearedAt: number | null;
  /** When the alarm reached `cleared`. */
  closedAt: number | null;
  ackedAt: number | null;
  ackedBy: string | null;
  resetAt: number | null;
  resetBy: string | null;
  assignedTo: string | null;
  /** 0 until the first escalation; then 1, 2, … */
  escalationLevel: number;
  /** When the next escalation is due; null when none is (acknowledged, shelved, no limit). */
  escalationDueAt: number | null;
  /** ≥ 3 active/clear transitions within 60 s were seen: the officer is offered shelving. */
  chattering: boolean;
  shelved: Shelf | null;
  /** The sensor is out of service: not annunciated, not escalated. */
  outOfService: boolean;
  /** Set when flood grouping put the alarm into an incident. */
  incidentId: string | null;
  /** Drill id when raised by drill observations; never counted in real statistics. */
  drill: string | null;
  sopKey: string;
  /** The procedure's steps, copied from the facility's `sops` at raise time. */
  sop: string[];
  lastValue: number | null;
  /** Highest value seen while this alarm was open (gas, CO). */
  peakValue: number | null;
  unit: string | null;
  /**
   * The message in the facility's language (`facility.language`), for notifications, logs and
   * CSV, e.g. "Gas 23 %LEL at Kitchen gas detector (≥ high 20)". Screens render `text` instead.
   */
  message: string;
  /** The message as key and parameters (alarm-text.ts), rendered in the viewer's language; absent on alarms stored before it existed. */
  text?: AlarmText;
  resolution: Resolution | null;
  updatedAt: number;
}

/**
 * Flood grouping: when a site raises more than 10 new alarms within 10 minutes, its alarms are
 * grouped by zone into incidents so the queue stays readable; an incident can be acknowledged as a
 * whole.
 *
 * @example `if (incident.state === 'open') showRow(incident.zoneId, incident.alarmIds.length);`
 */
export interface Incident {
  id: string;
  siteId: string;
  zoneId: string;
  drill: string | null;
  /** `open` while any member is unacknowledged, `acked` when none is, `closed` when all are cleared. */
  state: 'open' | 'acked' | 'closed';
  alarmIds: string[];
  /** The most urgent priority among the members. */
  priority: Priority;
  unackedCount: number;
  activeCount: number;
  openedAt: number;
  updatedAt: number;
  ackedAt: number | null;
  ackedBy: string | null;
  assignedTo: string | null;
  closedAt: number | null;
}

/**
 * Kinds of alarm lifecycle events. `raised` opens an alarm; `cleared` moves it to `cleared_unacked`
 * or `cleared`; `updated` covers a latched alarm's condition returning to normal and flood grouping.
 *
 * @example `if (e.subject === 'alarm' && e.kind === 'escalated') notify(e.alarm, e.level);`
 */
export const ALARM_EVENT_KINDS = [
  'raised',
  'reactivated',
  'updated',
  'priority_raised',
  'cleared',
  'acked',
  'commented',
  'assigned',
  'shelved',
  'unshelved',
  'reset',
  'resolved',
  'sop_step',
  'escalated',
  'chattering',
  'out_of_service',
  'in_service',
] as const;
export type AlarmEventKind = (typeof ALARM_EVENT_KINDS)[number];

/** Kinds of incident events. @example `if (e.subject === 'incident') upsertIncident(e.incident);` */
export const INCIDENT_EVENT_KINDS = ['incident_opened', 'incident_updated', 'incident_acked', 'incident_commented', 'incident_assigned'] as const;
export type IncidentEventKind = (typeof INCIDENT_EVENT_KINDS)[number];

/**
 * Events about a sensor rather than one alarm: maintenance and smoke-detector tests (recorded, no alarm).
 *
 * @example `if (e.subject === 'sensor' && e.kind === 'sensor_out_of_service') greyOut(e.sensorId);`
 */
export const SENSOR_EVENT_KINDS = ['sensor_out_of_service', 'sensor_out_of_service_ending', 'sensor_in_service', 'sensor_test'] as const;
export type SensorEventKind = (typeof SENSOR_EVENT_KINDS)[number];

interface EventBase {
  at: number;
  /** A user id, or `system`. */
  actor: string;
  /**
   * Free text of an action (ack note, comment, shelve reason), or a note the server wrote, then
   * rendered in the facility's language; else null.
   */
  note: string | null;
  /** A note the server wrote, as key and parameters (alarm-text.ts): screens render it in the viewer's language. */
  noteText?: NoteText;
  drill: string | null;
}

/**
 * A change to one alarm, carrying the alarm as it is after the change.
 *
 * @example `{"subject": "alarm", "kind": "acked", "alarmId": "al_mii8k0_1", "actor": "officer.li", "note": "on my way", ...}`
 */
export interface AlarmChangeEvent extends EventBase {
  subject: 'alarm';
  kind: AlarmEventKind;
  alarmId: string;
  alarm: Alarm;
  /** `escalated`: the level reached. */
  level?: number;
  /** `priority_raised`: the priority before. */
  fromPriority?: Priority;
  /** `assigned`: the assignee. */
  assignee?: string;
  /** `sop_step`: the procedure step (0-based) ticked, or unticked when `done` is false. */
  step?: number;
  done?: boolean;
}

/** A change to one incident, carrying the incident as it is after the change. @example `{"subject": "incident", "kind": "incident_acked", "incidentId": "in_mii8k0_1", ...}` */
export interface IncidentChangeEvent extends EventBase {
  subject: 'incident';
  kind: IncidentEventKind;
  incidentId: string;
  incident: Incident;
  assignee?: string;
}

/** A sensor-level event (maintenance, smoke test). @example `{"subject": "sensor", "kind": "sensor_test", "sensorId": "GH-SMK-03", ...}` */
export interface SensorChangeEvent extends EventBase {
  subject: 'sensor';
  kind: SensorEventKind;
  sensorId: string;
  siteId: string;
  outOfService: OutOfService | null;
}

/** What the engine emits; the service gives each a sequence number and stores it in the audit trail. @example `const e: AlarmEvent = { ...draft, seq: ++seq };` */
export type UnsequencedAlarmEvent = AlarmChangeEvent | IncidentChangeEvent | SensorChangeEvent;

/**
 * An audit-trail entry as pushed live: strictly increasing `seq`; a client that sees a gap asks
 * for a resync.
 *
 * @example
 * ```ts
 * socket.on('alarm', (e) => { if (e.seq !== lastSeq + 1) socket.emit('resync'); lastSeq = e.seq; });
 * ```
 */
export type AlarmEvent = UnsequencedAlarmEvent & { seq: number };

// Live push (Socket.IO) types live in realtime.ts; re-exported here for existing imports.
export * from './realtime.ts';
