/**
 * Signing in and out, sessions, and password change.
 *
 * - Passwords: scrypt (auth.password.ts); an unknown username costs the same time as a wrong
 *   password, and fails and locks out the same way, so neither timing nor lockout tells an
 *   attacker which usernames exist.
 * - Sessions: a 256-bit random token in the cookie, only its SHA-256 stored; expiry after
 *   `idleMs` without a request; revocable (logout, admin, password change, disabled account).
 * - Brute force: a token bucket per client address, and the account lockout (auth.lockout.ts).
 * - Every login, failed login and lockout is appended to the audit trail.
 */
import type { SessionInfo, User } from '../../../contract/index.ts';
import type { AuditLog } from './audit.port.ts';
import { AuthError } from './auth.errors.ts';
import { DEFAULT_LOCKOUT, UNLOCKED, isLocked, type LockoutPolicy, type LockoutState } from './auth.lockout.ts';
import { DEFAULT_SCRYPT, dummyHash, hashPassword, needsRehash, verifyPassword, type ScryptParams } from './auth.password.ts';
import type { SessionRecord, SessionStore, SessionWithUser, UserRecord, UserStore } from './auth.ports.ts';
import type { RateLimiter } from './auth.rate-limit.ts';
import { newSecret, secretHash } from './auth.tokens.ts';
import type { Clock } from './clock.ts';

export interface AuthServiceOptions {
  /** Session expiry after this long without a request (SESSION_IDLE_MIN). */
  idleMs: number;
  lockout?: LockoutPolicy;
  hashParams?: ScryptParams;
  /** Login attempts per client address. */
  addressLimiter: RateLimiter;
  /** Told when sessions end early here (logout, password change), e.g. to close their live connections. */
  onSessionsEnded?: SessionsEndedListener;
}

/**
 * Told after sessions of `username` ended before their idle expiry (logout, revocation, password
 * change or reset, disabled account), once that is stored: whoever holds long-lived connections
 * on sessions (the Socket.IO hub) re-checks that user's with `sessionAlive`.
 */
export type SessionsEndedListener = (username: string) => void;

export interface ClientMeta {
  address: string;
  userAgent: string;
}

/** A signed-in request or socket: who, and through which session. */
export interface AuthenticatedSession {
  user: User;
  session: SessionRecord;
}

/** What `socketAuth` and `sessionMiddleware` need: a token in, a live session out. */
export interface SessionAuthenticator {
  authenticate(token: string): Promise<AuthenticatedSession | null>;
}

/** A session's last-seen time is written at most this often (not on every request). */
const TOUCH_EVERY_MS = 30_000;

export const publicUser = (u: UserRecord): User => ({ username: u.username, displayName: u.displayName, role: u.role, disabled: u.disabled });

/** Not revoked, not idle-expired at `now`, and its user enabled. */
const live = ({ session, user }: SessionWithUser, now: number): boolean => session.revokedAt === null && now < session.expiresAt && !user.disabled;

export class AuthService implements SessionAuthenticator {
  private readonly lockout: LockoutPolicy;
  private readonly hashParams: ScryptParams;
  private dummy: Promise<string> | null = null;
  /** Sessions whose last-seen time is being written now. */
  private readonly touching = new Set<number>();

  constructor(
    private readonly users: UserStore,
    private readonly sessions: SessionStore,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly options: AuthServiceOptions,
  ) {
    this.lockout = options.lockout ?? DEFAULT_LOCKOUT;
    this.hashParams = options.hashParams ?? DEFAULT_SCRYPT;
  }

