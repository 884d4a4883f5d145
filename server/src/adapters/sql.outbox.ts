/**
 * The history outbox over {@link Sql} (SQLite or PostgreSQL): batches of points kept while InfluxDB
 * is unreachable, replayed in order. Points are stored as JSON (`HistoryPoint[]`), whatever the
 * history store's own format is; points InfluxDB refused go to `dead_batch` with its reason, for
 * inspection — at most DEAD_LETTER_MAX_POINTS of them, the newest: a device sending what InfluxDB
 * refuses, at any rate, must not fill the disk.
 *
 * Claims: a replayer holds `claimed_by`/`claimed_until` on the batch it replays, taken by one
 * conditional UPDATE, so two nodes sharing the outbox never replay the same batch at once, and it
 * removes the batch (with its dead letters) only while it still holds the claim, so a batch is
 * recorded once even when a claim ran out and was taken over.
 */
import type { HistoryPoint, Outbox, OutboxBatch, RefusedPoints } from '../services/history.ports.ts';
import type { Sql } from './sql.ts';
import { POINTS_FORMAT } from './sqlite.outbox.ts';

/** The dead letter's cap (points); beyond it the oldest rows go, counted by the writer's observer. */
export const DEAD_LETTER_MAX_POINTS = 100_000;

/** Candidates tried per claim: another replayer may take the oldest between the look and the UPDATE. */
const CLAIM_CANDIDATES = 8;

/** Nobody holds it, or the holder's claim has run out. */
const UNCLAIMED = '(claimed_until IS NULL OR claimed_until <= ?)';

export interface OutboxOptions {
  now?: () => number;
  deadLetterMaxPoints?: number;
}

interface BatchRow {
  id: number;
  body: string;
  min_ts: number;
  max_ts: number;
}

export class SqlOutbox implements Outbox {
  private readonly now: () => number;
  private readonly deadLetterMaxPoints: number;

  constructor(
    private readonly sql: Sql,
    options: OutboxOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.deadLetterMaxPoints = options.deadLetterMaxPoints ?? DEAD_LETTER_MAX_POINTS;
  }

  async append(batch: Omit<OutboxBatch, 'id'>): Promise<void> {
    await this.sql.run('INSERT INTO outbox (body, points, min_ts, max_ts, created_at) VALUES (?, ?, ?, ?, ?)', [
      JSON.stringify(batch.points),
      batch.points.length,
      batch.minTs,
      batch.maxTs,
      this.now(),
    ]);
  }

  async claim(owner: string, until: number, now: number): Promise<OutboxBatch | undefined> {
    for (;;) {
      const candidates = await this.sql.all<{ id: number }>(`SELECT id FROM outbox WHERE ${UNCLAIMED} ORDER BY id LIMIT ?`, [now, CLAIM_CANDIDATES]);
      for (const { id } of candidates) {
        const { changes } = await this.sql.run(`UPDATE outbox SET claimed_by = ?, claimed_until = ? WHERE id = ? AND ${UNCLAIMED}`, [owner, until, id, now]);
        if (changes === 0) continue; // taken meanwhile
        const row = await this.sql.get<BatchRow>('SELECT id, body, min_ts, max_ts FROM outbox WHERE id = ? AND claimed_by = ?', [id, owner]);
        if (row) return { id: row.id, points: JSON.parse(row.body) as HistoryPoint[], minTs: row.min_ts, maxTs: row.max_ts };
      }
      if (candidates.length < CLAIM_CANDIDATES) return undefined;
    }
  }

  async renew(batch: OutboxBatch, owner: string, until: number): Promise<boolean> {
    return (await this.sql.run('UPDATE outbox SET claimed_until = ? WHERE id = ? AND claimed_by = ?', [until, batch.id, owner])).changes === 1;
  }

  async complete(batch: OutboxBatch, owner: string, refused: readonly RefusedPoints[]): Promise<{ evicted: number } | null> {
    return this.sql.transaction(async () => {
      const { changes } = await this.sql.run('DELETE FROM outbox WHERE id = ? AND claimed_by = ?', [batch.id, owner]);
      if (changes === 0) return null;
      return this.deadLetter(refused);
    });
  }

  async release(batch: OutboxBatch, owner: string): Promise<void> {
    await this.sql.run('UPDATE outbox SET claimed_by = NULL, claimed_until = NULL WHERE id = ? AND claimed_by = ?', [batch.id, owner]);
  }

  async depth(): Promise<{ batches: number; points: number }> {
    return (await this.sql.get<{ batches: number; points: number }>('SELECT count(*) AS batches, coalesce(sum(points), 0) AS points FROM outbox'))!;
  }

  /** Joins the caller's transaction when there is one (`complete`). */
  async deadLetter(refused: readonly RefusedPoints[]): Promise<{ evicted: number }> {
    if (refused.length === 0) return { evicted: 0 };
    return this.sql.transaction(async () => {
      // The cap is counted in the database, not in this process: other nodes add to the same table.
      await this.sql.lockInTransaction('vigil.dead_batch');
      let newest = 0;
      for (const r of refused) {
        const row = await this.sql.get<{ id: number }>(
          `INSERT INTO dead_batch (body, points, reason, created_at, format) VALUES (?, ?, ?, ?, '${POINTS_FORMAT}') RETURNING id`,
          [JSON.stringify(r.points), r.points.length, r.reason, this.now()],
        );
        newest = row!.id;
      }
      let total = (await this.sql.get<{ n: number }>('SELECT coalesce(sum(points), 0) AS n FROM dead_batch'))!.n;
      let evicted = 0;
      while (total > this.deadLetterMaxPoints) {
        const oldest = (await this.sql.get<{ id: number; points: number }>('SELECT id, points FROM dead_batch ORDER BY id LIMIT 1'))!;
        if (oldest.id === newest) break; // the newest row alone is over the cap: kept
        await this.sql.run('DELETE FROM dead_batch WHERE id = ?', [oldest.id]);
        total -= oldest.points;
        evicted += oldest.points;
      }
      return { evicted };
    });
  }
}
