/**
 * Account lockout after repeated failed logins: rate-limited per user, with a lockout an admin
 * can lift. Pure: the caller passes the time.
 *
 * Five consecutive failures lock the account for 15 minutes (OWASP Authentication Cheat Sheet:
 * lock after a small number of failures, for a period rather than for ever, so that an attacker
 * cannot keep a duty officer out of the console indefinitely). Failures older than the window
 * are forgotten, so the odd typo spread over weeks never adds up to a lockout.
 */
export interface LockoutPolicy {
  maxFailures: number;
  /** Failures further apart than this start counting again. */
  windowMs: number;
  lockMs: number;
}

export const DEFAULT_LOCKOUT: LockoutPolicy = { maxFailures: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };

export interface LockoutState {
  failedLogins: number;
  lastFailedAt: number | null;
  lockedUntil: number | null;
}

export const UNLOCKED: LockoutState = { failedLogins: 0, lastFailedAt: null, lockedUntil: null };

export function isLocked(s: LockoutState, now: number): boolean {
  return s.lockedUntil !== null && now < s.lockedUntil;
}

/** The state after one more failed login; `locked` is true when this failure locked the account. */
export function afterFailure(s: LockoutState, now: number, policy: LockoutPolicy = DEFAULT_LOCKOUT): { state: LockoutState; locked: boolean } {
  const recent = s.lastFailedAt !== null && now - s.lastFailedAt <= policy.windowMs && !(s.lockedUntil !== null && now >= s.lockedUntil);
  const failedLogins = (recent ? s.failedLogins : 0) + 1;
  if (failedLogins >= policy.maxFailures) {
    return { state: { failedLogins, lastFailedAt: now, lockedUntil: now + policy.lockMs }, locked: true };
  }
  return { state: { failedLogins, lastFailedAt: now, lockedUntil: null }, locked: false };
}
