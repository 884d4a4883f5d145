/**
 * The history writer: batches points to the history sink (InfluxDB), up to `maxBatchPoints` or
 * `flushIntervalMs`, with at most `maxInFlight` writes at once.
 *
 * Nothing lost: a batch is either stored in the sink or appended to the durable outbox before
 * anyone is told it is durable (`onDurable`, which the MQTT adapter turns into the PUBACK).
 * While the outbox holds anything, new batches queue behind it so replay keeps arrival order;
 * replay retries with backoff until the sink answers, then the long-range roll-ups of the replayed
 * time range are recomputed.
 *
 * A batch the sink refuses (not retryable: a field type conflict, a value line protocol cannot
 * carry) is split in halves, written again, down to single points: every point the sink accepts is
 * stored, and only the refused ones go to the dead letter, each with the sink's own reason.
 * Writing again the points InfluxDB already took from a partial write overwrites them with
 * themselves (same series, time and fields).
 */
import type { Scheduler, TimerHandle, Timers } from './clock.ts';
import { sleep } from './clock.ts';
import type { HistoryPoint, HistoryQueue, HistorySink, Outbox } from './history.ports.ts';
import { retry } from './retry.ts';

export interface WriterOptions {
  maxBatchPoints: number;
  flushIntervalMs: number;
  maxInFlight: number;
  /** Points queued or in flight beyond which producers should stop reading (backpressure). */
  maxQueuedPoints: number;
  /** First replay retry delay; doubles up to `maxRetryDelayMs`. */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
  /**
   * Points older than this when written are late for the continuous queries (which resample only
   * the last minutes): their range is backfilled into the roll-ups.
   */
  lateAfterMs?: number;
}

const DEFAULT_RETRY_DELAY_MS = 500;
const DEFAULT_MAX_RETRY_DELAY_MS = 10_000;
/** The minute roll-up re-reads the last 5 minutes once a minute (influx.schema.ts): older points may miss its last pass. */
const DEFAULT_LATE_AFTER_MS = 4 * 60_000;
/** Late ranges are coalesced into one backfill at most this often (a backlog arrives in many batches). */
const LATE_BACKFILL_EVERY_MS = 5000;

export interface WriterObserver {
  written?(points: number, seconds: number): void;
  outboxed?(points: number): void;
  replayed?(points: number): void;
  deadLettered?(points: number, reason: string): void;
  /** Oldest dead letters dropped to keep the dead letter within its cap. */
  deadLetterEvicted?(points: number): void;
  sinkState?(up: boolean, error?: Error): void;
  backfillFailed?(error: Error): void;
}

type Durable = () => void;

interface Batch {
  points: HistoryPoint[];
  acks: Durable[];
  minTs: number;
  maxTs: number;
}

const emptyBatch = (): Batch => ({ points: [], acks: [], minTs: Infinity, maxTs: -Infinity });
const isRetryable = (err: unknown): boolean => (err as { retryable?: boolean }).retryable !== false;

/** Points the sink refused, with its reason. */
interface Refused {
  points: HistoryPoint[];
  reason: string;
}

/**
 * Writes `points` with `write`, splitting what the sink refuses until the refused points stand
 * alone (or the sink says it refused every one of them). Retryable failures propagate: the caller
 * keeps the whole batch (outbox) and nothing is dead-lettered yet, so a replay does not record the
 * same refusal twice. At most 2n - 1 writes for n points, about 2 log2(n) per refused point.
 */
