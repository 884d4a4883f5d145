/**
 * People and sessions over {@link Sql} (SQLite or PostgreSQL). Secrets are never stored: passwords
 * as scrypt hashes, session tokens as SHA-256 (the schema: `authMigration`, sqlite.users.ts).
 *
 * Several nodes may share the store, so what the service decides from a row it read is decided in
 * the statement that writes it: a taken username is refused by the primary key
 * (`ON CONFLICT DO NOTHING`), and a failed login is counted by one `UPDATE` from the row's current
 * counters, never from a copy read earlier.
 */
import type { Role } from '../../../contract/index.ts';
import type { FailureCount, SessionRecord, SessionStore, SessionWithUser, UserRecord, UserStore } from '../services/auth.ports.ts';
import type { LockoutPolicy, LockoutState } from '../services/auth.lockout.ts';
import type { Sql, SqlValue } from './sql.ts';

interface UserRow {
  username: string;
  display_name: string;
  role: Role;
  password_hash: string;
  disabled: number;
  failed_logins: number;
  last_failed_at: number | null;
  locked_until: number | null;
  created_at: number;
  updated_at: number;
  last_login_at: number | null;
}

const toUser = (r: UserRow): UserRecord => ({
  username: r.username,
  displayName: r.display_name,
  role: r.role,
  passwordHash: r.password_hash,
  disabled: r.disabled === 1,
  failedLogins: r.failed_logins,
  lastFailedAt: r.last_failed_at,
  lockedUntil: r.locked_until,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  lastLoginAt: r.last_login_at,
});

/** Record field → column, for partial updates (the only names that reach SQL). */
const USER_COLUMNS: Record<keyof Omit<UserRecord, 'username' | 'createdAt'>, string> = {
  displayName: 'display_name',
  role: 'role',
  passwordHash: 'password_hash',
  disabled: 'disabled',
  failedLogins: 'failed_logins',
  lastFailedAt: 'last_failed_at',
  lockedUntil: 'locked_until',
  updatedAt: 'updated_at',
  lastLoginAt: 'last_login_at',
};

interface FailureRow {
  failed_logins: number;
  last_failed_at: number;
  locked_until: number | null;
}

const toFailureCount = (r: FailureRow): FailureCount => ({
  state: { failedLogins: r.failed_logins, lastFailedAt: r.last_failed_at, lockedUntil: r.locked_until },
  locked: r.locked_until !== null,
});

/**
 * The failure count after one more failure at `at`, from the counters of `table` as they are when
 * the statement writes them — `afterFailure` (auth.lockout.ts) in SQL: the count goes on while
 * failures come within the window and no lock has run out, else starts again at 1. Every
 * right-hand side of an UPDATE reads the row as it was before it, on both engines, and a
 * concurrent update of the row waits for this one: failures arriving together all count.
 */
function failureCount(table: string): { sql: string; params: (at: number, policy: LockoutPolicy) => number[] } {
  return {
    sql: `(CASE WHEN ${table}.last_failed_at IS NOT NULL AND ${table}.last_failed_at >= ? AND (${table}.locked_until IS NULL OR ${table}.locked_until > ?)
      THEN ${table}.failed_logins ELSE 0 END + 1)`,
    params: (at, policy) => [at - policy.windowMs, at],
  };
}

/** Serialises account changes that depend on other accounts (`lockAccounts`). */
const ACCOUNTS_LOCK = 'vigil.accounts';

export class SqlUserStore implements UserStore {
  constructor(private readonly sql: Sql) {}

  async get(username: string): Promise<UserRecord | undefined> {
    const r = await this.sql.get<UserRow>('SELECT * FROM users WHERE username = ?', [username]);
    return r && toUser(r);
  }

  async list(): Promise<UserRecord[]> {
    return (await this.sql.all<UserRow>('SELECT * FROM users ORDER BY username')).map(toUser);
  }

