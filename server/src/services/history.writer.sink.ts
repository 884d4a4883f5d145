/**
 * Writing to the history sink, the same for the writer's own writes and the outbox replay: what a
 * writer reports, whether the sink is up, and splitting a batch the sink refuses.
 *
 * A batch the sink refuses (not retryable: a field type conflict, a value line protocol cannot
 * carry) is split in halves, written again, down to single points: every point the sink accepts is
 * stored, and only the refused ones go to the dead letter, each with the sink's own reason.
 * Writing again the points InfluxDB already took from a partial write overwrites them with
 * themselves (same series, time and fields).
 */
import type { HistoryPoint, RefusedPoints } from './history.ports.ts';

export interface WriterObserver {
  written?(points: number, seconds: number): void;
  outboxed?(points: number): void;
  replayed?(points: number): void;
  deadLettered?(points: number, reason: string): void;
  /** Oldest dead letters dropped to keep the dead letter within its cap. */
  deadLetterEvicted?(points: number): void;
  sinkState?(up: boolean, error?: Error): void;
  backfillFailed?(error: Error): void;
  /** The outbox or the dead letter could not be written or read (retried; its messages wait unacknowledged). */
  storeFailed?(error: Error): void;
}

/** Whether the sink took the last write; a change is reported once. */
export class SinkState {
  private isUp = true;

  constructor(private readonly observer: WriterObserver) {}

  get up(): boolean {
    return this.isUp;
  }

  mark(up: boolean, error?: Error): void {
    if (this.isUp === up) return;
    this.isUp = up;
    this.observer.sinkState?.(up, error);
  }
}

export const isRetryable = (err: unknown): boolean => (err as { retryable?: boolean }).retryable !== false;

export type Refused = RefusedPoints & { points: HistoryPoint[] };

/**
 * Writes `points` with `write`, splitting what the sink refuses until the refused points stand
 * alone (or the sink says it refused every one of them). Retryable failures propagate: the caller
 * keeps the whole batch (outbox) and nothing is dead-lettered yet, so a replay does not record the
 * same refusal twice. At most 2n - 1 writes for n points, about 2 log2(n) per refused point.
 */
export async function writeSplitting(points: HistoryPoint[], write: (points: HistoryPoint[]) => Promise<void>): Promise<Refused[]> {
  try {
    await write(points);
    return [];
  } catch (err) {
    if (isRetryable(err)) throw err;
    const reason = (err as Error).message;
    if (points.length === 1 || (err as { refused?: number }).refused === points.length) return [{ points, reason }];
    const half = Math.ceil(points.length / 2);
    const first = await writeSplitting(points.slice(0, half), write);
    const second = await writeSplitting(points.slice(half), write);
    return [...first, ...second];
  }
}

/** How many of `total` points the sink stored, `refused` aside. */
export const storedCount = (total: number, refused: readonly Refused[]): number => total - refused.reduce((n, r) => n + r.points.length, 0);
