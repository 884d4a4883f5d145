/**
 * How an engine change reads in the audit trail: its target (`alarm:<id>`, `incident:<id>`,
 * `sensor:<id>`) and the details an auditor needs to follow it without the alarm's history.
 */
import type { AlarmEvent, UnsequencedAlarmEvent } from '../../../contract/index.ts';

export const targetOf = (e: UnsequencedAlarmEvent): string =>
  e.subject === 'alarm' ? `alarm:${e.alarmId}` : e.subject === 'incident' ? `incident:${e.incidentId}` : `sensor:${e.sensorId}`;

export function auditDetail(e: AlarmEvent): Record<string, unknown> {
  const d: Record<string, unknown> = { seq: e.seq };
  if (e.note !== null) d.note = e.note;
  if (e.drill !== null) d.drill = e.drill;
  if (e.subject === 'alarm') {
    d.state = e.alarm.state;
    d.priority = e.alarm.priority;
    d.condition = e.alarm.condition;
    d.sensor = e.alarm.sensorId;
    if (e.level !== undefined) d.level = e.level;
    if (e.assignee !== undefined) d.assignee = e.assignee;
    if (e.fromPriority !== undefined) d.fromPriority = e.fromPriority;
    if (e.step !== undefined) d.step = e.step;
    if (e.done !== undefined) d.done = e.done;
    if (e.kind === 'resolved' && e.alarm.resolution) d.resolution = e.alarm.resolution;
  }
  return d;
}
