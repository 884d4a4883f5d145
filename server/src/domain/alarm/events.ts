/** Building the audit events the engine emits; each carries a copy of its subject after the change. */
import {
  SYSTEM_ACTOR,
  type Alarm,
  type AlarmChangeEvent,
  type AlarmEventKind,
  renderNote,
  type Incident,
  type IncidentEventKind,
  type NoteText,
  type OutOfService,
  type SensorEventKind,
} from '../../../../contract/index.ts';
import { emit, type Run } from './engine.types.ts';

type AlarmExtra = Pick<AlarmChangeEvent, 'level' | 'fromPriority' | 'assignee' | 'step' | 'done'>;

/**
 * A note is what a person typed (free text, kept as typed) or what the server writes (a key with
 * parameters): that one travels as `noteText` for screens to render in their language, and as
 * `note` in the facility's language for the audit trail, logs and CSV.
 */
export type Note = string | NoteText | null;

function noteFields(run: Run, note: Note): { note: string | null; noteText?: NoteText } {
  if (note === null || typeof note === 'string') return { note };
  return { note: renderNote(note, run.ctx.registry.facility.language ?? 'en') ?? note.key, noteText: note };
}

/**
 * Record a change to `alarm`. The event holds a shallow copy: nested values (shelf, resolution,
 * sop) are replaced, never mutated, so the copy stays true to the moment.
 */
export function alarmChanged(run: Run, kind: AlarmEventKind, alarm: Alarm, actor: string = SYSTEM_ACTOR, note: Note = null, extra?: AlarmExtra): void {
  alarm.updatedAt = run.now;
  emit(run, {
    subject: 'alarm',
    kind,
    at: run.now,
    actor,
    ...noteFields(run, note),
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
  note: Note = null,
  assignee?: string,
): void {
  incident.updatedAt = run.now;
  emit(run, {
    subject: 'incident',
    kind,
    at: run.now,
    actor,
    ...noteFields(run, note),
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
  note: Note,
  outOfService: OutOfService | null,
): void {
  emit(run, {
    subject: 'sensor',
    kind,
    at: run.now,
    actor,
    ...noteFields(run, note),
    drill: sensor.drill,
    sensorId: sensor.sensorId,
    siteId: sensor.siteId,
    outOfService,
  });
}
