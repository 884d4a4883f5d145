/**
 * Shelving (ISA-18.2 §"shelving"): an operator temporarily suppresses an alarm, for a limited time
 * (role-limited maximum, default 8 h) and with a reason. The shelf belongs to the alarm point, so
 * a chattering alarm that closes and re-opens stays shelved. At expiry it is unshelved
 * automatically and an alarm that is still active reappears.
 */
import { SYSTEM_ACTOR, type Alarm } from '../../../../contract/index.ts';
import { armEscalation } from './escalation.ts';
import { alarmChanged, type Note } from './events.ts';
import { openAlarmOf, pointOf } from './lifecycle.ts';
import { wakeAt, type PointState, type Run, type SensorRuleState } from './engine.types.ts';

/** Shelve an open alarm (callers check duration and reason). */
export function shelve(run: Run, alarm: Alarm, durationS: number, reason: string, actor: string): void {
  const shelf = { at: run.now, until: run.now + durationS * 1000, by: actor, reason };
  alarm.shelved = shelf;
  alarm.escalationDueAt = null;
  const at = pointOf(run.state, alarm);
  if (at !== undefined) {
    at.p.shelf = shelf;
    wakeAt(at.rs, shelf.until);
  }
  alarmChanged(run, 'shelved', alarm, actor, reason);
}

/** Unshelve by hand (the alarm's point too). */
export function unshelve(run: Run, alarm: Alarm, actor: string, note: string | null): void {
  const at = pointOf(run.state, alarm);
  if (at !== undefined) at.p.shelf = null;
  release(run, alarm, actor, note);
}

function release(run: Run, alarm: Alarm, actor: string, note: Note): void {
  alarm.shelved = null;
  // The alarm reappears: if still unacknowledged the officer gets the full limit again.
  armEscalation(run, alarm);
  alarmChanged(run, 'unshelved', alarm, actor, note);
}

/** Tick: unshelve points whose shelf has expired; re-arm the wake-up for the others. */
export function expireShelf(run: Run, rs: SensorRuleState, p: PointState): void {
  const shelf = p.shelf;
  if (shelf === null) return;
  if (run.now < shelf.until) {
    wakeAt(rs, shelf.until);
    return;
  }
  p.shelf = null;
  const alarm = openAlarmOf(run.state, p);
  if (alarm === undefined || alarm.shelved === null) return;
  const still = alarm.state === 'active_unacked' || alarm.state === 'active_acked';
  release(run, alarm, SYSTEM_ACTOR, { key: still ? 'shelf_expired_active' : 'shelf_expired', params: {} });
}
