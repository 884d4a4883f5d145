// The corrective-action state machine (who may make which move from which status) and the
// escalation schedule of an overdue action: the owner works it, a manager other than the fixer
// verifies or sends it back, only verified closes; overdue steps go owner → managers → admins.
import { describe, expect, it } from 'vitest';
import type { ActionStatus } from '../../../../contract/index.ts';
import {
  DEFAULT_ACTION_ESCALATION,
  dueEscalations,
  escalationPlan,
  judgeMove,
  movesFor,
  nextEscalation,
  parseActionEscalation,
  type ActionFacts,
} from './action.rules.ts';

const owner = { username: 'li.na', role: 'officer' as const };
const otherOfficer = { username: 'zhao.min', role: 'officer' as const };
const manager = { username: 'wang.lei', role: 'manager' as const };
const admin = { username: 'root', role: 'admin' as const };
const facts = (status: ActionStatus, fixedBy: string | null = null): ActionFacts => ({ status, owner: owner.username, fixedBy });

describe('who may move a corrective action', () => {
  it('the owner starts and fixes; from open straight to fixed too', () => {
    expect(judgeMove(facts('open'), 'start', owner)).toEqual({ ok: true, status: 'in_progress' });
    expect(judgeMove(facts('in_progress'), 'fix', owner)).toEqual({ ok: true, status: 'fixed' });
    expect(judgeMove(facts('open'), 'fix', owner)).toEqual({ ok: true, status: 'fixed' });
  });

  it('nobody but the owner starts or fixes it, not even a manager', () => {
    for (const who of [otherOfficer, manager, admin]) {
      expect(judgeMove(facts('open'), 'start', who)).toMatchObject({ ok: false, code: 'FORBIDDEN' });
      expect(judgeMove(facts('in_progress'), 'fix', who)).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    }
  });

  it('a manager (or admin) verifies a fix or sends it back to in progress; an officer may do neither', () => {
    expect(judgeMove(facts('fixed', owner.username), 'verify', manager)).toEqual({ ok: true, status: 'verified' });
    expect(judgeMove(facts('fixed', owner.username), 'verify', admin)).toEqual({ ok: true, status: 'verified' });
    expect(judgeMove(facts('fixed', owner.username), 'reject', manager)).toEqual({ ok: true, status: 'in_progress' });
    expect(judgeMove(facts('fixed', owner.username), 'verify', owner)).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(judgeMove(facts('fixed', owner.username), 'reject', otherOfficer)).toMatchObject({ ok: false, code: 'FORBIDDEN' });
  });

  it('a manager who fixed it does not verify their own fix (four eyes)', () => {
    const ownFix = { status: 'fixed' as const, owner: manager.username, fixedBy: manager.username };
    expect(judgeMove(ownFix, 'verify', manager)).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(judgeMove(ownFix, 'verify', admin)).toEqual({ ok: true, status: 'verified' });
  });

  it('moves out of order are invalid transitions; a verified action is closed to every move', () => {
    expect(judgeMove(facts('in_progress'), 'start', owner)).toMatchObject({ ok: false, code: 'INVALID_TRANSITION' });
    expect(judgeMove(facts('in_progress'), 'verify', manager)).toMatchObject({ ok: false, code: 'INVALID_TRANSITION' });
    expect(judgeMove(facts('open'), 'reject', manager)).toMatchObject({ ok: false, code: 'INVALID_TRANSITION' });
    expect(judgeMove(facts('fixed', owner.username), 'fix', owner)).toMatchObject({ ok: false, code: 'INVALID_TRANSITION' });
    for (const who of [owner, manager, admin]) expect(movesFor(facts('verified', owner.username), who)).toEqual([]);
  });

  it('offers each person exactly the moves they may make now', () => {
    expect(movesFor(facts('open'), owner)).toEqual(['start', 'fix']);
    expect(movesFor(facts('open'), manager)).toEqual([]);
    expect(movesFor(facts('fixed', owner.username), manager)).toEqual(['verify', 'reject']);
    expect(movesFor(facts('fixed', owner.username), owner)).toEqual([]);
  });
});

describe('escalation schedule of an overdue action', () => {
  const due = Date.UTC(2026, 11, 1, 9, 0, 0);
  const H = 3600_000;

  it('by default: the owner at the due date, the managers a day later, the admins three days after it', () => {
    expect(escalationPlan(due, DEFAULT_ACTION_ESCALATION)).toEqual([
      { level: 1, to: 'owner', at: due },
      { level: 2, to: 'manager', at: due + 24 * H },
      { level: 3, to: 'admin', at: due + 72 * H },
    ]);
  });

  it('a step left out keeps the others their numbers, and a later step is never planned before an earlier one', () => {
    const plan = escalationPlan(due, { owner: 3600, manager: null, admin: 60 });
    expect(plan).toEqual([
      { level: 1, to: 'owner', at: due + H },
      { level: 3, to: 'admin', at: due + H },
    ]);
  });

  it('the next step is the first not yet taken; none once fixed or verified', () => {
    const a = { status: 'open' as const, dueAt: due, escalationLevel: 1 };
    expect(nextEscalation(a, DEFAULT_ACTION_ESCALATION)).toEqual({ level: 2, to: 'manager', at: due + 24 * H });
    expect(nextEscalation({ ...a, escalationLevel: 3 }, DEFAULT_ACTION_ESCALATION)).toBeNull();
    expect(nextEscalation({ ...a, status: 'fixed' }, DEFAULT_ACTION_ESCALATION)).toBeNull();
    expect(nextEscalation({ ...a, status: 'verified' }, DEFAULT_ACTION_ESCALATION)).toBeNull();
  });

  it('after a long stop, every step that fell due is taken, in order, and none twice', () => {
    const a = { status: 'in_progress' as const, dueAt: due, escalationLevel: 1 };
    expect(dueEscalations(a, DEFAULT_ACTION_ESCALATION, due + 80 * H).map((s) => s.to)).toEqual(['manager', 'admin']);
    expect(dueEscalations(a, DEFAULT_ACTION_ESCALATION, due + 23 * H)).toEqual([]);
    expect(dueEscalations({ ...a, status: 'fixed' }, DEFAULT_ACTION_ESCALATION, due + 80 * H)).toEqual([]);
  });

  it('ACTION_ESCALATION_S: seconds after the due date per step, off to skip; anything else is refused by name', () => {
    expect(parseActionEscalation('owner=0,manager=2,admin=off')).toEqual({ owner: 0, manager: 2, admin: null });
    expect(parseActionEscalation('manager=60')).toEqual({ ...DEFAULT_ACTION_ESCALATION, manager: 60 });
    expect(() => parseActionEscalation('boss=5')).toThrow('"boss=5" must be');
    expect(() => parseActionEscalation('owner=-1')).toThrow('"owner=-1"');
  });
});
