/**
 * The history outbox: batches of points kept while InfluxDB is unreachable, replayed in order.
 * Points are stored as JSON (`HistoryPoint[]`), whatever the history store's own format is; points
 * InfluxDB refused go to `dead_batch` with its reason, for inspection — at most
 * DEAD_LETTER_MAX_POINTS of them, the newest: a device sending what InfluxDB refuses, at any rate,
 * must not fill the disk.
 */
import type { SqliteDatabase } from './sqlite.database.ts';
import type { HistoryPoint, Outbox, OutboxBatch } from '../services/history.ports.ts';
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

/** The dead letter's cap (points); beyond it the oldest rows go, counted by the writer's observer. */
export const DEAD_LETTER_MAX_POINTS = 100_000;

export interface OutboxOptions {
  now?: () => number;
  deadLetterMaxPoints?: number;
}

export class SqliteOutbox implements Outbox {
  private readonly insert;
  private readonly first;
  private readonly del;
  private readonly count;
  private readonly dead;
  private readonly oldestDead;
  private readonly delDead;
  private cached: { batches: number; points: number };
  private deadPoints: number;
  private readonly now: () => number;
  private readonly deadLetterMaxPoints: number;

  constructor(db: SqliteDatabase, options: OutboxOptions = {}) {
    this.now = options.now ?? Date.now;
    this.deadLetterMaxPoints = options.deadLetterMaxPoints ?? DEAD_LETTER_MAX_POINTS;
    this.insert = db.prepare('INSERT INTO outbox (body, points, min_ts, max_ts, created_at) VALUES (?, ?, ?, ?, ?)');
    this.first = db.prepare('SELECT id, body, min_ts AS minTs, max_ts AS maxTs FROM outbox ORDER BY id LIMIT 1');
    this.del = db.prepare('DELETE FROM outbox WHERE id = ?');
    this.count = db.prepare('SELECT count(*) AS batches, coalesce(sum(points), 0) AS points FROM outbox');
    this.dead = db.prepare(`INSERT INTO dead_batch (body, points, reason, created_at, format) VALUES (?, ?, ?, ?, '${POINTS_FORMAT}')`);
    this.oldestDead = db.prepare('SELECT id, points FROM dead_batch ORDER BY id LIMIT 1');
    this.delDead = db.prepare('DELETE FROM dead_batch WHERE id = ?');
    this.cached = this.count.get() as { batches: number; points: number };
    this.deadPoints = (db.prepare('SELECT coalesce(sum(points), 0) AS n FROM dead_batch').get() as { n: number }).n;
  }

  append(batch: Omit<OutboxBatch, 'id'>): void {
    this.insert.run(JSON.stringify(batch.points), batch.points.length, batch.minTs, batch.maxTs, this.now());
    this.cached = { batches: this.cached.batches + 1, points: this.cached.points + batch.points.length };
  }

  oldest(): OutboxBatch | undefined {
    const row = this.first.get() as { id: number; body: string; minTs: number; maxTs: number } | undefined;
    return row && { id: row.id, points: JSON.parse(row.body) as HistoryPoint[], minTs: row.minTs, maxTs: row.maxTs };
  }

  remove(batch: OutboxBatch): void {
    this.del.run(batch.id);
    this.cached = { batches: this.cached.batches - 1, points: this.cached.points - batch.points.length };
  }

  depth(): { batches: number; points: number } {
    return this.cached;
  }

  deadLetter(points: readonly HistoryPoint[], reason: string): { evicted: number } {
    const { lastInsertRowid } = this.dead.run(JSON.stringify(points), points.length, reason, this.now());
    this.deadPoints += points.length;
    let evicted = 0;
    while (this.deadPoints > this.deadLetterMaxPoints) {
      const oldest = this.oldestDead.get() as { id: number; points: number };
      if (BigInt(oldest.id) === BigInt(lastInsertRowid)) break; // the newest row alone is over the cap: kept
      this.delDead.run(oldest.id);
      this.deadPoints -= oldest.points;
      evicted += oldest.points;
    }
    return { evicted };
  }
}
