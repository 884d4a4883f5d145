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
    return interpretAnswer(channel, res.status, await answerStart(res));
  } catch (err) {
    // fetch hides the reason (refused, unknown host, reset) in `cause`: that is what the officer needs to see.
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const reason = e.name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000} s` : (e.cause?.code ?? e.cause?.message ?? e.message);
    return { ok: false, status: null, reply: null, error: reason };
  }
}

/** Robots answer a few hundred bytes of JSON; more than this is not an answer worth reading. */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * The first MAX_ANSWER_BYTES of the answer, the rest left unread: a receiver that streams without
 * end would otherwise hold the attempt to its timeout and fill memory meanwhile.
 */
async function answerStart(res: Response): Promise<string> {
  if (res.body === null) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < MAX_ANSWER_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } finally {
    void reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, MAX_ANSWER_BYTES).toString('utf8');
}
