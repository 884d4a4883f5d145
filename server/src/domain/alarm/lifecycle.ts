/**
 * The ISA-18.2 alarm state machine. Rules only say "this condition is present / gone"
 * (`conditionOn` / `conditionOff`); this file turns that into alarms:
 *
 * ```
 *              condition on                 ack
 *   (normal) ───────────────► active_unacked ───► active_acked
 *                               │      ▲              │ condition off (non-latching)
 *          condition off        │      │ condition on ▼
 *          (non-latching)       ▼      │          cleared (closed)
 *                           cleared_unacked ──ack──►  ▲
 *   latching: stays active_* when the condition goes; ack + reset ─┘
 * ```
 *
 * One open alarm per (sensor, condition, drill): the point's `alarmId`. A worse level of an
 * active condition raises the alarm's priority in place.
 */
import { PRIORITY_RANK, renderAlarmText, type Alarm, type Condition, type TextLanguage } from '../../../../contract/index.ts';
import { noteTransition } from './chatter.ts';
import { alarmText, sopFor, unitFor, type ConditionSpec, type Detail } from './conditions.ts';
import { armEscalation, onPriorityRaised } from './escalation.ts';
import { alarmChanged } from './events.ts';
import { noteNewAlarm, touchIncident } from './flood.ts';
import { alarmSubject } from './rules.gateway.subject.ts';
import { correlateSprinkler } from './sprinkler.ts';
import { newId, ruleKey, wakeAt, type EngineState, type PointState, type Run, type SensorRuleState } from './engine.types.ts';

/** A condition's point before it is first raised: inactive, no alarm yet. */
export function newPoint(spec: ConditionSpec, now: number): PointState {
  return {
    active: false,
    since: now,
    priority: spec.priority,
    class: spec.class,
    latching: spec.latching,
    value: null,
    detail: null,
    alarmId: null,
    transitions: [],
    holdUntil: null,
    shelf: null,
    chatteringUntil: null,
  };
}

/** The open alarm of a point, if any. */
export function openAlarmOf(state: EngineState, p: PointState): Alarm | undefined {
  return p.alarmId === null ? undefined : state.alarms.get(p.alarmId);
}

/** The rule state and point an alarm belongs to. */
export function pointOf(state: EngineState, alarm: Alarm): { rs: SensorRuleState; p: PointState } | undefined {
  const rs = state.sensors.get(ruleKey(alarm.sensorId, alarm.drill));
  const p = rs?.points[alarm.condition];
  return rs === undefined || p === undefined ? undefined : { rs, p };
}

/** The condition is present. Raises, re-activates, or raises the priority in place. */
export function conditionOn(run: Run, rs: SensorRuleState, condition: Condition, spec: ConditionSpec, value: number | null, detail: Detail = null): PointState {
  let p = rs.points[condition];
  if (p === undefined) {
    p = newPoint(spec, run.now);
    rs.points[condition] = p;
  } else if (p.active) {
    worsen(run, rs, condition, p, spec, value, detail);
    return p;
  }
  p.active = true;
  p.since = run.now;
  p.priority = spec.priority;
  p.class = spec.class;
  p.latching = spec.latching;
  p.value = value;
  p.detail = detail;
  const open = openAlarmOf(run.state, p);
  if (open !== undefined) reactivate(run, rs, condition, p, open);
  else if (!run.state.outOfService.has(rs.sensorId)) raise(run, rs, condition, p);
  noteTransition(run, p);
  return p;
}

/** Like `conditionOn`, for momentary conditions: present until `holdMs` after the last event. */
export function conditionHeld(
  run: Run,
  rs: SensorRuleState,
  condition: Condition,
  spec: ConditionSpec,
  value: number | null,
  detail: Detail,
  holdMs: number,
): void {
  const p = conditionOn(run, rs, condition, spec, value, detail);
  p.holdUntil = run.now + holdMs;
  wakeAt(rs, p.holdUntil);
}

