/**
 * "Follow alarms": when a new alarm of the highest priority present arrives, or an open alarm
 * rises to that priority (a smoke pre-alarm that becomes fire upgrades the same alarm), the plan
 * goes to it, unless the officer is busy with the console (then a prompt offers to go). Pure: the hook
 * (hooks/useFollowAlarms.ts) feeds it the live alarms, the time and the last interaction.
 */
import type { Alarm } from '../../../contract/alarm.ts';
import { PRIORITY_RANK, type Priority } from '../../../contract/alarm-constants.ts';

/** The officer touched the console this recently: the plan stays where they put it. */
export const INTERACTION_QUIET_MS = 30_000;

/** An alarm that still calls for the officer: open, neither shelved nor out of service. */
function calling(alarm: Alarm): boolean {
  return alarm.state !== 'cleared' && alarm.shelved === null && !alarm.outOfService;
}

/** What the follower saw last time: each alarm id with the priority it had then. */
export type KnownAlarms = ReadonlyMap<string, Priority>;

export function knownAlarms(alarms: Iterable<Alarm>): KnownAlarms {
  const known = new Map<string, Priority>();
  for (const alarm of alarms) known.set(alarm.id, alarm.priority);
  return known;
}

/** New since `known`, or risen in priority since then: to the officer, a more urgent alarm is news. */
function isNews(known: KnownAlarms, alarm: Alarm): boolean {
  const before = known.get(alarm.id);
  return before === undefined || PRIORITY_RANK[alarm.priority] < PRIORITY_RANK[before];
}

/**
 * The alarm to follow among those that appeared or rose in priority since `known`, or null: the
 * newest such alarm whose priority is the highest of every alarm calling for the officer, and
 * whose sensor is on a plan (`placed`). An alarm below the worst one present never moves the
 * plan away from the worst.
 */
export function alarmToFollow(known: KnownAlarms, alarms: Iterable<Alarm>, placed: (sensorId: string) => boolean): Alarm | null {
  let best = Number.POSITIVE_INFINITY;
  const fresh: Alarm[] = [];
  for (const alarm of alarms) {
    if (!calling(alarm)) continue;
    best = Math.min(best, PRIORITY_RANK[alarm.priority]);
    if (isNews(known, alarm)) fresh.push(alarm);
  }
  let pick: Alarm | null = null;
  for (const alarm of fresh) {
    if (PRIORITY_RANK[alarm.priority] !== best || !placed(alarm.sensorId)) continue;
    if (pick === null || alarm.raisedAt >= pick.raisedAt) pick = alarm;
  }
  return pick;
}

export type FollowAction = 'go' | 'prompt' | 'none';

/** What to do with an alarm worth following: go there, offer to, or nothing when following is off. */
export function followAction(enabled: boolean, now: number, lastInteraction: number | null): FollowAction {
  if (!enabled) return 'none';
  return lastInteraction !== null && now - lastInteraction < INTERACTION_QUIET_MS ? 'prompt' : 'go';
}
