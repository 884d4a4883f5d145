/**
 * The SQLite schema of people, sessions and device credentials (the adapters over it:
 * sql.users.ts, sql.devices.ts). Secrets are never stored: passwords as scrypt hashes, session
 * tokens and API keys as SHA-256, device passwords as the PBKDF2 hash Mosquitto reads.
 */
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

/**
 * Failed logins of usernames that name no account, counted like an account's so that neither
 * answers nor lockout tell which usernames exist: in the store, so every node counts the same.
 */
export const loginFailuresMigration = (db: SqliteDatabase): void => {
  db.exec(`
    CREATE TABLE login_failures (
      username TEXT PRIMARY KEY,
      failed_logins INTEGER NOT NULL,
      last_failed_at INTEGER NOT NULL,
      locked_until INTEGER
    );
  `);
};
