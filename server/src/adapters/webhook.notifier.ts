/**
 * Escalation webhooks: what is not handled in time goes to the next level up. POSTs the escalated
 * alarm as JSON to each configured URL, retrying with backoff; failures are logged and counted,
 * never allowed to block the alarm path.
 */
import type { AlarmEvent } from '../../../contract/index.ts';
import type { EscalationNotifier } from '../services/alarm.ports.ts';
import type { Logger } from '../logger.ts';

const RETRY_DELAYS_MS = [1000, 5000, 15_000];

export class WebhookNotifier implements EscalationNotifier {
  constructor(
    private readonly urls: readonly string[],
    private readonly logger: Logger,
    private readonly onResult: (ok: boolean) => void = () => {},
    private readonly retryDelaysMs: readonly number[] = RETRY_DELAYS_MS,
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
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(5000) });
        if (res.ok) {
          this.onResult(true);
          return;
        }
        throw new Error(`HTTP ${res.status}`);
      } catch (err) {
        const delay = this.retryDelaysMs[attempt];
        if (delay === undefined) {
          this.onResult(false);
          this.logger.error({ url, alarmId, err: (err as Error).message }, 'escalation webhook failed after retries');
          return;
        }
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }
}
