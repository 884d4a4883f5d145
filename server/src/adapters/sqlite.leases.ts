/**
 * The lease tables on SQLite. One node on SQLite holds every site without leases (SoleHolder in
 * services/site-leases.ts), so nothing reads or writes these; they exist so that both engines
 * have one schema, as test/integration/store.schema.test.ts requires of every migration
 * (PostgreSQL's step: LEASE_MIGRATION in postgres.leases.ts).
 */
import type { SqliteDatabase } from './sqlite.database.ts';

export const leasesMigration = (db: SqliteDatabase): void => {
  db.exec(`
    CREATE TABLE vigil_node (
      id TEXT PRIMARY KEY,
      started_at INTEGER NOT NULL,
      seen_at INTEGER NOT NULL,
      draining INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE site_lease (
      site TEXT PRIMARY KEY,
      holder TEXT,
      token INTEGER NOT NULL,
      acquired_at INTEGER NOT NULL,
      renewed_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL
    );
  `);
};

/** Where peers reach each node (its NODE_URL): the forwarder sends a site's actions to its holder's. */
export const nodeUrlMigration = (db: SqliteDatabase): void => {
  db.exec('ALTER TABLE vigil_node ADD COLUMN url TEXT');
};
