/**
 * The one retry policy: exponential backoff with jitter, capped, on the Timers port. Used by every
 * loop that waits for something outside Vigil to come back (InfluxDB schema, the outbox replay,
 * webhooks, the MQTT reconnect), so all of them behave — and are tested — the same way.
 */
import { sleep, type Timers } from './clock.ts';

export interface BackoffOptions {
  /** First delay. */
  initialMs: number;
  /** Delays never exceed this (before jitter). */
  maxMs: number;
  /** Growth per attempt; 2 doubles. */
  factor?: number;
  /**
   * Fraction of each delay drawn at random and added (0 = none). Many clients reconnecting to
   * one broker after it restarts spread out instead of arriving in the same millisecond.
   */
  jitter?: number;
  /** Random source in [0, 1), for tests. */
  random?: () => number;
}

/** Successive delays for one outage; `reset()` once the thing works again. */
export class Backoff {
  private attempt = 0;

  constructor(private readonly options: BackoffOptions) {}

  /** The delay before the next attempt, and advances. */
  next(): number {
    const { initialMs, maxMs, factor = 2, jitter = 0, random = Math.random } = this.options;
    const base = Math.min(initialMs * factor ** this.attempt, maxMs);
    if (base < maxMs) this.attempt++;
    return Math.round(base + base * jitter * random());
  }

  /** Attempts made since the last reset. */
  get attempts(): number {
    return this.attempt;
  }

  reset(): void {
    this.attempt = 0;
  }
}

export interface RetryOptions {
  timers: Timers;
  backoff: BackoffOptions;
  /** At most this many attempts in all (default: until it succeeds or `shouldRetry` says no). */
  maxAttempts?: number;
  /** False ends the retries and rethrows (a permanent error). Default: retry everything. */
  shouldRetry?: (err: unknown, attempt: number) => boolean;
  /** Called before each wait, with the attempt that failed (1-based) and the coming delay. */
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
  /** Checked before each attempt; once true, the last error is rethrown. */
  stopped?: () => boolean;
}

/** Runs `attempt` until it resolves, waiting between failures per the backoff. */
export async function retry<T>(attempt: (n: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const backoff = new Backoff(options.backoff);
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      const last = options.maxAttempts !== undefined && n >= options.maxAttempts;
      if (last || options.stopped?.() || !(options.shouldRetry?.(err, n) ?? true)) throw err;
      const delay = backoff.next();
      options.onRetry?.(err, n, delay);
      await sleep(options.timers, delay);
      if (options.stopped?.()) throw err;
    }
  }
}