async function writeSplitting(points: HistoryPoint[], write: (points: HistoryPoint[]) => Promise<void>): Promise<Refused[]> {
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

const refusedCount = (refused: readonly Refused[]): number => refused.reduce((n, r) => n + r.points.length, 0);

export class HistoryWriter implements HistoryQueue {
  private batch: Batch = emptyBatch();
  /** Full batches waiting for a free write slot, oldest first. */
  private readonly ready: Batch[] = [];
  private timer: TimerHandle | null = null;
  private inFlight = 0;
  private pending = 0;
  private sinkUp = true;
  private replaying: Promise<void> | null = null;
  private stopped = false;
  private drainWaiters: (() => void)[] = [];
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly sink: HistorySink,
    private readonly outbox: Outbox,
    private readonly scheduler: Scheduler,
    private readonly options: WriterOptions,
    private readonly observer: WriterObserver = {},
  ) {}

  /** Starts replaying whatever an earlier run left in the outbox. */
  start(): void {
    if (this.outbox.depth().batches > 0) this.startReplay();
  }

  /**
   * Queues one message's points; they are never split across batches, so `onDurable` fires
   * only when every one of them is stored or in the outbox.
   */
  add(points: HistoryPoint | readonly HistoryPoint[], minTs: number, maxTs: number, onDurable?: Durable): void {
    const b = this.batch;
    if (isMany(points)) {
      for (const p of points) b.points.push(p);
      this.pending += points.length;
    } else {
      b.points.push(points);
      this.pending++;
    }
    if (onDurable) b.acks.push(onDurable);
    if (minTs < b.minTs) b.minTs = minTs;
    if (maxTs > b.maxTs) b.maxTs = maxTs;
    if (b.points.length >= this.options.maxBatchPoints) {
      this.seal();
      this.pump();
    } else if (!this.timer) {
      this.timer = this.scheduler.setTimeout(() => this.flush(), this.options.flushIntervalMs);
    }
  }

  /** True while producers should hold back (queued + in-flight points at the limit). */
  get saturated(): boolean {
    return this.pending >= this.options.maxQueuedPoints;
  }

  /** Resolves once the queue is back under half its limit. */
  whenDrained(): Promise<void> {
    if (this.pending < this.options.maxQueuedPoints / 2) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** Points accepted but not yet durable. */
  get queuedPoints(): number {
    return this.pending;
  }

  get isSinkUp(): boolean {
    return this.sinkUp;
  }

  outboxDepth(): { batches: number; points: number } {
    return this.outbox.depth();
  }

  /** Writes out what is queued now and resolves when nothing is queued or in flight. */
  async flushAll(): Promise<void> {
    this.flush();
    if (this.pending === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  /** Resolves once nothing is queued and the replay has ended; a replay waiting to retry ends at once. */
  async stop(): Promise<void> {
    await this.flushAll();
    this.stopped = true;
    for (const wake of this.replayWaits.values()) wake();
    await this.replaying;
  }

  private flush(): void {
    this.seal();
    this.pump();
  }

  private seal(): void {
    if (this.timer) {
      this.scheduler.clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.batch.points.length === 0) return;
    this.ready.push(this.batch);
    this.batch = emptyBatch();
  }

  /** Sends ready batches while write slots are free; behind a non-empty outbox, queues them there. */
  private pump(): void {
    while (this.ready.length > 0) {
      const queueBehindOutbox = this.replaying !== null || this.outbox.depth().batches > 0 || !this.sinkUp;
      if (queueBehindOutbox) {
        this.toOutbox(this.ready.shift()!);
        continue;
      }
      if (this.inFlight >= this.options.maxInFlight) return; // pumped again when a write completes
      this.send(this.ready.shift()!);
    }
  }

  private send(batch: Batch): void {
    this.inFlight++;
    const started = performance.now();
    writeSplitting(batch.points, (points) => this.sink.write(points))
      .then(
        (refused) => {
          const stored = batch.points.length - refusedCount(refused);
          if (stored > 0) this.observer.written?.(stored, (performance.now() - started) / 1000);
          for (const r of refused) this.deadLetter(r.points, r.reason);
          this.noteLate(batch);
          this.settle(batch);
        },
        (err: unknown) => {
          this.markSink(false, err as Error);
          this.toOutbox(batch);
        },
      )
      .finally(() => {
        this.inFlight--;
        this.pump();
      });
  }

  private late: { from: number; to: number } | null = null;
  private lateTimer: TimerHandle | null = null;

  /** Late points (a device's buffered backlog, HTTP imports) get their roll-ups recomputed. */
  private noteLate(batch: Batch): void {
    const lateAfterMs = this.options.lateAfterMs ?? DEFAULT_LATE_AFTER_MS;
    const now = this.scheduler.now();
    if (batch.minTs >= now - lateAfterMs) return;
    const to = Math.min(batch.maxTs, now - lateAfterMs);
    this.late = this.late ? { from: Math.min(this.late.from, batch.minTs), to: Math.max(this.late.to, to) } : { from: batch.minTs, to };
    if (this.lateTimer) return;
    this.lateTimer = this.scheduler.setTimeout(() => {
      this.lateTimer = null;
      const range = this.late!;
      this.late = null;
      this.sink.backfill(range.from, range.to).catch((err: unknown) => this.observer.backfillFailed?.(err as Error));
    }, LATE_BACKFILL_EVERY_MS);
  }

  private toOutbox(batch: Batch): void {
    this.outbox.append({ points: batch.points, minTs: batch.minTs, maxTs: batch.maxTs });
    this.observer.outboxed?.(batch.points.length);
    this.settle(batch);
    this.startReplay();
  }

  private deadLetter(points: readonly HistoryPoint[], reason: string): void {
    const { evicted } = this.outbox.deadLetter(points, reason);
    this.observer.deadLettered?.(points.length, reason);
    if (evicted > 0) this.observer.deadLetterEvicted?.(evicted);
  }

  /** The batch is durable: tell its producers, release backpressure. */
  private settle(batch: Batch): void {
    for (const ack of batch.acks) ack();
    this.pending -= batch.points.length;
    if (this.drainWaiters.length && this.pending < this.options.maxQueuedPoints / 2) {
      for (const w of this.drainWaiters.splice(0)) w();
    }
    if (this.idleWaiters.length && this.pending === 0) {
      for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  private markSink(up: boolean, error?: Error): void {
    if (this.sinkUp === up) return;
    this.sinkUp = up;
    this.observer.sinkState?.(up, error);
  }

  /** Waits of the replay, by handle: stopping cuts them short (InfluxDB may stay down for long). */
  private readonly replayWaits = new Map<TimerHandle, () => void>();
  private readonly replayTimers: Timers = {
    setTimeout: (fn, ms) => {
      const handle = this.scheduler.setTimeout(() => {
        this.replayWaits.delete(handle);
        fn();
      }, ms);
      this.replayWaits.set(handle, () => {
        this.replayTimers.clearTimeout(handle);
        fn();
      });
      return handle;
    },
    clearTimeout: (handle) => {
      this.replayWaits.delete(handle);
      this.scheduler.clearTimeout(handle);
    },
  };

  private startReplay(): void {
    if (this.replaying || this.stopped) return;
    this.replaying = this.replay().finally(() => {
      this.replaying = null;
    });
  }

  private async replay(): Promise<void> {
    const initialMs = this.options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;
    const backoff = { initialMs, maxMs: this.options.maxRetryDelayMs ?? DEFAULT_MAX_RETRY_DELAY_MS };
    let from = Infinity;
    let to = -Infinity;
    // Let a failed write that sent us here settle before the first retry.
    await sleep(this.replayTimers, this.sinkUp ? 0 : initialMs);
    for (let next = this.outbox.oldest(); next && !this.stopped; next = this.outbox.oldest()) {
      const batch = next;
      let refused: Refused[];
      try {
        refused = await writeSplitting([...batch.points], (points) =>
          retry(() => this.sink.write(points), {
            timers: this.replayTimers,
            backoff,
            shouldRetry: isRetryable,
            stopped: () => this.stopped,
            onRetry: (err) => this.markSink(false, err as Error),
          }),
        );
      } catch {
        break; // stopped while InfluxDB is still down: the outbox keeps the rest
      }
      for (const r of refused) this.deadLetter(r.points, r.reason);
      this.outbox.remove(batch);
      this.markSink(true);
      const stored = batch.points.length - refusedCount(refused);
      if (stored > 0) this.observer.replayed?.(stored);
      from = Math.min(from, batch.minTs);
      to = Math.max(to, batch.maxTs);
    }
    if (from <= to) {
      this.sink.backfill(from, to).catch((err: unknown) => this.observer.backfillFailed?.(err as Error));
    }
  }
}

const isMany = (points: HistoryPoint | readonly HistoryPoint[]): points is readonly HistoryPoint[] => Array.isArray(points);
