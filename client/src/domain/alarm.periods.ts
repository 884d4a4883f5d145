/** Alarm periods drawn on a sensor's chart, next to its thresholds. */
import type { Alarm, Priority } from '../../../contract/alarm.ts';

export interface AlarmPeriod {
  id: string;
  from: number;
  to: number;
  priority: Priority;
  drill: boolean;
  /** Still going on: the band runs to the chart's right edge. */
  open: boolean;
}

/**
 * The periods of a sensor's alarms that overlap [from, to], clipped to it: from the raise to the
 * condition's return to normal (or now, while it lasts). Alarms of other sensors are ignored, so
 * a list fetched by zone can be passed as it is.
 */
export function alarmPeriods(alarms: Iterable<Alarm>, sensorId: string, from: number, to: number, now: number): AlarmPeriod[] {
  const byId = new Map<string, AlarmPeriod>();
  for (const alarm of alarms) {
    if (alarm.sensorId !== sensorId) continue;
    const open = alarm.clearedAt === null && alarm.closedAt === null;
    const end = alarm.clearedAt ?? alarm.closedAt ?? now;
    if (end < from || alarm.raisedAt > to) continue;
    const period = { id: alarm.id, from: Math.max(from, alarm.raisedAt), to: Math.min(to, end), priority: alarm.priority, drill: alarm.drill !== null, open };
    const known = byId.get(alarm.id);
    // The same alarm may come from the live store and from the server: keep the newer picture.
    if (!known || (known.open && !open)) byId.set(alarm.id, period);
  }
  return [...byId.values()].sort((a, b) => a.from - b.from);
}
