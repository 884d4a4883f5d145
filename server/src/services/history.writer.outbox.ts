/**
 * The history writer's side of the durable outbox: appending the batches the sink could not take,
 * in arrival order, and replaying them into the sink.
 *
 * A batch counts as durable once its append has committed. Replay retries with backoff until the
 * sink answers, then the long-range roll-ups of the replayed time range are recomputed.
 *
 * Several nodes may share the outbox (PostgreSQL): each replays it, a batch at a time under a claim
 * (Outbox `claim`), and looks at it every `outboxPollMs`, so a node that died with batches in it
 * leaves none stranded once its claims run out. A write to the outbox or the dead letter that fails
 * (the database is unreachable) is retried with backoff until it is stored or the writer stops.
 */
import { randomUUID } from 'node:crypto';
import type { Scheduler, TimerHandle, Timers } from './clock.ts';
import { sleep } from './clock.ts';
import type { HistorySink, Outbox, OutboxBatch } from './history.ports.ts';
import { isRetryable, storedCount, writeSplitting, type Refused, type SinkState, type WriterObserver } from './history.writer.sink.ts';
import { retry, type BackoffOptions } from './retry.ts';

export interface OutboxOptions {
  /** First replay retry delay; doubles up to `maxRetryDelayMs`. */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** How often to look for batches in the outbox this node did not put there (default OUTBOX_POLL_MS); null: only at start. */
  outboxPollMs?: number | null;
  /** This node's name on the outbox batches it replays; a new one for each process by default. */
  owner?: string;
}

const DEFAULT_RETRY_DELAY_MS = 500;
const DEFAULT_MAX_RETRY_DELAY_MS = 10_000;
/** A dead node's outbox batches are replayed by another within about this long after its claims run out. */
export const OUTBOX_POLL_MS = 30_000;
/**
 * A replay claim outlives the holder's last sign of life (a write attempt) by this long: more than
 * the longest wait between attempts (maxRetryDelayMs) plus a write's timeout, so a live replayer
 * keeps it.
 */
export const OUTBOX_CLAIM_MS = 120_000;

/** The replay's claim on a batch ran out and another replayer took it over. */
class ClaimLost extends Error {
  constructor() {
    super('outbox batch claimed by another replayer');
  }
}

export class WriterOutbox {
  private replaying: Promise<void> | null = null;
  /** Something reached the outbox while a replay was ending: replay again. */
  private replayAgain = false;
  private stopped = false;
  /** What the outbox holds on every node, as last read, with this node's appends and replays since. */
  private held = { batches: 0, points: 0 };
  /** Batches on their way into the outbox; appended one after another, so they replay in arrival order. */
  private appending = 0;
  private lastAppend: Promise<void> = Promise.resolve();
  private poll: TimerHandle | null = null;
  private readonly owner: string;
  private readonly backoff: BackoffOptions;

  constructor(
    private readonly sink: HistorySink,
    private readonly outbox: Outbox,
    private readonly scheduler: Scheduler,
    private readonly sinkState: SinkState,
    private readonly options: OutboxOptions,
    private readonly observer: WriterObserver,
  ) {
    this.owner = options.owner ?? randomUUID();
    this.backoff = { initialMs: options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS, maxMs: options.maxRetryDelayMs ?? DEFAULT_MAX_RETRY_DELAY_MS };
  }

  /** Starts replaying whatever an earlier run (or another node) left in the outbox, and keeps looking. */
  start(): void {
    this.startReplay();
    this.schedulePoll();
  }

  /** Ends the polls and the replay; a replay waiting to retry ends at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.poll !== null) this.scheduler.clearTimeout(this.poll);
    this.poll = null;
    for (const wake of this.waits.values()) wake();
    await this.replaying;
  }

  /** As last read (at each replay's start and end), with this node's changes since. */
  get depth(): { batches: number; points: number } {
    return this.held;
  }

  /** True while new batches must queue behind the outbox, so that replay keeps arrival order. */
  get holdsAny(): boolean {
    return this.held.batches > 0 || this.appending > 0;
  }

