/**
 * Reconnection state across connections: the delay before the next attempt (exponential with
 * jitter, capped: the one retry policy, `Backoff`), reset by an accepted CONNACK, and failures
 * logged once per state rather than per attempt, so a broker down for an hour is one log line.
 */
import type { Logger } from '../logger.ts';
import { Backoff, type BackoffOptions } from '../services/retry.ts';

/** Half a second after the first failure, doubling to at most 30 s, plus up to half again at random. */
export const DEFAULT_RECONNECT: BackoffOptions = { initialMs: 500, maxMs: 30_000, factor: 2, jitter: 0.5 };

export class Reconnection {
  /** Attempts that failed since the last accepted connection. */
  private failedAttempts = 0;
  /** The failure last logged; cleared by an accepted connection. */
  private loggedFailure: string | null = null;
  private readonly backoff: Backoff;

  constructor(
    private readonly logger: Logger,
    options: BackoffOptions = DEFAULT_RECONNECT,
  ) {
    this.backoff = new Backoff(options);
  }

  /** An attempt ended before an accepted CONNACK; logs `reason` when it differs from the last one logged. */
  failed(reason: string): void {
    this.failedAttempts++;
    if (reason === this.loggedFailure) return;
    this.loggedFailure = reason;
    this.logger.warn({ err: reason }, 'MQTT broker unreachable or refused the connection; retrying with backoff');
  }

  /** A CONNACK accepted: the next outage starts from the first delay. Returns the attempts it took. */
  accepted(): number {
    const attempts = this.failedAttempts + 1;
    this.failedAttempts = 0;
    this.backoff.reset();
    this.loggedFailure = null;
    return attempts;
  }

  /** The delay before the next attempt. */
  nextDelayMs(): number {
    return this.backoff.next();
  }

  /** Attempts that failed since the last accepted connection. */
  get failures(): number {
    return this.failedAttempts;
  }
}
