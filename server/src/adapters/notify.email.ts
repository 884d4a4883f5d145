/** Escalation e-mail over SMTP (nodemailer), one connection per message: escalations are rare. */
import { createTransport } from 'nodemailer';
import type { DeliveryResult } from '../services/notification.ports.ts';

/** An SMTP server that has not greeted or answered in this long is counted as a failed attempt. */
const SMTP_TIMEOUT_MS = 15_000;
/**
 * The whole attempt, however the server paces its answers: the timeouts above are idle timeouts,
 * so a server answering a line at a time, forever, would hold the attempt (and, as stop() waits
 * for sends in progress, the server's shutdown) without end.
 */
export const SMTP_DEADLINE_MS = 60_000;

export interface EmailMessage {
  from: string;
  to: string[];
  subject: string;
  text: string;
}

export class SmtpSender {
  private readonly transport: ReturnType<typeof createTransport>;

  private readonly deadlineMs: number;

  constructor(
    smtpUrl: string,
    readonly defaultFrom: string = `vigil@${new URL(smtpUrl).hostname}`,
    options: { deadlineMs?: number } = {},
  ) {
    this.deadlineMs = options.deadlineMs ?? SMTP_DEADLINE_MS;
    this.transport = createTransport({
      url: smtpUrl,
      connectionTimeout: SMTP_TIMEOUT_MS,
      greetingTimeout: SMTP_TIMEOUT_MS,
      socketTimeout: SMTP_TIMEOUT_MS,
    });
  }

  async send(message: EmailMessage): Promise<DeliveryResult> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<DeliveryResult>((resolve) => {
      timer = setTimeout(() => resolve({ ok: false, status: null, reply: null, error: `no answer within ${this.deadlineMs / 1000} s` }), this.deadlineMs);
    });
    try {
      return await Promise.race([this.attempt(message), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async attempt(message: EmailMessage): Promise<DeliveryResult> {
    try {
      const info = (await this.transport.sendMail(message)) as { response?: string; rejected?: unknown[] };
      const reply = info.response ?? null;
      const status = reply ? Number(/^\d{3}/.exec(reply)?.[0] ?? NaN) : NaN;
      return { ok: true, status: Number.isNaN(status) ? null : status, reply, error: null };
    } catch (err) {
      const e = err as Error & { responseCode?: number; response?: string; code?: string };
      const status = typeof e.responseCode === 'number' ? e.responseCode : null;
      // 5xx is the server's final word on this message (unknown recipient, refused); 4xx and no answer are "later".
      return {
        ok: false,
        status,
        reply: e.response ?? null,
        error: e.code ? `${e.code}: ${e.message}` : e.message,
        permanent: status !== null && status >= 500,
      };
    }
  }

  close(): void {
    this.transport.close();
  }
}
