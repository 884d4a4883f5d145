/** An escalation event for notification tests: a critical gas alarm escalated to level 1. */
import type { AlarmEvent } from '../../contract/index.ts';
import { FIXTURE_T0, makeAlarm } from './contract.fixtures.ts';

export function escalationEvent(overrides: { alarmId?: string; seq?: number; level?: number; drill?: string | null } = {}): AlarmEvent & { subject: 'alarm' } {
  const alarmId = overrides.alarmId ?? 'al_1';
  const level = overrides.level ?? 1;
  return {
    subject: 'alarm',
    kind: 'escalated',
    alarmId,
    alarm: makeAlarm({ id: alarmId, escalationLevel: level, message: 'Gas 23 %LEL ≥ high 20 at Kitchen gas detector', drill: overrides.drill ?? null }),
    level,
    actor: 'system',
    note: null,
    drill: overrides.drill ?? null,
    at: FIXTURE_T0 + 60_000,
    seq: overrides.seq ?? 9,
  };
}
