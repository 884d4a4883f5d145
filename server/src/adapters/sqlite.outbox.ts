/**
 * The SQLite schema of the history outbox, and the upgrade of outboxes earlier versions left in
 * line protocol; the store itself is sql.outbox.ts, over either engine.
 */
import type { SqliteDatabase } from './sqlite.database.ts';
import type { HistoryPoint } from '../services/history.ports.ts';
import { parseLegacyLine } from './sqlite.outbox.legacy.ts';

export const outboxMigration = (db: SqliteDatabase): void => {
  db.exec(`
    CREATE TABLE outbox (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      body TEXT NOT NULL,
      points INTEGER NOT NULL,
      min_ts INTEGER NOT NULL,
      max_ts INTEGER NOT NULL,
      created_at INTEGER NOT NULL
    );
    CREATE TABLE dead_batch (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      body TEXT NOT NULL,
      points INTEGER NOT NULL,
      reason TEXT NOT NULL,
      created_at INTEGER NOT NULL
    );
  `);
};

/** `dead_batch.format` of rows written before points were stored as JSON. */
export const LEGACY_FORMAT = 'line-protocol';
export const POINTS_FORMAT = 'json';

/**
 * Until this migration the outbox held InfluxDB line protocol. Rows left by an earlier version are
 * converted to JSON points here (so they replay like any other); a row that cannot be read back
 * moves to `dead_batch` as it was, with the reason. `dead_batch` rows stay as they are, marked by
 * the new `format` column.
 */
export const outboxPointsMigration = (db: SqliteDatabase): void => {
  db.exec(`ALTER TABLE dead_batch ADD COLUMN format TEXT NOT NULL DEFAULT '${LEGACY_FORMAT}'`);
  const rows = db.prepare('SELECT id, body, points, created_at AS createdAt FROM outbox ORDER BY id').all() as {
    id: number;
    body: string;
    points: number;
    createdAt: number;
  }[];
  const update = db.prepare('UPDATE outbox SET body = ? WHERE id = ?');
  const toDead = db.prepare('INSERT INTO dead_batch (body, points, reason, created_at, format) VALUES (?, ?, ?, ?, ?)');
  const remove = db.prepare('DELETE FROM outbox WHERE id = ?');
  for (const row of rows) {
    let points: HistoryPoint[];
    try {
      points = row.body.split('\n').map(parseLegacyLine);
    } catch (err) {
      toDead.run(row.body, row.points, `could not be read back after the upgrade: ${(err as Error).message}`, row.createdAt, LEGACY_FORMAT);
      remove.run(row.id);
      continue;
    }
    update.run(JSON.stringify(points), row.id);
  }
};

/**
 * Which node is replaying a batch, and until when: nodes sharing the outbox must not replay the
 * same batch at once (sql.outbox.ts `claim`).
 */
export const outboxClaimsMigration = (db: SqliteDatabase): void => {
  db.exec(`
    ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
    ALTER TABLE outbox ADD COLUMN claimed_until INTEGER;
  `);
};
