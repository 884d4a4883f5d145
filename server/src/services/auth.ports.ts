/** Storage ports for people and their sessions (adapters: server/src/adapters/sqlite.users.ts). */
import type { Role } from '../../../contract/index.ts';
import type { LockoutState } from './auth.lockout.ts';

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

export interface UserStore {
  get(username: string): UserRecord | undefined;
  list(): UserRecord[];
  /** False when the username is taken. */
  insert(user: UserRecord): boolean;
  update(username: string, patch: Partial<Omit<UserRecord, 'username' | 'createdAt'>>): void;
  /** Runs `fn` in one transaction (user change + session revocation + audit entry together). */
  transaction<T>(fn: () => T): T;
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

export interface SessionStore {
  create(s: Omit<SessionRecord, 'id' | 'revokedAt'>): SessionRecord;
  byTokenHash(tokenHash: string): SessionRecord | undefined;
  get(id: number): SessionRecord | undefined;
  touch(id: number, lastSeenAt: number, expiresAt: number): void;
  /** False when there was no such live session. */
  revoke(id: number, at: number): boolean;
  /** Revokes every live session of a user except `exceptId`; returns how many. */
  revokeAllOf(username: string, at: number, exceptId?: number): number;
  /** Sessions neither revoked nor expired at `now`, newest first. */
  listLive(now: number): SessionRecord[];
  /** Deletes sessions that ended before `before`; returns how many. */
  purge(before: number): number;
}
