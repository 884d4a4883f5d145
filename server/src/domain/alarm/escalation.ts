/**
 * Escalation: an alarm left unacknowledged past its priority's limit (defaults: critical 60 s,
 * high 5 min, medium 30 min, low never) escalates to level 1, then 2, … every limit again —
 * what is not handled in time goes to the next level up. Shelved and out-of-service alarms do not
 * escalate; a returned-to-normal but unacknowledged alarm (rtn_unacked) still does.
 */
import { SYSTEM_ACTOR, type Alarm } from '../../../../contract/index.ts';
import { alarmChanged } from './events.ts';
import type { Run } from './engine.types.ts';

function escalates(alarm: Alarm): boolean {
  return (alarm.state === 'active_unacked' || alarm.state === 'cleared_unacked') && alarm.shelved === null && !alarm.outOfService;
}

function limitMs(run: Run, alarm: Alarm): number | null {
  const s = run.ctx.settings.escalationS[alarm.priority];
  return s === null ? null : s * 1000;
}

/** Start the escalation clock from now (raise, unshelve, back in service). */
export function armEscalation(run: Run, alarm: Alarm): void {
  const limit = limitMs(run, alarm);
  alarm.escalationDueAt = limit === null || !escalates(alarm) ? null : run.now + limit;
}

/** A higher priority has a shorter limit: due no later than that limit from now. */
export function onPriorityRaised(run: Run, alarm: Alarm): void {
  const limit = limitMs(run, alarm);
  if (limit === null || !escalates(alarm)) return;
  const due = run.now + limit;
  if (alarm.escalationDueAt === null || due < alarm.escalationDueAt) alarm.escalationDueAt = due;
}

/**
 * Escalate if due. When the engine did not tick for several limits (a restart), the alarm jumps to
 * the level it should be at with one event, rather than a burst of stale ones.
 */
export function escalateIfDue(run: Run, alarm: Alarm): void {
  const due = alarm.escalationDueAt;
  if (due === null || run.now < due) return;
  const limit = limitMs(run, alarm);
  if (limit === null || !escalates(alarm)) {
    alarm.escalationDueAt = null;
    return;
  }
  const levels = Math.floor((run.now - due) / limit) + 1;
  alarm.escalationLevel += levels;
  alarm.escalationDueAt = due + levels * limit;
  const note = levels > 1 ? ({ key: 'escalated_overdue', params: { levels } } as const) : null;
  alarmChanged(run, 'escalated', alarm, SYSTEM_ACTOR, note, { level: alarm.escalationLevel });
}
