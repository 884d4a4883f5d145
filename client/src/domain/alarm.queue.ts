/**
 * The duty officer's queue: which alarms it shows and in which order.
 * Order (issue 5): unacknowledged first, then priority, then time — newest first within a
 * group, so a new alarm lands at the top of its group where the eye already is; old ones are
 * not lost, they carry their elapsed time and escalation level.
 */
import type { Alarm, AlarmPriority } from '../live/alarm.types.ts';

export const PRIORITIES = ['critical', 'high', 'medium', 'low'] as const satisfies readonly AlarmPriority[];

const PRIORITY_RANK: Record<AlarmPriority, number> = { critical: 0, high: 1, medium: 2, low: 3 };

export function isUnacked(alarm: Alarm): boolean {
  return alarm.state === 'active_unacked' || alarm.state === 'cleared_unacked';
}

export function compareAlarms(a: Alarm, b: Alarm): number {
  return (
    Number(isUnacked(b)) - Number(isUnacked(a)) ||
    PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] ||
    b.raisedAt - a.raisedAt ||
    a.id.localeCompare(b.id)
  );
}

export interface AlarmQueue {
  /** Alarms that need or may need action, in display order. */
  active: Alarm[];
  /** Silenced on purpose; listed apart so they are not forgotten. */
  shelved: Alarm[];
  outOfService: Alarm[];
  unackedCount: number;
}

export function buildQueue(alarms: Iterable<Alarm>, siteId?: string): AlarmQueue {
  const queue: AlarmQueue = { active: [], shelved: [], outOfService: [], unackedCount: 0 };
  for (const alarm of alarms) {
    if (siteId !== undefined && alarm.siteId !== siteId) continue;
    switch (alarm.state) {
      case 'active_unacked':
      case 'cleared_unacked':
        queue.unackedCount += 1;
        queue.active.push(alarm);
        break;
      case 'active_acked':
        queue.active.push(alarm);
        break;
      case 'shelved':
        queue.shelved.push(alarm);
        break;
      case 'out_of_service':
        queue.outOfService.push(alarm);
        break;
      case 'cleared':
        break;
    }
  }
  queue.active.sort(compareAlarms);
  queue.shelved.sort(compareAlarms);
  queue.outOfService.sort(compareAlarms);
  return queue;
}
