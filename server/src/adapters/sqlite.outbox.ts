/** The ingest outbox: batches of line protocol kept while InfluxDB is unreachable, replayed in order. */
import type { SqliteDatabase } from './sqlite.database.ts';
import type { Outbox, OutboxBatch } from '../services/history.ports.ts';

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

export class SqliteOutbox implements Outbox {
  private readonly insert;
  private readonly first;
  private readonly del;
  private readonly count;
  private readonly dead;
  private cached: { batches: number; points: number };

  constructor(db: SqliteDatabase) {
    this.insert = db.prepare('INSERT INTO outbox (body, points, min_ts, max_ts, created_at) VALUES (?, ?, ?, ?, ?)');
    this.first = db.prepare('SELECT id, body, points, min_ts AS minTs, max_ts AS maxTs FROM outbox ORDER BY id LIMIT 1');
    this.del = db.prepare('DELETE FROM outbox WHERE id = ?');
    this.count = db.prepare('SELECT count(*) AS batches, coalesce(sum(points), 0) AS points FROM outbox');
    this.dead = db.prepare('INSERT INTO dead_batch (body, points, reason, created_at) VALUES (?, ?, ?, ?)');
    this.cached = this.count.get() as { batches: number; points: number };
  }

  append(batch: Omit<OutboxBatch, 'id'>): void {
    this.insert.run(batch.body, batch.points, batch.minTs, batch.maxTs, Date.now());
    this.cached = { batches: this.cached.batches + 1, points: this.cached.points + batch.points };
  }

  oldest(): OutboxBatch | undefined {
    return this.first.get() as OutboxBatch | undefined;
  }

  remove(batch: OutboxBatch): void {
    this.del.run(batch.id);
    this.cached = { batches: this.cached.batches - 1, points: this.cached.points - batch.points };
  }

  depth(): { batches: number; points: number } {
    return this.cached;
  }

  deadLetter(body: string, points: number, reason: string): void {
    this.dead.run(body, points, reason, Date.now());
  }
}
