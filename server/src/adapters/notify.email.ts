/** Escalation e-mail over SMTP (nodemailer), one connection per message: escalations are rare. */
import { createTransport } from 'nodemailer';
import type { DeliveryResult } from '../services/notification.ports.ts';

/** An SMTP server that has not greeted or answered in this long is counted as a failed attempt. */
const SMTP_TIMEOUT_MS = 15_000;

export interface EmailMessage {
  from: string;
  to: string[];
  subject: string;
  text: string;
}

export class SmtpSender {
  private readonly transport: ReturnType<typeof createTransport>;

  constructor(
    smtpUrl: string,
    readonly defaultFrom: string = `vigil@${new URL(smtpUrl).hostname}`,
  ) {
    this.transport = createTransport({
      url: smtpUrl,
      connectionTimeout: SMTP_TIMEOUT_MS,
      greetingTimeout: SMTP_TIMEOUT_MS,
      socketTimeout: SMTP_TIMEOUT_MS,
    });
  }

  async send(message: EmailMessage): Promise<DeliveryResult> {
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
