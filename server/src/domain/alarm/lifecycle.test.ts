// The ISA-18.2 lifecycle as docs/contracts.md#alarm-model describes it.
import { describe, expect, it } from 'vitest';
import { Harness, S, T0, kinds, makeSensor } from '../../../../test/support/alarm.fixtures.ts';

const GAS = 'GAS-01';
const raiseLow = (h: Harness, at = 0): string => {
  h.at(at).reading(GAS, 12);
  h.at(at + 2 * S).reading(GAS, 12);
  return h.only(GAS, 'gas').id;
};

describe('ISA-18.2 alarm states', () => {
  it('goes to cleared_unacked when the condition returns before anyone acknowledged', () => {
    // ISA-18.2: rtn_unacked
    const h = new Harness();
    const id = raiseLow(h);
    h.at(10 * S).reading(GAS, 3);
    expect(h.state.alarms.get(id)).toMatchObject({ state: 'cleared_unacked', conditionActive: false, clearedAt: h.now, closedAt: null });
    expect(kinds(h.at(20 * S).act(id, { type: 'ack', note: 'seen, kitchen ventilated' }))).toEqual(['acked:gas']);
    expect(h.state.alarms.get(id)).toMatchObject({ state: 'cleared', ackedBy: 'officer.li', closedAt: h.now });
  });

  it('acknowledged then normal → cleared (closed)', () => {
    // ISA-18.2: active_acked → normal
    const h = new Harness();
    const id = raiseLow(h);
    h.at(5 * S).act(id, { type: 'ack' });
    expect(h.state.alarms.get(id)?.state).toBe('active_acked');
    expect(kinds(h.at(10 * S).reading(GAS, 2))).toEqual(['cleared:gas']);
    expect(h.state.alarms.get(id)?.state).toBe('cleared');
  });

  it('re-activates a cleared_unacked alarm instead of opening a second one', () => {
    // ISA-18.2: rtn_unacked → active_unacked on return of the condition; one open alarm per sensor+condition.
    const h = new Harness();
    const id = raiseLow(h);
    h.at(40 * S).reading(GAS, 3);
    h.at(80 * S).reading(GAS, 12); // slower than chattering (3 transitions within 60 s)
    expect(kinds(h.at(82 * S).reading(GAS, 12))).toEqual(['reactivated:gas']);
    expect(h.alarmsOf(GAS, 'gas')).toHaveLength(1);
    expect(h.state.alarms.get(id)).toMatchObject({ state: 'active_unacked', conditionActive: true, activatedAt: h.now, raisedAt: T0 + 2 * S });
  });

  it('opens a new alarm once the previous one is closed', () => {
    const h = new Harness();
    const first = raiseLow(h);
    h.at(5 * S).act(first, { type: 'ack' });
    h.at(10 * S).reading(GAS, 2);
    h.at(100 * S).reading(GAS, 12);
    h.at(102 * S).reading(GAS, 12);
    const all = h.alarmsOf(GAS, 'gas');
    expect(all.map((a) => a.state)).toEqual(['cleared', 'active_unacked']);
    expect(all[1]?.id).not.toBe(first);
  });

  it('refuses a second acknowledgement and unknown alarms', () => {
    const h = new Harness();
    const id = raiseLow(h);
    h.act(id, { type: 'ack' });
    expect(h.refuse(id, { type: 'ack' })).toBe('INVALID_TRANSITION');
    expect(h.refuse('al_nope', { type: 'ack' })).toBe('NOT_FOUND');
  });

  it('refuses reset of a non-latching alarm', () => {
    const h = new Harness();
    const id = raiseLow(h);
    h.act(id, { type: 'ack' });
    expect(h.refuse(id, { type: 'reset' })).toBe('INVALID_TRANSITION');
  });

  it('carries the SOP steps for its type from the facility, else the default', () => {
    // Each alarm carries the SOP for its type from config.
    const h = new Harness({ sensors: [makeSensor('gas'), makeSensor('door', { id: 'DOOR-01' })] });
    const id = raiseLow(h);
    expect(h.state.alarms.get(id)).toMatchObject({ sopKey: 'gas_leak', sop: ['Evacuate the zone', 'Shut the gas valve', 'Call the gas company'] });
    h.event('DOOR-01', 'tamper');
    expect(h.only('DOOR-01', 'tamper')).toMatchObject({ sopKey: 'default', sop: ['Investigate and record'] });
  });
});