  /** Checks the password and opens a session; throws AuthError with the reason otherwise. */
  async login(rawUsername: string, password: string, meta: ClientMeta): Promise<{ token: string; info: SessionInfo }> {
    const username = rawUsername.trim().toLowerCase();
    if (!this.options.addressLimiter.take(meta.address)) {
      throw new AuthError('RATE_LIMITED', 'too many login attempts from this address; try again later', {
        retryAfterS: this.options.addressLimiter.retryAfterS(meta.address),
      });
    }
    const now = this.clock.now();
    const user = await this.users.get(username);
    const state: LockoutState = user ?? (await this.users.unknownFailures(username)) ?? UNLOCKED;
    if (isLocked(state, now)) {
      await this.failed(username, meta, 'locked');
      throw this.lockedError(state.lockedUntil!);
    }
    const ok = await verifyPassword(password, user?.passwordHash ?? (await this.dummyHash()));
    // The await above lets other logins run: judge the failure on the state as it is now.
    const fresh = await this.users.get(username);
    if (!fresh || !ok) return this.registerFailure(username, fresh !== undefined, meta, fresh ? 'wrong_password' : 'unknown_user');
    const at = this.clock.now();
    const token = newSecret();
    // Judged again in the transaction that makes the session: a disable or a lockout committed
    // while this waited for its turn refuses it, as when the store answered synchronously. (Across
    // nodes a disable landing later still ends the session: authenticate checks the account.)
    const made = await this.users.transaction(async () => {
      const current = await this.users.get(username);
      if (current === undefined || current.disabled) return 'disabled' as const;
      if (isLocked(current, at)) return { lockedUntil: current.lockedUntil! };
      await this.users.update(username, { ...UNLOCKED, lastLoginAt: at });
      const s = await this.sessions.create({
        tokenHash: secretHash(token),
        username,
        createdAt: at,
        lastSeenAt: at,
        expiresAt: at + this.options.idleMs,
        address: meta.address,
        userAgent: meta.userAgent.slice(0, 256),
      });
      await this.audit.append({ actor: username, action: 'auth.login', target: `user:${username}`, detail: { address: meta.address, session: s.id }, at });
      return { session: s };
    });
    if (made === 'disabled') {
      await this.failed(username, meta, 'disabled');
      throw new AuthError('ACCOUNT_DISABLED', 'this account is disabled; ask an administrator');
    }
    const { session } = made;
    if (session === undefined) {
      await this.failed(username, meta, 'locked');
      throw this.lockedError(made.lockedUntil);
    }
    if (needsRehash(fresh.passwordHash, this.hashParams)) {
      // Parameters were raised since this hash was made: upgrade it now that we know the password.
      await this.users.update(username, { passwordHash: await hashPassword(password, this.hashParams) });
    }
    return { token, info: { user: publicUser({ ...fresh, lastLoginAt: at }), expiresAt: session.expiresAt } };
  }

  /** `stored`: the username named an account when the password was checked. */
  private async registerFailure(username: string, stored: boolean, meta: ClientMeta, reason: 'wrong_password' | 'unknown_user'): Promise<never> {
    const now = this.clock.now();
    // Counted in the store from the counters as they are, not from the copy read before the
    // password check: failures arriving together, here or on another node, all count. An unknown
    // username is counted the same way, in the store, so that no node answers it differently.
    const { state, locked } = await this.users.transaction(async () => {
      const counted =
        (stored ? await this.users.recordFailure(username, now, this.lockout) : undefined) ??
        (await this.users.recordUnknownFailure(username, now, this.lockout));
      // The same entries for a real account and an unknown name: the trail shows someone guessing, whatever the name.
      await this.failed(username, meta, reason, counted.state.failedLogins);
      if (counted.locked)
        await this.audit.append({
          actor: 'system',
          action: 'auth.lockout',
          target: `user:${username}`,
          detail: { address: meta.address, failures: counted.state.failedLogins, until: counted.state.lockedUntil },
          at: now,
        });
      return counted;
    });
    if (locked) throw this.lockedError(state.lockedUntil!);
    throw new AuthError('INVALID_CREDENTIALS', 'wrong username or password');
  }

  private failed(username: string, meta: ClientMeta, reason: string, failures?: number): Promise<void> {
    return this.audit.append({
      actor: 'anonymous',
      action: 'auth.login_failed',
      target: `user:${username}`,
      detail: { address: meta.address, reason, ...(failures ? { failures } : {}) },
      at: this.clock.now(),
    });
  }

