/**
 * The duty officer's queue: which alarms it shows and in which order.
 *
 * Order: unacknowledged first, then priority, then time — newest first within a
 * group, so a new alarm lands at the top of its group where the eye already is; older ones are
 * not lost, they carry their elapsed time and escalation level. Alarms that flood grouping put
 * into an incident (docs/contracts.md#escalation-floods-chattering) are shown as one expandable row per incident.
 */
import type { Alarm, Incident, Priority } from '../../../contract/alarm.ts';

// The contract's PRIORITY_RANK lives in a module that also builds zod schemas at load time;
// the client imports only types from it to keep zod out of the bundle.
const PRIORITY_RANK: Record<Priority, number> = { critical: 0, high: 1, medium: 2, low: 3 };

export function isUnacked(alarm: Alarm): boolean {
  return alarm.state === 'active_unacked' || alarm.state === 'cleared_unacked';
}

interface SortKey {
  unacked: boolean;
  priority: Priority;
  time: number;
  id: string;
}

function compareKeys(a: SortKey, b: SortKey): number {
  return Number(b.unacked) - Number(a.unacked) || PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] || b.time - a.time || a.id.localeCompare(b.id);
}

const alarmKey = (a: Alarm): SortKey => ({ unacked: isUnacked(a), priority: a.priority, time: a.raisedAt, id: a.id });

export function compareAlarms(a: Alarm, b: Alarm): number {
  return compareKeys(alarmKey(a), alarmKey(b));
}

export type QueueItem = { kind: 'alarm'; alarm: Alarm } | { kind: 'incident'; incident: Incident; alarms: Alarm[] };

function itemKey(item: QueueItem): SortKey {
  if (item.kind === 'alarm') return alarmKey(item.alarm);
  return {
    unacked: item.alarms.some(isUnacked),
    priority: item.incident.priority,
    time: item.incident.openedAt,
    id: item.incident.id,
  };
}

export interface AlarmQueue {
  /** Alarms and incidents that need or may need action, in display order. */
  items: QueueItem[];
  /** Silenced on purpose; listed apart so they are not forgotten. */
  shelved: Alarm[];
  outOfService: Alarm[];
  unackedCount: number;
}

export function buildQueue(alarms: Iterable<Alarm>, incidents: ReadonlyMap<string, Incident> = new Map()): AlarmQueue {
  const queue: AlarmQueue = { items: [], shelved: [], outOfService: [], unackedCount: 0 };
  const groups = new Map<string, Alarm[]>();
  for (const alarm of alarms) {
    if (alarm.state === 'cleared') continue;
    if (alarm.outOfService) {
      queue.outOfService.push(alarm);
      continue;
    }
    if (alarm.shelved) {
      queue.shelved.push(alarm);
      continue;
    }
    if (isUnacked(alarm)) queue.unackedCount += 1;
    const incident = alarm.incidentId ? incidents.get(alarm.incidentId) : undefined;
    if (incident) {
      const members = groups.get(incident.id);
      if (members) members.push(alarm);
      else groups.set(incident.id, [alarm]);
    } else {
      queue.items.push({ kind: 'alarm', alarm });
    }
  }
  for (const [id, members] of groups) {
    const incident = incidents.get(id);
    if (incident) queue.items.push({ kind: 'incident', incident, alarms: members.sort(compareAlarms) });
  }
  queue.items.sort((a, b) => compareKeys(itemKey(a), itemKey(b)));
  queue.shelved.sort(compareAlarms);
  queue.outOfService.sort(compareAlarms);
  return queue;
}