  async insert(u: UserRecord): Promise<boolean> {
    const added = await this.sql.get<{ username: string }>(
      `INSERT INTO users (username, display_name, role, password_hash, disabled, failed_logins, last_failed_at, locked_until, created_at, updated_at, last_login_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (username) DO NOTHING RETURNING username`,
      [
        u.username,
        u.displayName,
        u.role,
        u.passwordHash,
        u.disabled ? 1 : 0,
        u.failedLogins,
        u.lastFailedAt,
        u.lockedUntil,
        u.createdAt,
        u.updatedAt,
        u.lastLoginAt,
      ],
    );
    return added !== undefined;
  }

  async update(username: string, patch: Partial<Omit<UserRecord, 'username' | 'createdAt'>>): Promise<void> {
    const keys = (Object.keys(patch) as (keyof typeof USER_COLUMNS)[]).filter((k) => k in USER_COLUMNS && patch[k] !== undefined);
    if (keys.length === 0) return;
    const values: SqlValue[] = keys.map((k) => {
      const v = patch[k]!;
      return typeof v === 'boolean' ? (v ? 1 : 0) : v;
    });
    await this.sql.run(`UPDATE users SET ${keys.map((k) => `${USER_COLUMNS[k]} = ?`).join(', ')} WHERE username = ?`, [...values, username]);
  }

  async recordFailure(username: string, at: number, policy: LockoutPolicy): Promise<FailureCount | undefined> {
    const count = failureCount('users');
    const r = await this.sql.get<FailureRow>(
      `UPDATE users SET failed_logins = ${count.sql}, last_failed_at = CAST(? AS BIGINT),
         locked_until = CASE WHEN ${count.sql} >= ? THEN CAST(? AS BIGINT) ELSE NULL END
       WHERE username = ? RETURNING failed_logins, last_failed_at, locked_until`,
      [...count.params(at, policy), at, ...count.params(at, policy), policy.maxFailures, at + policy.lockMs, username],
    );
    return r && toFailureCount(r);
  }

  async unknownFailures(username: string): Promise<LockoutState | undefined> {
    const r = await this.sql.get<FailureRow>('SELECT failed_logins, last_failed_at, locked_until FROM login_failures WHERE username = ?', [username]);
    return r && toFailureCount(r).state;
  }

  async recordUnknownFailure(username: string, at: number, policy: LockoutPolicy): Promise<FailureCount> {
    const count = failureCount('login_failures');
    const lockedUntil = at + policy.lockMs;
    const r = await this.sql.get<FailureRow>(
      `INSERT INTO login_failures (username, failed_logins, last_failed_at, locked_until)
       VALUES (?, 1, ?, CASE WHEN 1 >= ? THEN CAST(? AS BIGINT) ELSE NULL END)
       ON CONFLICT (username) DO UPDATE SET failed_logins = ${count.sql}, last_failed_at = excluded.last_failed_at,
         locked_until = CASE WHEN ${count.sql} >= ? THEN CAST(? AS BIGINT) ELSE NULL END
       RETURNING failed_logins, last_failed_at, locked_until`,
      [username, at, policy.maxFailures, lockedUntil, ...count.params(at, policy), ...count.params(at, policy), policy.maxFailures, lockedUntil],
    );
    return toFailureCount(r!);
  }

  async purgeUnknownFailures(now: number, policy: LockoutPolicy): Promise<number> {
    const r = await this.sql.run('DELETE FROM login_failures WHERE last_failed_at < ? AND (locked_until IS NULL OR locked_until <= ?)', [
      now - policy.windowMs,
      now,
    ]);
    return r.changes;
  }

  lockAccounts(): Promise<void> {
    return this.sql.lockInTransaction(ACCOUNTS_LOCK);
  }

  transaction<T>(fn: () => Promise<T>): Promise<T> {
    return this.sql.transaction(fn);
  }
}

