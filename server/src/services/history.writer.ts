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
 *
 * Several nodes may share the outbox (PostgreSQL): each replays it, a batch at a time under a claim
 * (Outbox `claim`), and looks at it every `outboxPollMs`, so a node that died with batches in it
 * leaves none stranded once its claims run out. A write to the outbox or the dead letter that fails
 * (the database is unreachable) is retried with backoff: the messages it carries are acknowledged
 * only once it is stored, and meanwhile backpressure holds the producers.
 */
import { randomUUID } from 'node:crypto';
import type { Scheduler, TimerHandle, Timers } from './clock.ts';
import { sleep } from './clock.ts';
import type { HistoryPoint, HistoryQueue, HistorySink, Outbox, OutboxBatch, RefusedPoints } from './history.ports.ts';
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
  /** How often to look for batches in the outbox this node did not put there (default OUTBOX_POLL_MS); null: only at start. */
  outboxPollMs?: number | null;
  /** This node's name on the outbox batches it replays; a new one for each process by default. */
  owner?: string;
}

const DEFAULT_RETRY_DELAY_MS = 500;
const DEFAULT_MAX_RETRY_DELAY_MS = 10_000;
/** The minute roll-up re-reads the last 5 minutes once a minute (influx.schema.ts): older points may miss its last pass. */
const DEFAULT_LATE_AFTER_MS = 4 * 60_000;
/** Late ranges are coalesced into one backfill at most this often (a backlog arrives in many batches). */
const LATE_BACKFILL_EVERY_MS = 5000;
/** A dead node's outbox batches are replayed by another within about this long after its claims run out. */
export const OUTBOX_POLL_MS = 30_000;
/**
 * A replay claim outlives the holder's last sign of life (a write attempt) by this long: more than
 * the longest wait between attempts (maxRetryDelayMs) plus a write's timeout, so a live replayer
 * keeps it.
 */
export const OUTBOX_CLAIM_MS = 120_000;

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

type Durable = () => void;

interface Batch {
  points: HistoryPoint[];
  acks: Durable[];
  minTs: number;
  maxTs: number;
}

const emptyBatch = (): Batch => ({ points: [], acks: [], minTs: Infinity, maxTs: -Infinity });
const isRetryable = (err: unknown): boolean => (err as { retryable?: boolean }).retryable !== false;

type Refused = RefusedPoints & { points: HistoryPoint[] };

/** The replay's claim on a batch ran out and another replayer took it over. */
class ClaimLost extends Error {
  constructor() {
    super('outbox batch claimed by another replayer');
  }
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
  /** Something reached the outbox while a replay was ending: replay again. */
  private replayAgain = false;
  private stopped = false;
  private drainWaiters: (() => void)[] = [];
  private idleWaiters: (() => void)[] = [];
  /** What the outbox holds on every node, as last read, with this node's appends and replays since. */
  private depth = { batches: 0, points: 0 };
  /** Batches on their way into the outbox; appended one after another, so they replay in arrival order. */
  private outboxing = 0;
  private appending: Promise<void> = Promise.resolve();
  private poll: TimerHandle | null = null;
  private readonly owner: string;

  constructor(
    private readonly sink: HistorySink,
    private readonly outbox: Outbox,
    private readonly scheduler: Scheduler,
    private readonly options: WriterOptions,
    private readonly observer: WriterObserver = {},
  ) {
    this.owner = options.owner ?? randomUUID();
  }

  /** Starts replaying whatever an earlier run (or another node) left in the outbox, and keeps looking. */
  start(): void {
    this.startReplay();
    this.schedulePoll();
  }

