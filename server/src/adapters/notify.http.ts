/** One HTTP POST of a notification, as a result rather than an exception. */
import type { DeliveryResult } from '../services/notification.ports.ts';
import { interpretAnswer } from './notify.formats.ts';

/** A receiver that has not answered in this long is counted as a failed attempt (the next one may do better). */
export const NOTIFY_HTTP_TIMEOUT_MS = 10_000;

export async function postNotification(
  channel: 'webhook' | 'dingtalk' | 'wecom' | 'feishu',
  url: string,
  body: string,
  headers: Record<string, string> = {},
  timeoutMs = NOTIFY_HTTP_TIMEOUT_MS,
): Promise<DeliveryResult> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
      body,
      signal: AbortSignal.timeout(timeoutMs),
      // A redirect would carry the body (and a robot's token) somewhere not configured.
      redirect: 'manual',
    });
    return interpretAnswer(channel, res.status, await res.text());
  } catch (err) {
    // fetch hides the reason (refused, unknown host, reset) in `cause`: that is what the officer needs to see.
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const reason = e.name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000} s` : (e.cause?.code ?? e.cause?.message ?? e.message);
    return { ok: false, status: null, reply: null, error: reason };
  }
}
