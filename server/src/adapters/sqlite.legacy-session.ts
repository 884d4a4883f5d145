/**
 * The table in which cluster nodes record draining the former single-node MQTT session
 * (postgres.legacy-session.ts). One node on SQLite has no such session to drain, so nothing reads
 * or writes it here; it exists so that both engines have one schema, as
 * test/integration/store.schema.test.ts requires of every migration.
 */
import type { SqliteDatabase } from './sqlite.database.ts';

export const legacySessionMigration = (db: SqliteDatabase): void => {
  db.exec(`
    CREATE TABLE legacy_mqtt_session (
      client_id TEXT PRIMARY KEY,
      claimed_by TEXT NOT NULL,
      claimed_until INTEGER NOT NULL,
      cluster_ran_before INTEGER NOT NULL,
      removed_at INTEGER,
      drained INTEGER
    );
  `);
};
