/**
 * Chattering (ISA-18.2 / EEMUA 191: an alarm that repeatedly goes in and out of alarm): ≥ 3
 * active/clear transitions of one point within 60 s mark its alarm, and the officer is offered
 * shelving. New alarms of the point stay marked while the point keeps chattering.
 */
import { alarmChanged } from './events.ts';
import { recordBurst, type PointState, type Run } from './engine.types.ts';

/** Record a transition of `p` (just made) and mark its open alarm when it chatters. */
export function noteTransition(run: Run, p: PointState): void {
  const { chatterTransitions, chatterWindowS } = run.ctx.settings;
  if (!recordBurst(p.transitions, run.now, chatterTransitions, chatterWindowS * 1000)) return;
  p.chatteringUntil = run.now + chatterWindowS * 1000;
  const alarm = p.alarmId === null ? undefined : run.state.alarms.get(p.alarmId);
  if (alarm === undefined || alarm.chattering) return;
  alarm.chattering = true;
  alarmChanged(run, 'chattering', alarm, undefined, { key: 'chattering', params: { transitions: p.transitions.length, windowS: chatterWindowS } });
}
