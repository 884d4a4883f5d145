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

  async list(): Promise<UserAdminView[]> {
    const users = await this.users.list();
    const now = this.clock.now();
    return users.map((u) => adminView(u, now));
  }

  async get(username: string): Promise<UserAdminView> {
    return adminView(await this.require(username), this.clock.now());
  }

  /** Whether `username` names an enabled account (who may own corrective actions, be assigned alarms). */
  async isEnabled(username: string): Promise<boolean> {
    const u = await this.users.get(username);
    return u !== undefined && !u.disabled;
  }

  private async require(username: string): Promise<UserRecord> {
    const u = await this.users.get(username);
    if (!u) throw new AuthError('NOT_FOUND', `no user ${username}`);
    return u;
  }

  async create(actor: string, n: NewUser): Promise<UserAdminView> {
    // Before the costly hash; the insert below decides (another node may create it meanwhile).
    if (await this.users.get(n.username)) throw new AuthError('USER_EXISTS', `user ${n.username} already exists`);
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
    await this.users.transaction(async () => {
      if (!(await this.users.insert(user))) throw new AuthError('USER_EXISTS', `user ${n.username} already exists`);
      await this.audit.append({ actor, action: 'user.create', target: `user:${n.username}`, detail: { role: n.role, displayName: user.displayName }, at });
    });
    return adminView(user, at);
  }

  /** Disables the account and ends its sessions. The last enabled admin cannot be disabled. */
  async disable(actor: string, username: string): Promise<UserAdminView> {
    const at = this.clock.now();
    await this.users.transaction(async () => {
      // Two admins disabled at once (two nodes) must not both count the other as still enabled.
      await this.users.lockAccounts();
      const u = await this.require(username);
      if (u.role === 'admin' && !u.disabled && (await this.enabledAdmins()) <= 1)
        throw new AuthError('LAST_ADMIN', 'the last enabled admin cannot be disabled');
      await this.users.update(username, { disabled: true, updatedAt: at });
      const revoked = await this.sessions.revokeAllOf(username, at);
      await this.audit.append({ actor, action: 'user.disable', target: `user:${username}`, detail: { sessionsRevoked: revoked }, at });
    });
    this.hooks.onSessionsEnded?.(username);
    return this.get(username);
  }

  async enable(actor: string, username: string): Promise<UserAdminView> {
    const at = this.clock.now();
    await this.users.transaction(async () => {
      await this.require(username);
      await this.users.update(username, { disabled: false, updatedAt: at });
      await this.audit.append({ actor, action: 'user.enable', target: `user:${username}`, at });
    });
    return this.get(username);
  }

  /** Lifts a lockout and clears the failed-login count. */
  async unlock(actor: string, username: string): Promise<UserAdminView> {
    const at = this.clock.now();
    await this.users.transaction(async () => {
      const u = await this.require(username);
      await this.users.update(username, { ...UNLOCKED, updatedAt: at });
      await this.audit.append({
        actor,
        action: 'user.unlock',
        target: `user:${username}`,
        detail: { wasLockedUntil: u.lockedUntil, failedLogins: u.failedLogins },
        at,
      });
    });
    return this.get(username);
  }

  /** Sets a new password, lifts any lockout, and ends the user's sessions. */
  async resetPassword(actor: string, username: string, password: string): Promise<UserAdminView> {
    await this.require(username);
    const passwordHash = await hashPassword(password, this.hashParams);
    const at = this.clock.now();
    await this.users.transaction(async () => {
      await this.require(username);
      await this.users.update(username, { passwordHash, ...UNLOCKED, updatedAt: at });
      const revoked = await this.sessions.revokeAllOf(username, at);
      await this.audit.append({ actor, action: 'user.reset_password', target: `user:${username}`, detail: { sessionsRevoked: revoked }, at });
    });
    this.hooks.onSessionsEnded?.(username);
    return this.get(username);
  }

  async listSessions(): Promise<SessionView[]> {
    return (await this.sessions.listLive(this.clock.now())).map(sessionView);
  }

  async revokeSession(actor: string, id: number): Promise<void> {
    const at = this.clock.now();
    const username = await this.users.transaction(async () => {
      const s = await this.sessions.get(id);
      if (!s || !(await this.sessions.revoke(id, at))) throw new AuthError('NOT_FOUND', `no live session ${id}`);
      await this.audit.append({ actor, action: 'session.revoke', target: `user:${s.username}`, detail: { session: id }, at });
      return s.username;
    });
    this.hooks.onSessionsEnded?.(username);
  }

  private async enabledAdmins(): Promise<number> {
    return (await this.users.list()).filter((u) => u.role === 'admin' && !u.disabled).length;
  }

  /**
   * Demo mode (`npm start`): the accounts of DEMO_ACCOUNTS, created when absent (an existing one
   * is left as it is). Returns the usernames created.
   */
  async ensureDemoAccounts(): Promise<string[]> {
    const created: string[] = [];
    for (const a of DEMO_ACCOUNTS) {
      if (await this.users.get(a.username)) continue;
      try {
        await this.create('system:demo', { username: a.username, displayName: a.displayName, role: a.role, password: a.password });
        created.push(a.username);
      } catch (err) {
        // Another node starting at the same time created it first.
        if (!(err instanceof AuthError && err.code === 'USER_EXISTS')) throw err;
      }
    }
    return created;
  }
}
