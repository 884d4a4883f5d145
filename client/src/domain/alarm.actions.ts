/**
 * Which actions the detail pane offers for an alarm and a role. The server decides in the end
 * (contract/api.ts: 409 INVALID_TRANSITION / CONDITION_ACTIVE, 403 for the role); the pane only
 * hides what it would refuse, so an officer never meets a button that cannot work.
 */
import type { AlarmActionType } from '../../../contract/alarm-actions.ts';
import type { Alarm, AlarmEvent } from '../../../contract/alarm.ts';
import { ACTION_PERMISSION, MAX_SHELVE_S, type Permission, type Role } from '../../../contract/roles.ts';
import { isUnacked } from './alarm.queue.ts';

/** The order buttons appear in: the urgent one first. */
export const ACTION_ORDER: readonly AlarmActionType[] = ['ack', 'reset', 'comment', 'assign', 'shelve', 'unshelve', 'resolve'];

/** Whether the alarm's state allows the action at all (ISA-18.2 lifecycle, docs/contracts.md#alarm-model). */
function allowedByState(alarm: Alarm, action: AlarmActionType): boolean {
  const open = alarm.state !== 'cleared';
  switch (action) {
    case 'ack':
      return isUnacked(alarm);
    case 'comment':
      return true;
    case 'assign':
      return open;
    case 'shelve':
      return open && !alarm.shelved && !alarm.outOfService;
    case 'unshelve':
      return alarm.shelved !== null;
    case 'reset':
      // A latched alarm stays until acknowledged AND reset, and only once its condition is gone.
      return alarm.latching && open && !isUnacked(alarm) && !alarm.conditionActive;
    case 'resolve':
      return alarm.resolution === null;
    case 'sop_step':
      // Steps are ticked in the procedure itself, never from the button row; a procedure may be
      // completed after the alarm closed (checks after a real event).
      return false;
  }
}

export function availableActions(alarm: Alarm, can: (permission: Permission) => boolean): AlarmActionType[] {
  return ACTION_ORDER.filter((action) => can(ACTION_PERMISSION[action]) && allowedByState(alarm, action));
}

/** Shelve durations offered, in seconds (ISA-18.2: shelving is always temporary). */
export const SHELVE_CHOICES_S: readonly number[] = [5 * 60, 15 * 60, 30 * 60, 3600, 2 * 3600, 4 * 3600, 8 * 3600];

/** The choices a role may use: officer up to 1 h, manager up to 8 h (MAX_SHELVE_S). */
export function shelveChoices(role: Role): number[] {
  return SHELVE_CHOICES_S.filter((s) => s <= MAX_SHELVE_S[role]);
}

export interface StepTick {
  at: number;
  by: string;
}

/**
 * Which procedure steps are ticked, from the alarm's history: the last `sop_step` event of each
 * step decides (an untick clears it). The history is the record, so no tick lives anywhere else.
 */
export function sopTicks(history: readonly AlarmEvent[]): Map<number, StepTick> {
  const ticks = new Map<number, StepTick>();
  for (const e of history) {
    if (e.subject !== 'alarm' || e.kind !== 'sop_step' || e.step === undefined) continue;
    if (e.done) ticks.set(e.step, { at: e.at, by: e.actor });
    else ticks.delete(e.step);
  }
  return ticks;
}
