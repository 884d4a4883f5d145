import { describe, expect, it } from 'vitest';
import { can, type Role } from '../../../contract/auth.ts';
import { makeAlarm, T0 } from '../../../test/support/client.fixtures.ts';
import type { AlarmEvent } from '../../../contract/alarm.ts';
import { availableActions, shelveChoices, sopTicks } from './alarm.actions.ts';

const as = (role: Role) => (p: Parameters<typeof can>[1]) => can(role, p);

describe('shelve durations per role (officer ≤ 1 h, manager ≤ 8 h)', () => {
  it('offers an officer nothing longer than one hour', () => {
    expect(shelveChoices('officer')).toEqual([300, 900, 1800, 3600]);
  });
  it('offers a manager and an admin up to eight hours', () => {
    expect(Math.max(...shelveChoices('manager'))).toBe(8 * 3600);
    expect(shelveChoices('admin')).toEqual(shelveChoices('manager'));
    expect(shelveChoices('manager').length).toBeGreaterThan(shelveChoices('officer').length);
  });
});

describe('actions offered in the detail pane', () => {
  it('offers acknowledge first on an unacknowledged alarm, and never resolve to an officer', () => {
    const actions = availableActions(makeAlarm({ id: 'a' }), as('officer'));
    expect(actions[0]).toBe('ack');
    expect(actions).toEqual(['ack', 'comment', 'assign', 'shelve']);
  });
  it('lets a manager resolve with cause and corrective action', () => {
    expect(availableActions(makeAlarm({ id: 'a' }), as('manager'))).toContain('resolve');
    expect(
      availableActions(makeAlarm({ id: 'a', resolution: { causeCategory: 'other', cause: 'c', correctiveAction: 'x', by: 'm', at: T0 } }), as('manager')),
    ).not.toContain('resolve');
  });
  it('offers reset only on an acknowledged latched alarm whose condition is gone (ISA-18.2 latching)', () => {
    const latched = makeAlarm({ id: 'a', state: 'active_acked', latching: true, conditionActive: false, ackedAt: T0, ackedBy: 'li' });
    expect(availableActions(latched, as('officer'))).toContain('reset');
    expect(availableActions({ ...latched, conditionActive: true }, as('officer'))).not.toContain('reset');
    expect(availableActions({ ...latched, state: 'active_unacked' }, as('officer'))).not.toContain('reset');
    expect(availableActions({ ...latched, latching: false }, as('officer'))).not.toContain('reset');
  });
  it('offers unshelve instead of shelve on a shelved alarm', () => {
    const shelved = makeAlarm({ id: 'a', shelved: { at: T0, until: T0 + 3_600_000, by: 'li', reason: 'cleaning' } });
    const actions = availableActions(shelved, as('officer'));
    expect(actions).toContain('unshelve');
    expect(actions).not.toContain('shelve');
  });
  it('keeps only comment and resolve on a closed alarm', () => {
    expect(availableActions(makeAlarm({ id: 'a', state: 'cleared', closedAt: T0 }), as('manager'))).toEqual(['comment', 'resolve']);
  });
});

describe('procedure ticks, read from the alarm history', () => {
  const alarm = makeAlarm({ id: 'a', sop: ['Close the valve', 'Ventilate', 'Call the technician'] });
  const tick = (seq: number, at: number, step: number, done: boolean, actor = 'officer.li'): AlarmEvent => ({
    subject: 'alarm',
    kind: 'sop_step',
    seq,
    at,
    actor,
    note: null,
    drill: null,
    alarmId: 'a',
    alarm,
    step,
    done,
  });
  it('shows a step done with the time and author of its last tick; an untick clears it', () => {
    const ticks = sopTicks([
      tick(1, T0 + 1000, 0, true),
      tick(2, T0 + 2000, 2, true, 'officer.wang'),
      tick(3, T0 + 3000, 0, false),
      tick(4, T0 + 4000, 2, true),
    ]);
    expect([...ticks.entries()]).toEqual([[2, { at: T0 + 4000, by: 'officer.li' }]]);
  });
  it('ignores other events of the history', () => {
    const comment: AlarmEvent = {
      subject: 'alarm',
      kind: 'commented',
      seq: 1,
      at: T0,
      actor: 'officer.li',
      note: 'valve shut',
      drill: null,
      alarmId: 'a',
      alarm,
    };
    expect(sopTicks([comment]).size).toBe(0);
  });
  it('never offers the tick as a button: steps are ticked in the procedure', () => {
    expect(availableActions(alarm, as('admin'))).not.toContain('sop_step');
  });
});
