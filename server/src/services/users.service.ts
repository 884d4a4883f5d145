/**
 * Account administration: what the admin routes and the CLI do. Every change
 * is one transaction together with its audit entry; the actor is the admin's username, or
 * `cli:<os user>` for the command line.
 */
import { DEMO_ACCOUNTS, type Role, type SessionView, type UserAdminView } from '../../../contract/index.ts';
import type { AuditLog } from './audit.port.ts';
import { AuthError } from './auth.errors.ts';
import { UNLOCKED } from './auth.lockout.ts';
import { DEFAULT_SCRYPT, hashPassword, type ScryptParams } from './auth.password.ts';
import type { SessionRecord, SessionStore, UserRecord, UserStore } from './auth.ports.ts';
import type { SessionsEndedListener } from './auth.service.ts';
import type { Clock } from './clock.ts';

export interface NewUser {
  username: string;
  displayName?: string | undefined;
  role: Role;
  password: string;
}

export const adminView = (u: UserRecord, now: number): UserAdminView => ({
  username: u.username,
  displayName: u.displayName,
  role: u.role,
  disabled: u.disabled,
  createdAt: u.createdAt,
  lastLoginAt: u.lastLoginAt,
  failedLogins: u.failedLogins,
  lockedUntil: u.lockedUntil !== null && u.lockedUntil > now ? u.lockedUntil : null,
});

export const sessionView = (s: SessionRecord): SessionView => ({
  id: s.id,
  username: s.username,
  createdAt: s.createdAt,
  lastSeenAt: s.lastSeenAt,
  expiresAt: s.expiresAt,
  address: s.address,
  userAgent: s.userAgent,
});

/** What the server wires to account changes; the CLI (another process) needs none. */
export interface UsersServiceHooks {
  /** Told when an account is unlocked (AuthService keeps failures of unknown names in memory). */
  onUnlock?: (username: string) => void;
  /** Told when sessions are revoked here (disable, password reset, session revoke), e.g. to close their live connections. */
  onSessionsEnded?: SessionsEndedListener;
}

export class UsersService {
  constructor(
    private readonly users: UserStore,
    private readonly sessions: SessionStore,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly hashParams: ScryptParams = DEFAULT_SCRYPT,
    private readonly hooks: UsersServiceHooks = {},
  ) {}

  list(): UserAdminView[] {
    const now = this.clock.now();
    return this.users.list().map((u) => adminView(u, now));
  }

  get(username: string): UserAdminView {
    return adminView(this.require(username), this.clock.now());
  }

  private require(username: string): UserRecord {
    const u = this.users.get(username);
    if (!u) throw new AuthError('NOT_FOUND', `no user ${username}`);
    return u;
  }

  async create(actor: string, n: NewUser): Promise<UserAdminView> {
    if (this.users.get(n.username)) throw new AuthError('USER_EXISTS', `user ${n.username} already exists`);
    const passwordHash = await hashPassword(n.password, this.hashParams);
    const at = this.clock.now();
    const user: UserRecord = {
      username: n.username,
      displayName: n.displayName?.trim() || n.username,
      role: n.role,
      passwordHash,
      disabled: false,
      createdAt: at,
      updatedAt: at,
      lastLoginAt: null,
      ...UNLOCKED,
    };
    this.users.transaction(() => {
      if (!this.users.insert(user)) throw new AuthError('USER_EXISTS', `user ${n.username} already exists`);
      this.audit.append({ actor, action: 'user.create', target: `user:${n.username}`, detail: { role: n.role, displayName: user.displayName }, at });
    });
    return adminView(user, at);
  }

  /** Disables the account and ends its sessions. The last enabled admin cannot be disabled. */
  disable(actor: string, username: string): UserAdminView {
    const at = this.clock.now();
    this.users.transaction(() => {
      const u = this.require(username);
      if (u.role === 'admin' && !u.disabled && this.enabledAdmins() <= 1) throw new AuthError('LAST_ADMIN', 'the last enabled admin cannot be disabled');
      this.users.update(username, { disabled: true, updatedAt: at });
      const revoked = this.sessions.revokeAllOf(username, at);
      this.audit.append({ actor, action: 'user.disable', target: `user:${username}`, detail: { sessionsRevoked: revoked }, at });
    });
    this.hooks.onSessionsEnded?.(username);
    return this.get(username);
  }

  enable(actor: string, username: string): UserAdminView {
    const at = this.clock.now();
    this.users.transaction(() => {
      this.require(username);
      this.users.update(username, { disabled: false, updatedAt: at });
      this.audit.append({ actor, action: 'user.enable', target: `user:${username}`, at });
    });
    return this.get(username);
  }

  /** Lifts a lockout and clears the failed-login count. */
  unlock(actor: string, username: string): UserAdminView {
    const at = this.clock.now();
    this.users.transaction(() => {
      const u = this.require(username);
      this.users.update(username, { ...UNLOCKED, updatedAt: at });
      this.audit.append({
        actor,
        action: 'user.unlock',
        target: `user:${username}`,
        detail: { wasLockedUntil: u.lockedUntil, failedLogins: u.failedLogins },
        at,
      });
    });
    this.hooks.onUnlock?.(username);
    return this.get(username);
  }

  /** Sets a new password, lifts any lockout, and ends the user's sessions. */
  async resetPassword(actor: string, username: string, password: string): Promise<UserAdminView> {
    this.require(username);
    const passwordHash = await hashPassword(password, this.hashParams);
    const at = this.clock.now();
    this.users.transaction(() => {
      this.require(username);
      this.users.update(username, { passwordHash, ...UNLOCKED, updatedAt: at });
      const revoked = this.sessions.revokeAllOf(username, at);
      this.audit.append({ actor, action: 'user.reset_password', target: `user:${username}`, detail: { sessionsRevoked: revoked }, at });
    });
    this.hooks.onUnlock?.(username);
    this.hooks.onSessionsEnded?.(username);
    return this.get(username);
  }

  listSessions(): SessionView[] {
    return this.sessions.listLive(this.clock.now()).map(sessionView);
  }

  revokeSession(actor: string, id: number): void {
    const at = this.clock.now();
    const username = this.users.transaction(() => {
      const s = this.sessions.get(id);
      if (!s || !this.sessions.revoke(id, at)) throw new AuthError('NOT_FOUND', `no live session ${id}`);
      this.audit.append({ actor, action: 'session.revoke', target: `user:${s.username}`, detail: { session: id }, at });
      return s.username;
    });
    this.hooks.onSessionsEnded?.(username);
  }

  private enabledAdmins(): number {
    return this.users.list().filter((u) => u.role === 'admin' && !u.disabled).length;
  }

  /**
   * Demo mode (`npm start`): the accounts of DEMO_ACCOUNTS, created when absent (an existing one
   * is left as it is). Returns the usernames created.
   */
  async ensureDemoAccounts(): Promise<string[]> {
    const created: string[] = [];
    for (const a of DEMO_ACCOUNTS) {
      if (this.users.get(a.username)) continue;
      await this.create('system:demo', { username: a.username, displayName: a.displayName, role: a.role, password: a.password });
      created.push(a.username);
    }
    return created;
  }
}
