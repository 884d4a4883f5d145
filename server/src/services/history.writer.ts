/**
 * The history writer: batches points to the history sink (InfluxDB), up to `maxBatchPoints` or
 * `flushIntervalMs`, with at most `maxInFlight` writes at once.
 *
 * Nothing lost: a batch is either stored in the sink or appended to the durable outbox before
 * anyone is told it is durable (`onDurable`, which the MQTT adapter turns into the PUBACK).
 * While the outbox holds anything, new batches queue behind it so replay keeps arrival order
 * (appending and replaying: `history.writer.outbox.ts`). A write to the outbox or the dead letter
 * that fails (the database is unreachable) is retried: the messages it carries are acknowledged
 * only once it is stored, and meanwhile backpressure holds the producers.
 *
 * A batch the sink refuses is split until the refused points stand alone, and only those go to the
 * dead letter (`history.writer.sink.ts`). Points older than the continuous queries cover get their
 * roll-ups recomputed.
 */
import type { Scheduler, TimerHandle } from './clock.ts';
import type { HistoryPoint, HistoryQueue, HistorySink, Outbox } from './history.ports.ts';
import { WriterOutbox, type OutboxOptions } from './history.writer.outbox.ts';
import { SinkState, storedCount, writeSplitting, type Refused, type WriterObserver } from './history.writer.sink.ts';

export type { WriterObserver } from './history.writer.sink.ts';

export interface WriterOptions extends OutboxOptions {
  maxBatchPoints: number;
  flushIntervalMs: number;
  maxInFlight: number;
  /** Points queued or in flight beyond which producers should stop reading (backpressure). */
  maxQueuedPoints: number;
  /**
   * Points older than this when written are late for the continuous queries (which resample only
   * the last minutes): their range is backfilled into the roll-ups.
   */
  lateAfterMs?: number;
}

/** The minute roll-up re-reads the last 5 minutes once a minute (influx.schema.ts): older points may miss its last pass. */
const DEFAULT_LATE_AFTER_MS = 4 * 60_000;
/** Late ranges are coalesced into one backfill at most this often (a backlog arrives in many batches). */
const LATE_BACKFILL_EVERY_MS = 5000;

type Durable = () => void;

interface Batch {
  points: HistoryPoint[];
  acks: Durable[];
  minTs: number;
  maxTs: number;
}

const emptyBatch = (): Batch => ({ points: [], acks: [], minTs: Infinity, maxTs: -Infinity });

export class HistoryWriter implements HistoryQueue {
  private batch: Batch = emptyBatch();
  /** Full batches waiting for a free write slot, oldest first. */
  private readonly ready: Batch[] = [];
  private timer: TimerHandle | null = null;
  private inFlight = 0;
  private pending = 0;
  private drainWaiters: (() => void)[] = [];
  private idleWaiters: (() => void)[] = [];
  private readonly sinkState: SinkState;
  private readonly outbox: WriterOutbox;

  constructor(
    private readonly sink: HistorySink,
    outbox: Outbox,
    private readonly scheduler: Scheduler,
    private readonly options: WriterOptions,
    private readonly observer: WriterObserver = {},
  ) {
    this.sinkState = new SinkState(observer);
    this.outbox = new WriterOutbox(sink, outbox, scheduler, this.sinkState, options, observer);
  }

  /** Starts replaying whatever an earlier run (or another node) left in the outbox, and keeps looking. */
  start(): void {
    this.outbox.start();
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
    return this.sinkState.up;
  }

  /** As last read (at each replay's start and end), with this node's changes since: synchronous, for gauges and health. */
  outboxDepth(): { batches: number; points: number } {
    return this.outbox.depth;
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
    await this.outbox.stop();
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
      const queueBehindOutbox = this.outbox.holdsAny || !this.sinkState.up;
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
      this.sinkState.mark(false, err as Error);
      this.toOutbox(batch);
      return;
    }
    const stored = storedCount(batch.points.length, refused);
    if (stored > 0) this.observer.written?.(stored, (performance.now() - started) / 1000);
    this.noteLate(batch);
    if (refused.length > 0 && !(await this.outbox.deadLetter(refused))) {
      this.abandon(batch);
      return;
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
    this.outbox.append({ points: batch.points, minTs: batch.minTs, maxTs: batch.maxTs }, (stored) => (stored ? this.settle(batch) : this.abandon(batch)));
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
}

const isMany = (points: HistoryPoint | readonly HistoryPoint[]): points is readonly HistoryPoint[] => Array.isArray(points);