/** The condition has returned to normal. */
export function conditionOff(run: Run, rs: SensorRuleState, condition: Condition): void {
  const p = rs.points[condition];
  if (p === undefined || !p.active) return;
  p.active = false;
  p.since = run.now;
  p.holdUntil = null;
  const alarm = openAlarmOf(run.state, p);
  if (alarm !== undefined) {
    alarm.conditionActive = false;
    alarm.clearedAt = run.now;
    if (alarm.latching) {
      // ISA-18.2 latching: stays annunciated until acknowledged and reset by the operator.
      alarmChanged(run, 'updated', alarm, undefined, { key: 'latched_returned', params: {} });
    } else {
      switch (alarm.state) {
        case 'active_unacked':
          alarm.state = 'cleared_unacked'; // ISA-18.2 rtn_unacked
          alarmChanged(run, 'cleared', alarm);
          break;
        case 'active_acked':
          close(run, alarm);
          alarmChanged(run, 'cleared', alarm);
          break;
        case 'cleared_unacked':
        case 'cleared':
          break;
        default:
          alarm.state satisfies never;
      }
    }
    touchIncident(run, alarm);
  }
  noteTransition(run, p);
}

function worsen(run: Run, rs: SensorRuleState, condition: Condition, p: PointState, spec: ConditionSpec, value: number | null, detail: Detail): void {
  p.value = value;
  if (PRIORITY_RANK[spec.priority] < PRIORITY_RANK[p.priority]) {
    p.priority = spec.priority;
    p.class = spec.class;
    p.latching ||= spec.latching;
    p.detail = detail;
  }
  const alarm = openAlarmOf(run.state, p);
  if (alarm === undefined) return;
  track(alarm, value);
  if (PRIORITY_RANK[spec.priority] >= PRIORITY_RANK[alarm.priority]) return;
  const from = alarm.priority;
  alarm.priority = spec.priority;
  alarm.class = spec.class;
  alarm.latching ||= spec.latching;
  setMessage(run, rs, condition, p, alarm);
  // Worse condition, other procedure: gas low (check, ventilate) becomes gas high (evacuate).
  const sop = sopFor(run.ctx.registry.facility.sops, condition, alarm.priority);
  alarm.sopKey = sop.key;
  alarm.sop = sop.steps;
  onPriorityRaised(run, alarm);
  alarmChanged(run, 'priority_raised', alarm, undefined, null, { fromPriority: from });
  touchIncident(run, alarm);
}

function track(alarm: Alarm, value: number | null): void {
  alarm.lastValue = value;
  if (value !== null && (alarm.peakValue === null || value > alarm.peakValue)) alarm.peakValue = value;
}

/** The language `Alarm.message` and server notes are written in: the facility's. */
export const facilityLanguage = (run: Run): TextLanguage => run.ctx.registry.facility.language ?? 'en';

/** The alarm's message as key and parameters, and rendered in the facility's language. */
export function setMessage(run: Run, rs: SensorRuleState, condition: Condition, p: PointState, alarm: Pick<Alarm, 'text' | 'message'>): void {
  const subject = alarmSubject(run.ctx.registry, rs);
  alarm.text = alarmText(condition, { label: subject.name, labelZh: subject.nameZh, value: p.value, unit: unitFor(condition, subject.unit), detail: p.detail });
  alarm.message = renderAlarmText(alarm.text, facilityLanguage(run)) ?? alarm.message;
}

