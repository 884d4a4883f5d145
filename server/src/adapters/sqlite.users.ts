/**
 * People, sessions and device credentials in the embedded store. Secrets are never
 * stored: passwords as scrypt hashes, session tokens and API keys as SHA-256, device passwords as
 * the PBKDF2 hash Mosquitto reads (sqlite.devices.ts).
 */
import type { Role } from '../../../contract/index.ts';
import type { SessionRecord, SessionStore, UserRecord, UserStore } from '../services/auth.ports.ts';
import type { SqliteDatabase } from './sqlite.database.ts';

/** Users, sessions, API keys and MQTT device credentials: one migration, after the outbox. */
export const authMigration = (db: SqliteDatabase): void => {
  db.exec(`
    CREATE TABLE users (
      username TEXT PRIMARY KEY,
      display_name TEXT NOT NULL,
      role TEXT NOT NULL CHECK (role IN ('officer', 'manager', 'admin')),
      password_hash TEXT NOT NULL,
      disabled INTEGER NOT NULL DEFAULT 0,
      failed_logins INTEGER NOT NULL DEFAULT 0,
      last_failed_at INTEGER,
      locked_until INTEGER,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      last_login_at INTEGER
    );
    CREATE TABLE sessions (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      token_hash TEXT NOT NULL UNIQUE,
      username TEXT NOT NULL REFERENCES users (username),
      created_at INTEGER NOT NULL,
      last_seen_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL,
      revoked_at INTEGER,
      address TEXT NOT NULL,
      user_agent TEXT NOT NULL
    );
    CREATE INDEX sessions_username ON sessions (username);
    CREATE TABLE api_keys (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      secret_hash TEXT NOT NULL,
      scope_sites TEXT,
      scope_sensors TEXT,
      created_at INTEGER NOT NULL,
      created_by TEXT NOT NULL,
      last_used_at INTEGER,
      revoked_at INTEGER,
      CHECK ((scope_sites IS NULL) <> (scope_sensors IS NULL))
    );
    CREATE TABLE mqtt_devices (
      sensor_id TEXT PRIMARY KEY,
      password_hash TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      created_by TEXT NOT NULL,
      revoked_at INTEGER
    );
  `);
};

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

export class SqliteUserStore implements UserStore {
  private readonly byName;
  private readonly all;
  private readonly add;
  private readonly updates = new Map<string, ReturnType<SqliteDatabase['prepare']>>();

  constructor(private readonly db: SqliteDatabase) {
    this.byName = db.prepare('SELECT * FROM users WHERE username = ?');
    this.all = db.prepare('SELECT * FROM users ORDER BY username');
    this.add =
      db.prepare(`INSERT OR IGNORE INTO users (username, display_name, role, password_hash, disabled, failed_logins, last_failed_at, locked_until, created_at, updated_at, last_login_at)
      VALUES (@username, @displayName, @role, @passwordHash, @disabled, @failedLogins, @lastFailedAt, @lockedUntil, @createdAt, @updatedAt, @lastLoginAt)`);
  }

  get(username: string): UserRecord | undefined {
    const r = this.byName.get(username) as UserRow | undefined;
    return r && toUser(r);
  }

  list(): UserRecord[] {
    return (this.all.all() as UserRow[]).map(toUser);
  }

  insert(u: UserRecord): boolean {
    return this.add.run({ ...u, disabled: u.disabled ? 1 : 0 }).changes === 1;
  }

  update(username: string, patch: Partial<Omit<UserRecord, 'username' | 'createdAt'>>): void {
    const keys = (Object.keys(patch) as (keyof typeof USER_COLUMNS)[]).filter((k) => k in USER_COLUMNS && patch[k] !== undefined);
    if (keys.length === 0) return;
    const sqlKey = keys.join(',');
    let stmt = this.updates.get(sqlKey);
    if (!stmt) {
      stmt = this.db.prepare(`UPDATE users SET ${keys.map((k) => `${USER_COLUMNS[k]} = @${k}`).join(', ')} WHERE username = @username`);
      this.updates.set(sqlKey, stmt);
    }
    const values: Record<string, unknown> = { username };
    for (const k of keys) values[k] = typeof patch[k] === 'boolean' ? (patch[k] ? 1 : 0) : patch[k];
    stmt.run(values);
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
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

export class SqliteSessionStore implements SessionStore {
  private readonly add;
  private readonly byHash;
  private readonly byId;
  private readonly touchStmt;
  private readonly revokeStmt;
  private readonly revokeUser;
  private readonly live;
  private readonly purgeStmt;

  constructor(db: SqliteDatabase) {
    this.add = db.prepare(`INSERT INTO sessions (token_hash, username, created_at, last_seen_at, expires_at, address, user_agent)
      VALUES (@tokenHash, @username, @createdAt, @lastSeenAt, @expiresAt, @address, @userAgent)`);
    this.byHash = db.prepare('SELECT * FROM sessions WHERE token_hash = ?');
    this.byId = db.prepare('SELECT * FROM sessions WHERE id = ?');
    this.touchStmt = db.prepare('UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE id = ?');
    this.revokeStmt = db.prepare('UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL');
    this.revokeUser = db.prepare('UPDATE sessions SET revoked_at = ? WHERE username = ? AND revoked_at IS NULL AND id <> ?');
    this.live = db.prepare('SELECT * FROM sessions WHERE revoked_at IS NULL AND expires_at > ? ORDER BY id DESC');
    this.purgeStmt = db.prepare('DELETE FROM sessions WHERE coalesce(revoked_at, expires_at) < ?');
  }

  create(s: Omit<SessionRecord, 'id' | 'revokedAt'>): SessionRecord {
    const id = Number(this.add.run(s).lastInsertRowid);
    return { ...s, id, revokedAt: null };
  }

  byTokenHash(tokenHash: string): SessionRecord | undefined {
    const r = this.byHash.get(tokenHash) as SessionRow | undefined;
    return r && toSession(r);
  }

  get(id: number): SessionRecord | undefined {
    const r = this.byId.get(id) as SessionRow | undefined;
    return r && toSession(r);
  }

  touch(id: number, lastSeenAt: number, expiresAt: number): void {
    this.touchStmt.run(lastSeenAt, expiresAt, id);
  }

  revoke(id: number, at: number): boolean {
    return this.revokeStmt.run(at, id).changes === 1;
  }

  revokeAllOf(username: string, at: number, exceptId = -1): number {
    return this.revokeUser.run(at, username, exceptId).changes;
  }

  listLive(now: number): SessionRecord[] {
    return (this.live.all(now) as SessionRow[]).map(toSession);
  }

  purge(before: number): number {
    return this.purgeStmt.run(before).changes;
  }
}