interface SessionRow {
  id: number;
  token_hash: string;
  username: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  revoked_at: number | null;
  address: string;
  user_agent: string;
}

const toSession = (r: SessionRow): SessionRecord => ({
  id: r.id,
  tokenHash: r.token_hash,
  username: r.username,
  createdAt: r.created_at,
  lastSeenAt: r.last_seen_at,
  expiresAt: r.expires_at,
  revokedAt: r.revoked_at,
  address: r.address,
  userAgent: r.user_agent,
});

/** The user's columns beside the session's in one row, prefixed `u_` where the names would clash. */
const USER_OF_SESSION = (Object.values(USER_COLUMNS) as string[])
  .concat('username', 'created_at')
  .map((c) => `u.${c} AS u_${c}`)
  .join(', ');

type SessionUserRow = SessionRow & { [K in keyof UserRow as `u_${K}`]: UserRow[K] };

function toSessionWithUser(r: SessionUserRow): SessionWithUser {
  const user = Object.fromEntries(Object.entries(r).flatMap(([k, v]) => (k.startsWith('u_') ? [[k.slice(2), v]] : []))) as unknown as UserRow;
  return { session: toSession(r), user: toUser(user) };
}

export class SqlSessionStore implements SessionStore {
  constructor(private readonly sql: Sql) {}

  async create(s: Omit<SessionRecord, 'id' | 'revokedAt'>): Promise<SessionRecord> {
    const { id } = (await this.sql.get<{ id: number }>(
      `INSERT INTO sessions (token_hash, username, created_at, last_seen_at, expires_at, address, user_agent)
       VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      [s.tokenHash, s.username, s.createdAt, s.lastSeenAt, s.expiresAt, s.address, s.userAgent],
    ))!;
    return { ...s, id, revokedAt: null };
  }

  async byTokenHash(tokenHash: string): Promise<SessionWithUser | undefined> {
    // Every request: the token's unique index, then the user's primary key, in one statement.
    const r = await this.sql.get<SessionUserRow>(
      `SELECT s.*, ${USER_OF_SESSION} FROM sessions s JOIN users u ON u.username = s.username WHERE s.token_hash = ?`,
      [tokenHash],
    );
    return r && toSessionWithUser(r);
  }

  async get(id: number): Promise<SessionRecord | undefined> {
    const r = await this.sql.get<SessionRow>('SELECT * FROM sessions WHERE id = ?', [id]);
    return r && toSession(r);
  }

  async withUser(id: number): Promise<SessionWithUser | undefined> {
    const r = await this.sql.get<SessionUserRow>(`SELECT s.*, ${USER_OF_SESSION} FROM sessions s JOIN users u ON u.username = s.username WHERE s.id = ?`, [id]);
    return r && toSessionWithUser(r);
  }

  async touch(id: number, lastSeenAt: number, expiresAt: number): Promise<void> {
    // Never backwards: another node may have touched it later meanwhile.
    await this.sql.run('UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE id = ? AND last_seen_at < ?', [lastSeenAt, expiresAt, id, lastSeenAt]);
  }

  async revoke(id: number, at: number): Promise<boolean> {
    return (await this.sql.run('UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', [at, id])).changes === 1;
  }

  async revokeAllOf(username: string, at: number, exceptId = -1): Promise<number> {
    return (await this.sql.run('UPDATE sessions SET revoked_at = ? WHERE username = ? AND revoked_at IS NULL AND id <> ?', [at, username, exceptId])).changes;
  }

  async listLive(now: number): Promise<SessionRecord[]> {
    return (await this.sql.all<SessionRow>('SELECT * FROM sessions WHERE revoked_at IS NULL AND expires_at > ? ORDER BY id DESC', [now])).map(toSession);
  }

  async purge(before: number): Promise<number> {
    return (await this.sql.run('DELETE FROM sessions WHERE coalesce(revoked_at, expires_at) < ?', [before])).changes;
  }
}
