/**
 * Escalation webhooks: what is not handled in time goes to the next level up. POSTs the escalated
 * alarm as JSON to each configured URL, retrying with backoff; failures are logged and counted,
 * never allowed to block the alarm path.
 */
import type { AlarmEvent } from '../../../contract/index.ts';
import type { EscalationNotifier } from '../services/alarm.ports.ts';
import type { Timers } from '../services/clock.ts';
import { retry, type BackoffOptions } from '../services/retry.ts';
import type { Logger } from '../logger.ts';

/** Waits of 1, 5 and 15 s between four attempts: a receiver restarting is caught, a dead one given up on within half a minute. */
export const WEBHOOK_BACKOFF: BackoffOptions = { initialMs: 1000, factor: 5, maxMs: 15_000 };
export const WEBHOOK_ATTEMPTS = 4;
const WEBHOOK_TIMEOUT_MS = 5000;

export class WebhookNotifier implements EscalationNotifier {
  constructor(
    private readonly urls: readonly string[],
    private readonly logger: Logger,
    private readonly timers: Timers,
    private readonly onResult: (ok: boolean) => void = () => {},
    private readonly backoff: BackoffOptions = WEBHOOK_BACKOFF,
  ) {}

  escalated(event: AlarmEvent): void {
    if (event.subject !== 'alarm') return;
    const body = JSON.stringify({
      type: 'vigil.alarm.escalated',
      seq: event.seq,
      at: new Date(event.at).toISOString(),
      level: event.level ?? null,
      alarm: event.alarm,
    });
    for (const url of this.urls) void this.deliver(url, body, event.alarmId);
  }

  private async deliver(url: string, body: string, alarmId: string): Promise<void> {
    try {
      await retry(
        async () => {
          const res = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body,
            signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
          });
          if (!res.ok) throw new Error(`HTTP ${res.status}`);
        },
        { timers: this.timers, backoff: this.backoff, maxAttempts: WEBHOOK_ATTEMPTS },
      );
      this.onResult(true);
    } catch (err) {
      this.onResult(false);
      this.logger.error({ url, alarmId, err: (err as Error).message }, 'escalation webhook failed after retries');
    }
  }
}