  private lockedError(until: number): AuthError {
    const minutes = Math.max(1, Math.ceil((until - this.clock.now()) / 60_000));
    return new AuthError(
      'ACCOUNT_LOCKED',
      `too many failed logins: this account is locked for ${minutes} more minute(s), or until an administrator unlocks it`,
      { lockedUntil: until },
    );
  }

  private dummyHash(): Promise<string> {
    this.dummy ??= dummyHash(this.hashParams);
    return this.dummy;
  }

  /** The live session for a cookie token, or null (unknown, revoked, expired, user disabled). Refreshes its idle expiry. */
  async authenticate(token: string): Promise<AuthenticatedSession | null> {
    if (!token || token.length > 128) return null;
    const found = await this.sessions.byTokenHash(secretHash(token));
    const now = this.clock.now();
    if (!found || !live(found, now)) return null;
    const { session, user } = found;
    if (now - session.lastSeenAt >= TOUCH_EVERY_MS) {
      session.lastSeenAt = now;
      session.expiresAt = now + this.options.idleMs;
      // A page's requests arrive together and all read the same last-seen time: one of them writes.
      if (!this.touching.has(session.id)) {
        this.touching.add(session.id);
        try {
          await this.sessions.touch(session.id, session.lastSeenAt, session.expiresAt);
        } finally {
          this.touching.delete(session.id);
        }
      }
    }
    return { user: publicUser(user), session };
  }

  /**
   * Whether a session opened earlier is still live (not revoked, not idle-expired, user enabled),
   * without refreshing it: for long-lived Socket.IO connections, which should be dropped when their
   * session ends (`socket.data.sessionId`).
   */
  async sessionAlive(id: number): Promise<boolean> {
    const found = await this.sessions.withUser(id);
    return found !== undefined && live(found, this.clock.now());
  }

  info(auth: AuthenticatedSession): SessionInfo {
    return { user: auth.user, expiresAt: auth.session.expiresAt };
  }

  async logout(auth: AuthenticatedSession): Promise<void> {
    const at = this.clock.now();
    await this.users.transaction(async () => {
      await this.sessions.revoke(auth.session.id, at);
      await this.audit.append({
        actor: auth.user.username,
        action: 'auth.logout',
        target: `user:${auth.user.username}`,
        detail: { session: auth.session.id },
        at,
      });
    });
    this.options.onSessionsEnded?.(auth.user.username);
  }

  /**
   * Changes the signed-in user's own password. A wrong current password counts as a failed login
   * (a stolen session must not become a password-guessing oracle). Other sessions are revoked.
   */
  async changePassword(auth: AuthenticatedSession, current: string, next: string, meta: ClientMeta): Promise<void> {
    const username = auth.user.username;
    const user = await this.users.get(username);
    if (!user) throw new AuthError('NOT_FOUND', 'no such user');
    if (isLocked(user, this.clock.now())) throw this.lockedError(user.lockedUntil!);
    if (!(await verifyPassword(current, user.passwordHash))) {
      try {
        await this.registerFailure(username, true, meta, 'wrong_password');
      } catch (err) {
        if ((err as AuthError).code === 'ACCOUNT_LOCKED') throw err;
      }
      throw new AuthError('WRONG_PASSWORD', 'the current password is wrong');
    }
    const passwordHash = await hashPassword(next, this.hashParams);
    const at = this.clock.now();
    await this.users.transaction(async () => {
      await this.users.update(username, { passwordHash, updatedAt: at, ...UNLOCKED });
      const revoked = await this.sessions.revokeAllOf(username, at, auth.session.id);
      await this.audit.append({ actor: username, action: 'auth.password_changed', target: `user:${username}`, detail: { otherSessionsRevoked: revoked }, at });
    });
    this.options.onSessionsEnded?.(username);
  }

  /**
   * Deletes sessions that ended more than `keepMs` ago, and the failure counts of unknown
   * usernames that no longer count; returns how many sessions.
   */
  async purgeSessions(keepMs = 7 * 86_400_000): Promise<number> {
    const now = this.clock.now();
    await this.users.purgeUnknownFailures(now, this.lockout);
    return this.sessions.purge(now - keepMs);
  }
}
