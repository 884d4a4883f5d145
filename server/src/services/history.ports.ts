/** Ports of the history writer: where points go, and where they wait when that is down. */

export interface HistorySink {
  /** Stores line protocol; rejects with `{ retryable: boolean }` when it cannot. */
  write(body: string): Promise<void>;
  /** Recompute long-range roll-ups over a time range (after replaying old points). */
  backfill(fromMs: number, toMs: number): Promise<void>;
}

export interface OutboxBatch {
  id: number;
  body: string;
  points: number;
  minTs: number;
  maxTs: number;
}

/** Durable FIFO of batches (SQLite). Synchronous: once `append` returns, the batch is on disk. */
export interface Outbox {
  append(batch: Omit<OutboxBatch, 'id'>): void;
  oldest(): OutboxBatch | undefined;
  remove(batch: OutboxBatch): void;
  depth(): { batches: number; points: number };
  /** Keeps a batch the sink refused outright (4xx), for inspection; never silently dropped. */
  deadLetter(body: string, points: number, reason: string): void;
}
