/**
 * The broker's dropped-message counter turned into a trouble signal. Mosquitto drops a QoS 1
 * message for a session whose queue is past `max_queued_messages` (config/mosquitto.conf), and
 * the only trace is `$SYS/broker/publish/messages/dropped`: without this, a burst could lose
 * readings while `/api/health` stayed green.
 *
 * That counter is the broker's, cumulative since the broker started, and it counts drops for EVERY
 * client of the broker, not only Vigil's ingest session: whatever is said from it must say "the
 * broker dropped N messages", never "Vigil lost N readings".
 */
import type { Scheduler, TimerHandle } from './clock.ts';

/** Health stays degraded this long after the count last rose: long enough for an officer polling every few minutes to see it. */
export const BROKER_DROPS_RECENT_MS = 10 * 60_000;
/** While the count keeps rising, at most one log line per this long. */
export const BROKER_DROPS_LOG_EVERY_MS = 60_000;

/** What the counter reports, as Vigil has seen it since it started. */
export interface DropTally {
  /** The first value seen in the current broker run (drops before it happened before Vigil was watching); null before any. */
  baseline: number | null;
  last: number | null;
  /** Drops seen in earlier broker runs, since Vigil started. */
  earlier: number;
}

export const NO_DROPS: DropTally = { baseline: null, last: null, earlier: 0 };

/**
 * Takes in one reported value. A value below the last one means the broker restarted and its counter
 * began again at zero, so everything it now reports happened while Vigil was running. A restart whose
 * new count already exceeds the old one by the time Vigil hears it cannot be told apart and is
 * undercounted; reconnecting to the same broker run continues the tally (drops while Vigil was
 * away from its persistent session are exactly the ones that matter).
 */
export function tallyDrops(t: DropTally, reported: number): DropTally {
  if (t.baseline === null || t.last === null) return { ...t, baseline: reported, last: reported };
  if (reported < t.last) return { baseline: 0, last: reported, earlier: t.earlier + t.last - t.baseline };
  return { ...t, last: reported };
}

/** Messages the broker dropped since Vigil started watching. */
export function droppedSinceStart(t: DropTally): number {
  return t.earlier + (t.last ?? 0) - (t.baseline ?? 0);
}

export interface BrokerDropsStatus {
  /** Messages the broker dropped since Vigil started (all its clients). */
  dropped: number;
  /** Whether the count rose within BROKER_DROPS_RECENT_MS. */
  recent: boolean;
  /** When Vigil last saw the count rise; null if never. */
  lastRiseAt: number | null;
}

export type BrokerDropsEvent = 'started' | 'rising' | 'stopped';

/**
 * Follows the counter and says when drops start, keep rising (at most once a minute) and stop:
 * one line per change of state, not one per `$SYS` message.
 */
export class BrokerDrops {
  private tally: DropTally = NO_DROPS;
  private lastRiseAt: number | null = null;
  private loggedAt = 0;
  private quietTimer: TimerHandle | undefined;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly onEvent: (event: BrokerDropsEvent, dropped: number) => void,
  ) {}

  report(reported: number): void {
    const before = droppedSinceStart(this.tally);
    this.tally = tallyDrops(this.tally, reported);
    const dropped = droppedSinceStart(this.tally);
    if (dropped <= before) return;
    const now = this.scheduler.now();
    const wasRecent = this.isRecent(now);
    this.lastRiseAt = now;
    if (!wasRecent) {
      this.loggedAt = now;
      this.onEvent('started', dropped);
    } else if (now - this.loggedAt >= BROKER_DROPS_LOG_EVERY_MS) {
      this.loggedAt = now;
      this.onEvent('rising', dropped);
    }
    if (this.quietTimer !== undefined) this.scheduler.clearTimeout(this.quietTimer);
    this.quietTimer = this.scheduler.setTimeout(() => {
      this.quietTimer = undefined;
      this.onEvent('stopped', droppedSinceStart(this.tally));
    }, BROKER_DROPS_RECENT_MS);
  }

  status(): BrokerDropsStatus {
    return { dropped: droppedSinceStart(this.tally), recent: this.isRecent(this.scheduler.now()), lastRiseAt: this.lastRiseAt };
  }

  stop(): void {
    if (this.quietTimer !== undefined) this.scheduler.clearTimeout(this.quietTimer);
    this.quietTimer = undefined;
  }

  private isRecent(now: number): boolean {
    return this.lastRiseAt !== null && now - this.lastRiseAt < BROKER_DROPS_RECENT_MS;
  }
}