describe('officer actions are recorded with who and when', () => {
  it('records comments and assignment', () => {
    // Each action records who and when: the audit trail is the record.
    const h = new Harness();
    const id = raiseLow(h);
    const [comment] = h.at(3 * S).act(id, { type: 'comment', text: ' valve closed by kitchen staff ' }, 'officer.wang');
    expect(comment).toMatchObject({ kind: 'commented', actor: 'officer.wang', note: 'valve closed by kitchen staff', at: h.now });
    const [assign] = h.at(4 * S).act(id, { type: 'assign', to: 'tech.zhao' });
    expect(assign).toMatchObject({ kind: 'assigned', assignee: 'tech.zhao', actor: 'officer.li' });
    expect(h.state.alarms.get(id)?.assignedTo).toBe('tech.zhao');
  });

  it('resolves with cause and corrective action, completing acknowledgement and reset', () => {
    // Resolve closes the loop — the record says what happened and what was done.
    const h = new Harness();
    h.at(0).reading(GAS, 25);
    const id = h.only(GAS, 'gas').id;
    const resolve = {
      type: 'resolve',
      causeCategory: 'equipment_fault',
      cause: 'hose clamp loose',
      correctiveAction: 'clamp replaced, line leak-tested',
    } as const;
    expect(h.refuse(id, resolve)).toBe('CONDITION_ACTIVE');
    h.at(60 * S).reading(GAS, 0);
    expect(h.refuse(id, { type: 'resolve', causeCategory: 'other', cause: ' ', correctiveAction: 'x' })).toBe('REASON_REQUIRED');
    expect(kinds(h.at(90 * S).act(id, resolve, 'officer.wang'))).toEqual(['acked:gas', 'reset:gas', 'resolved:gas']);
    expect(h.state.alarms.get(id)).toMatchObject({
      state: 'cleared',
      ackedBy: 'officer.wang',
      resetBy: 'officer.wang',
      resolution: {
        causeCategory: 'equipment_fault',
        cause: 'hose clamp loose',
        correctiveAction: 'clamp replaced, line leak-tested',
        by: 'officer.wang',
        at: h.now,
      },
    });
    expect(h.refuse(id, resolve)).toBe('INVALID_TRANSITION');
  });

  it('records each procedure step ticked, with who, when and the step, as an event in the history', () => {
    // The alarm's history must show when each step of the procedure was done and by whom.
    const h = new Harness();
    h.at(0).reading(GAS, 25);
    const alarm = h.only(GAS, 'gas');
    const steps = alarm.sop;
    expect(steps.length).toBeGreaterThan(1);
    const ticked = h.at(42 * S).act(alarm.id, { type: 'sop_step', step: 1, done: true }, 'officer.wang');
    expect(ticked).toEqual([
      expect.objectContaining({ kind: 'sop_step', actor: 'officer.wang', at: h.now, step: 1, done: true, note: `2. ${steps[1] ?? ''}` }),
    ]);
    const unticked = h.at(50 * S).act(alarm.id, { type: 'sop_step', step: 1, done: false }, 'officer.wang');
    expect(unticked).toEqual([expect.objectContaining({ kind: 'sop_step', at: h.now, step: 1, done: false })]);
    // The state is untouched: a tick neither acknowledges nor closes anything.
    expect(h.state.alarms.get(alarm.id)?.state).toBe('active_unacked');
    expect(h.refuse(alarm.id, { type: 'sop_step', step: steps.length, done: true })).toBe('NOT_FOUND');
  });

  it('leaves the state untouched when an action is refused', () => {
    const h = new Harness();
    const id = raiseLow(h);
    const before = structuredClone(h.state.alarms.get(id));
    expect(h.refuse(id, { type: 'shelve', durationS: 10 * 3600, reason: 'noisy' })).toBe('SHELVE_TOO_LONG');
    expect(h.state.alarms.get(id)).toEqual(before);
  });
});
