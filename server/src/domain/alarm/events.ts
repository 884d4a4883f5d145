/** Building the audit events the engine emits; each carries a copy of its subject after the change. */
import {
  SYSTEM_ACTOR,
  type Alarm,
  type AlarmChangeEvent,
  type AlarmEventKind,
  type Incident,
  type IncidentEventKind,
  type OutOfService,
  type SensorEventKind,
} from '../../../../contract/index.ts';
import { emit, type Run } from './engine.types.ts';

type AlarmExtra = Pick<AlarmChangeEvent, 'level' | 'fromPriority' | 'assignee' | 'step' | 'done'>;

/**
 * Record a change to `alarm`. The event holds a shallow copy: nested values (shelf, resolution,
 * sop) are replaced, never mutated, so the copy stays true to the moment.
 */
export function alarmChanged(run: Run, kind: AlarmEventKind, alarm: Alarm, actor: string = SYSTEM_ACTOR, note: string | null = null, extra?: AlarmExtra): void {
  alarm.updatedAt = run.now;
  emit(run, {
    subject: 'alarm',
    kind,
    at: run.now,
    actor,
    note,
    drill: alarm.drill,
    alarmId: alarm.id,
    alarm: { ...alarm },
    ...extra,
  });
}

export function incidentChanged(
  run: Run,
  kind: IncidentEventKind,
  incident: Incident,
  actor: string = SYSTEM_ACTOR,
  note: string | null = null,
  assignee?: string,
): void {
  incident.updatedAt = run.now;
  emit(run, {
    subject: 'incident',
    kind,
    at: run.now,
    actor,
    note,
    drill: incident.drill,
    incidentId: incident.id,
    incident: { ...incident, alarmIds: [...incident.alarmIds] },
    ...(assignee === undefined ? {} : { assignee }),
  });
}

export function sensorChanged(
  run: Run,
  kind: SensorEventKind,
  sensor: { sensorId: string; siteId: string; drill: string | null },
  actor: string,
  note: string | null,
  outOfService: OutOfService | null,
): void {
  emit(run, { subject: 'sensor', kind, at: run.now, actor, note, drill: sensor.drill, sensorId: sensor.sensorId, siteId: sensor.siteId, outOfService });
}
