import { describe, expect, it } from 'vitest';
import { can, type Role } from '../../../contract/auth.ts';
import { makeAlarm, T0 } from '../../../test/support/client.fixtures.ts';
import { availableActions, shelveChoices } from './alarm.actions.ts';

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
    expect(availableActions(makeAlarm({ id: 'a', resolution: { cause: 'c', correctiveAction: 'x', by: 'm', at: T0 } }), as('manager'))).not.toContain(
      'resolve',
    );
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
