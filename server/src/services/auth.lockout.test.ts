import { describe, expect, it } from 'vitest';
import { DEFAULT_LOCKOUT, UNLOCKED, afterFailure, isLocked, type LockoutState } from './auth.lockout.ts';

const MIN = 60_000;

function fail(times: number, start: LockoutState, t0: number, everyMs: number): { state: LockoutState; lockedAt: number | null } {
  let state = start;
  let lockedAt: number | null = null;
  for (let i = 0; i < times; i++) {
    const r = afterFailure(state, t0 + i * everyMs);
    state = r.state;
    if (r.locked) lockedAt = t0 + i * everyMs;
  }
  return { state, lockedAt };
}

describe('account lockout (lockout after repeated failures, 5 failures → 15 min)', () => {
  it('locks on the fifth consecutive failure, for 15 minutes exactly', () => {
    const t0 = 1_000_000;
    const four = fail(4, UNLOCKED, t0, 1000);
    expect(four.lockedAt).toBeNull();
    expect(isLocked(four.state, t0 + 4000)).toBe(false);
    const r = afterFailure(four.state, t0 + 4000);
    expect(r.locked).toBe(true);
    expect(r.state.lockedUntil).toBe(t0 + 4000 + 15 * MIN);
    expect(isLocked(r.state, t0 + 4000 + 15 * MIN - 1)).toBe(true);
    expect(isLocked(r.state, t0 + 4000 + 15 * MIN)).toBe(false);
  });

  it('forgets failures spread wider than the window: the odd typo never adds up', () => {
    const { state, lockedAt } = fail(10, UNLOCKED, 0, DEFAULT_LOCKOUT.windowMs + 1);
    expect(lockedAt).toBeNull();
    expect(state.failedLogins).toBe(1);
  });

  it('starts counting afresh after a lockout has run out', () => {
    const locked = fail(5, UNLOCKED, 0, 1000).state;
    const after = afterFailure(locked, locked.lockedUntil! + 1);
    expect(after.locked).toBe(false);
    expect(after.state.failedLogins).toBe(1);
  });

  it('honours another policy', () => {
    const policy = { maxFailures: 3, windowMs: MIN, lockMs: 5 * MIN };
    let s: LockoutState = UNLOCKED;
    s = afterFailure(s, 0, policy).state;
    s = afterFailure(s, 1, policy).state;
    const r = afterFailure(s, 2, policy);
    expect(r.locked).toBe(true);
    expect(r.state.lockedUntil).toBe(2 + 5 * MIN);
  });
});