/** Open a new alarm for an active point. */
export function raise(run: Run, rs: SensorRuleState, condition: Condition, p: PointState): Alarm {
  const { state, ctx, now } = run;
  const subject = alarmSubject(ctx.registry, rs);
  const sop = sopFor(ctx.registry.facility.sops, condition, p.priority, p.detail);
  state.counters.alarm += 1;
  const alarm: Alarm = {
    id: newId(ctx, 'al', now, state.counters.alarm),
    siteId: rs.siteId,
    floorId: subject.floorId,
    zoneId: rs.zoneId,
    sensorId: rs.sensorId,
    sensorName: subject.name,
    sensorKind: subject.kind,
    ...(subject.gatewayId !== undefined && { gatewayId: subject.gatewayId }),
    condition,
    class: p.class,
    priority: p.priority,
    state: 'active_unacked',
    conditionActive: true,
    latching: p.latching,
    raisedAt: now,
    activatedAt: now,
    clearedAt: null,
    closedAt: null,
    ackedAt: null,
    ackedBy: null,
    resetAt: null,
    resetBy: null,
    assignedTo: null,
    escalationLevel: 0,
    escalationDueAt: null,
    chattering: p.chatteringUntil !== null && now <= p.chatteringUntil,
    shelved: p.shelf !== null && p.shelf.until > now ? p.shelf : null,
    outOfService: false,
    incidentId: null,
    drill: rs.drill,
    sopKey: sop.key,
    sop: sop.steps,
    lastValue: p.value,
    peakValue: p.value,
    unit: unitFor(condition, subject.unit),
    message: '',
    resolution: null,
    updatedAt: now,
  };
  setMessage(run, rs, condition, p, alarm);
  armEscalation(run, alarm);
  state.alarms.set(alarm.id, alarm);
  p.alarmId = alarm.id;
  alarmChanged(run, 'raised', alarm);
  noteNewAlarm(run, alarm);
  correlateSprinkler(run, alarm);
  return alarm;
}

/** The condition of a point with an open alarm is present again. */
export function reactivate(run: Run, rs: SensorRuleState, condition: Condition, p: PointState, alarm: Alarm): void {
  alarm.conditionActive = true;
  alarm.activatedAt = run.now;
  track(alarm, p.value);
  if (PRIORITY_RANK[p.priority] < PRIORITY_RANK[alarm.priority]) {
    alarm.priority = p.priority;
    alarm.class = p.class;
    onPriorityRaised(run, alarm);
  }
  alarm.latching ||= p.latching;
  setMessage(run, rs, condition, p, alarm);
  // ISA-18.2: a cleared_unacked alarm whose condition returns is the same alarm, active again.
  if (alarm.state === 'cleared_unacked') alarm.state = 'active_unacked';
  alarmChanged(run, 'reactivated', alarm);
  touchIncident(run, alarm);
}

/** Move to `cleared` (closed) and free the point for a future alarm. */
export function close(run: Run, alarm: Alarm): void {
  alarm.state = 'cleared';
  alarm.closedAt = run.now;
  alarm.escalationDueAt = null;
  const at = pointOf(run.state, alarm);
  if (at !== undefined && at.p.alarmId === alarm.id) at.p.alarmId = null;
}

/** ISA-18.2 acknowledge. False when there was nothing to acknowledge. */
export function acknowledge(run: Run, alarm: Alarm, actor: string, note: string | null): boolean {
  switch (alarm.state) {
    case 'active_unacked':
      alarm.state = 'active_acked';
      break;
    case 'cleared_unacked':
      close(run, alarm);
      break;
    case 'active_acked':
    case 'cleared':
      return false;
    default:
      return alarm.state satisfies never;
  }
  alarm.ackedAt = run.now;
  alarm.ackedBy = actor;
  alarm.escalationDueAt = null;
  alarmChanged(run, 'acked', alarm, actor, note);
  touchIncident(run, alarm);
  return true;
}

/** Reset a latched, acknowledged alarm whose condition is gone (callers check). */
export function resetLatched(run: Run, alarm: Alarm, actor: string, note: string | null): void {
  close(run, alarm);
  alarm.resetAt = run.now;
  alarm.resetBy = actor;
  alarmChanged(run, 'reset', alarm, actor, note);
  touchIncident(run, alarm);
}