  /**
   * Appends a batch after those before it; `settled(true)` once the append has committed, never
   * before (nothing lost), `settled(false)` when the writer stopped first.
   */
  append(batch: Omit<OutboxBatch, 'id'>, settled: (stored: boolean) => void): void {
    this.appending++;
    const appended = this.lastAppend.then(() => this.durably(() => this.outbox.append(batch)));
    this.lastAppend = appended.catch(() => {});
    void appended.then(
      () => {
        this.appending--;
        this.held = { batches: this.held.batches + 1, points: this.held.points + batch.points.length };
        this.observer.outboxed?.(batch.points.length);
        settled(true);
        this.startReplay();
      },
      () => {
        this.appending--;
        settled(false);
      },
    );
  }

  /** Keeps the points the sink refused; false when the writer stopped before they were stored. */
  async deadLetter(refused: readonly Refused[]): Promise<boolean> {
    try {
      const { evicted } = await this.durably(() => this.outbox.deadLetter(refused));
      this.deadLettered(refused, evicted);
      return true;
    } catch {
      return false;
    }
  }

  /** A write to the outbox or the dead letter, retried until it is stored or the writer stops. */
  private durably<T>(write: () => Promise<T>): Promise<T> {
    return retry(write, {
      timers: this.timers,
      backoff: this.backoff,
      stopped: () => this.stopped,
      onRetry: (err) => this.observer.storeFailed?.(err as Error),
    });
  }

  private deadLettered(refused: readonly Refused[], evicted: number): void {
    for (const r of refused) this.observer.deadLettered?.(r.points.length, r.reason);
    if (evicted > 0) this.observer.deadLetterEvicted?.(evicted);
  }

  private schedulePoll(): void {
    const every = this.options.outboxPollMs === undefined ? OUTBOX_POLL_MS : this.options.outboxPollMs;
    if (every === null || this.stopped) return;
    this.poll = this.scheduler.setTimeout(() => {
      this.startReplay();
      this.schedulePoll();
    }, every);
  }

  /** Waits of the replay and the appends, by handle: stopping cuts them short (InfluxDB may stay down for long). */
  private readonly waits = new Map<TimerHandle, () => void>();
  private readonly timers: Timers = {
    setTimeout: (fn, ms) => {
      const handle = this.scheduler.setTimeout(() => {
        this.waits.delete(handle);
        fn();
      }, ms);
      this.waits.set(handle, () => {
        this.timers.clearTimeout(handle);
        fn();
      });
      return handle;
    },
    clearTimeout: (handle) => {
      this.waits.delete(handle);
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
    let from = Infinity;
    let to = -Infinity;
    // Let a failed write that sent us here settle before the first retry.
    await sleep(this.timers, this.sinkState.up ? 0 : this.backoff.initialMs);
    try {
      this.held = await this.outbox.depth();
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
                timers: this.timers,
                backoff: this.backoff,
                shouldRetry: (err) => !(err instanceof ClaimLost) && isRetryable(err),
                stopped: () => this.stopped,
                onRetry: (err) => this.sinkState.mark(false, err as Error),
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
        this.sinkState.mark(true);
        if (done === null) continue; // the replayer that took the claim over records the batch
        this.replayed(batch, refused, done.evicted);
        from = Math.min(from, batch.minTs);
        to = Math.max(to, batch.maxTs);
      }
      this.held = await this.outbox.depth();
    } catch (err) {
      // The database failed: what is left stays in the outbox for the next replay (the next append or poll).
      this.observer.storeFailed?.(err as Error);
    }
    if (from <= to) {
      this.sink.backfill(from, to).catch((err: unknown) => this.observer.backfillFailed?.(err as Error));
    }
  }

  private replayed(batch: OutboxBatch, refused: readonly Refused[], evicted: number): void {
    this.held = { batches: Math.max(0, this.held.batches - 1), points: Math.max(0, this.held.points - batch.points.length) };
    this.deadLettered(refused, evicted);
    const stored = storedCount(batch.points.length, refused);
    if (stored > 0) this.observer.replayed?.(stored);
  }
}
