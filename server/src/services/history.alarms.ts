/** Alarm lifecycle events into history, as `alarm_event` points next to the readings they concern. */
import type { AlarmEvent } from '../../../contract/index.ts';
import type { AlarmEventPoint, HistoryQueue } from './history.ports.ts';

/** The point an alarm event leaves in history; incident and sensor events leave none. */
export function alarmEventPoint(e: AlarmEvent): AlarmEventPoint | null {
  if (e.subject !== 'alarm') return null;
  const { id, state, condition, priority, sensorKind, sensorId, siteId, zoneId, drill } = e.alarm;
  return {
    type: 'alarm_event',
    at: e.at,
    seq: e.seq,
    kind: e.kind,
    actor: e.actor,
    alarm: { id, state, condition, priority, sensorKind, sensorId, siteId, zoneId, drill },
  };
}

export class AlarmHistory {
  constructor(private readonly queue: HistoryQueue) {}

  /** Every committed alarm event; nobody waits for it to be durable. */
  record(event: AlarmEvent): void {
    const point = alarmEventPoint(event);
    if (point) this.queue.add(point, event.at, event.at);
  }
}