  private schedulePoll(): void {
    const every = this.options.outboxPollMs === undefined ? OUTBOX_POLL_MS : this.options.outboxPollMs;
    if (every === null || this.stopped) return;
    this.poll = this.scheduler.setTimeout(() => {
      this.startReplay();
      this.schedulePoll();
    }, every);
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

  /** As last read (at each replay's start and end), with this node's changes since: synchronous, for gauges and health. */
  outboxDepth(): { batches: number; points: number } {
    return this.depth;
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
    if (this.poll !== null) this.scheduler.clearTimeout(this.poll);
    this.poll = null;
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
      const queueBehindOutbox = this.depth.batches > 0 || this.outboxing > 0 || !this.sinkUp;
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
    void this.write(batch).finally(() => {
      this.inFlight--;
      this.pump();
    });
  }

  /** Never rejects: the batch ends stored (acknowledged), in the outbox (acknowledged), or abandoned when stopped. */
  private async write(batch: Batch): Promise<void> {
    const started = performance.now();
    let refused: Refused[];
    try {
      refused = await writeSplitting(batch.points, (points) => this.sink.write(points));
    } catch (err) {
      this.markSink(false, err as Error);
      this.toOutbox(batch);
      return;
    }
    const stored = batch.points.length - refusedCount(refused);
    if (stored > 0) this.observer.written?.(stored, (performance.now() - started) / 1000);
    this.noteLate(batch);
    if (refused.length > 0) {
      try {
        const { evicted } = await this.durably(() => this.outbox.deadLetter(refused));
        this.deadLettered(refused, evicted);
      } catch {
        this.abandon(batch);
        return;
      }
    }
    this.settle(batch);
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

  /** Acknowledged once the append has committed, never before (nothing lost). */
  private toOutbox(batch: Batch): void {
    this.outboxing++;
    const appended = this.appending.then(() => this.durably(() => this.outbox.append({ points: batch.points, minTs: batch.minTs, maxTs: batch.maxTs })));
    this.appending = appended.catch(() => {});
    void appended.then(
      () => {
        this.outboxing--;
        this.depth = { batches: this.depth.batches + 1, points: this.depth.points + batch.points.length };
        this.observer.outboxed?.(batch.points.length);
        this.settle(batch);
        this.startReplay();
      },
      () => {
        this.outboxing--;
        this.abandon(batch);
      },
    );
  }

  /** A write to the outbox or the dead letter, retried until it is stored or the writer stops. */
  private durably<T>(write: () => Promise<T>): Promise<T> {
    return retry(write, {
      timers: this.replayTimers,
      backoff: { initialMs: this.options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS, maxMs: this.options.maxRetryDelayMs ?? DEFAULT_MAX_RETRY_DELAY_MS },
      stopped: () => this.stopped,
      onRetry: (err) => this.observer.storeFailed?.(err as Error),
    });
  }

  private deadLettered(refused: readonly Refused[], evicted: number): void {
    for (const r of refused) this.observer.deadLettered?.(r.points.length, r.reason);
    if (evicted > 0) this.observer.deadLetterEvicted?.(evicted);
  }

  /** The batch is durable: tell its producers, release backpressure. */
  private settle(batch: Batch): void {
    for (const ack of batch.acks) ack();
    this.release(batch);
  }

  /**
   * Stopped before the batch could be stored: its producers are not told it is durable (MQTT
   * delivers the messages again after the restart), and it no longer holds the queue.
   */
  private abandon(batch: Batch): void {
    this.release(batch);
  }

  private release(batch: Batch): void {
    this.pending -= batch.points.length;
    if (this.drainWaiters.length && this.pending < this.options.maxQueuedPoints / 2) {
      for (const w of this.drainWaiters.splice(0)) w();
    }
    if (this.idleWaiters.length && this.pending === 0) {
      for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  private replayedBatch(batch: OutboxBatch, refused: readonly Refused[], evicted: number): void {
    this.depth = { batches: Math.max(0, this.depth.batches - 1), points: Math.max(0, this.depth.points - batch.points.length) };
    this.deadLettered(refused, evicted);
    const stored = batch.points.length - refusedCount(refused);
    if (stored > 0) this.observer.replayed?.(stored);
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
    if (this.stopped) return;
    if (this.replaying) {
      this.replayAgain = true;
      return;
    }
    this.replayAgain = false;
    this.replaying = this.replay().finally(() => {
      this.replaying = null;
      if (this.replayAgain) this.startReplay();
    });
  }

  /** Replays batch after batch, each under a claim, while the outbox holds any nobody else is replaying. */
  private async replay(): Promise<void> {
    const initialMs = this.options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;
    const backoff = { initialMs, maxMs: this.options.maxRetryDelayMs ?? DEFAULT_MAX_RETRY_DELAY_MS };
    let from = Infinity;
    let to = -Infinity;
    // Let a failed write that sent us here settle before the first retry.
    await sleep(this.replayTimers, this.sinkUp ? 0 : initialMs);
    try {
      this.depth = await this.outbox.depth();
      while (!this.stopped) {
        const now = this.scheduler.now();
        const batch = await this.outbox.claim(this.owner, now + OUTBOX_CLAIM_MS, now);
        if (!batch) break;
        let refused: Refused[];
        try {
          refused = await writeSplitting([...batch.points], (points) =>
            retry(
              async (attempt) => {
                // Each attempt after a wait renews the claim, and stops if another replayer took the batch.
                if (attempt > 1 && !(await this.outbox.renew(batch, this.owner, this.scheduler.now() + OUTBOX_CLAIM_MS))) throw new ClaimLost();
                await this.sink.write(points);
              },
              {
                timers: this.replayTimers,
                backoff,
                shouldRetry: (err) => !(err instanceof ClaimLost) && isRetryable(err),
                stopped: () => this.stopped,
                onRetry: (err) => this.markSink(false, err as Error),
              },
            ),
          );
        } catch (err) {
          if (err instanceof ClaimLost) continue;
          // Stopped while InfluxDB is still down: the outbox keeps the rest, for the next start or another node.
          await this.outbox.release(batch, this.owner);
          break;
        }
        const done = await this.outbox.complete(batch, this.owner, refused);
        this.markSink(true);
        if (done === null) continue; // the replayer that took the claim over records the batch
        this.replayedBatch(batch, refused, done.evicted);
        from = Math.min(from, batch.minTs);
        to = Math.max(to, batch.maxTs);
      }
      this.depth = await this.outbox.depth();
    } catch (err) {
      // The database failed: what is left stays in the outbox for the next replay (the next append or poll).
      this.observer.storeFailed?.(err as Error);
    }
    if (from <= to) {
      this.sink.backfill(from, to).catch((err: unknown) => this.observer.backfillFailed?.(err as Error));
    }
  }
}

const isMany = (points: HistoryPoint | readonly HistoryPoint[]): points is readonly HistoryPoint[] => Array.isArray(points);
