/** Storage ports for people and their sessions (adapters: server/src/adapters/sql.users.ts). */
import type { Role } from '../../../contract/index.ts';
import type { LockoutPolicy, LockoutState } from './auth.lockout.ts';

export interface UserRecord extends LockoutState {
  username: string;
  displayName: string;
  role: Role;
  /** `$scrypt$...` (auth.password.ts). Never leaves the server. */
  passwordHash: string;
  disabled: boolean;
  createdAt: number;
  updatedAt: number;
  lastLoginAt: number | null;
}

/** The counters after one more failed login; `locked` when they lock the account. */
export interface FailureCount {
  state: LockoutState;
  locked: boolean;
}

export interface UserStore {
  get(username: string): Promise<UserRecord | undefined>;
  list(): Promise<UserRecord[]>;
  /** False when the username is taken (decided by the store, so two nodes cannot both create it). */
  insert(user: UserRecord): Promise<boolean>;
  update(username: string, patch: Partial<Omit<UserRecord, 'username' | 'createdAt'>>): Promise<void>;
  /**
   * Counts one failed login at `at` under `policy` (auth.lockout.ts `afterFailure`) in one atomic
   * step, so failures arriving at once on several nodes all count. Undefined when there is no such
   * user.
   */
  recordFailure(username: string, at: number, policy: LockoutPolicy): Promise<FailureCount | undefined>;
  /** The failure count of a username that names no account, if it failed lately. */
  unknownFailures(username: string): Promise<LockoutState | undefined>;
  /** {@link recordFailure} for a username that names no account. */
  recordUnknownFailure(username: string, at: number, policy: LockoutPolicy): Promise<FailureCount>;
  /** Forgets the counts of unknown usernames that no longer count at `now` (no lock, outside the window); returns how many. */
  purgeUnknownFailures(now: number, policy: LockoutPolicy): Promise<number>;
  /**
   * Serialises, until the end of the current transaction, changes that depend on other accounts
   * (the last enabled admin), on every node sharing the store.
   */
  lockAccounts(): Promise<void>;
  /** Runs `fn` in one transaction (user change + session revocation + audit entry together). */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
}

export interface SessionRecord {
  id: number;
  /** SHA-256 of the cookie value; the value itself is never stored. */
  tokenHash: string;
  username: string;
  createdAt: number;
  lastSeenAt: number;
  /** Idle expiry: lastSeenAt + the idle limit. */
  expiresAt: number;
  revokedAt: number | null;
  address: string;
  userAgent: string;
}

/** A session and its user's account, read together: every request asks for both. */
export interface SessionWithUser {
  session: SessionRecord;
  user: UserRecord;
}

export interface SessionStore {
  create(s: Omit<SessionRecord, 'id' | 'revokedAt'>): Promise<SessionRecord>;
  /** The session with this token hash and its user, in one indexed lookup. */
  byTokenHash(tokenHash: string): Promise<SessionWithUser | undefined>;
  get(id: number): Promise<SessionRecord | undefined>;
  /** The session with this id and its user. */
  withUser(id: number): Promise<SessionWithUser | undefined>;
  touch(id: number, lastSeenAt: number, expiresAt: number): Promise<void>;
  /** False when there was no such live session. */
  revoke(id: number, at: number): Promise<boolean>;
  /** Revokes every live session of a user except `exceptId`; returns how many. */
  revokeAllOf(username: string, at: number, exceptId?: number): Promise<number>;
  /** Sessions neither revoked nor expired at `now`, newest first. */
  listLive(now: number): Promise<SessionRecord[]>;
  /** Deletes sessions that ended before `before`; returns how many. */
  purge(before: number): Promise<number>;
}
