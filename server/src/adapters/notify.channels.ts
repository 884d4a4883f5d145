/** The escalation channels behind one port: formats (notify.formats.ts) and transports (HTTP, SMTP). */
import type { TextLanguage } from '../../../contract/index.ts';
import type { Clock } from '../services/clock.ts';
import type { DeliveryResult, NotificationChannels, OutboxMessage, ResolvedContact } from '../services/notification.ports.ts';
import type { SmtpSender } from './notify.email.ts';
import {
  dingtalkSignedUrl,
  displayTarget,
  emailMessage,
  emailPayload,
  feishuMessage,
  feishuPayload,
  feishuSignedBody,
  oneLine,
  robotMessage,
  robotPayload,
  webhookPayload,
  type EscalationEvent,
} from './notify.formats.ts';
import { NOTIFY_HTTP_TIMEOUT_MS, postNotification } from './notify.http.ts';

export class EscalationChannels implements NotificationChannels {
  constructor(
    private readonly clock: Clock,
    /** Absent when no contact is e-mail (SMTP_URL unset): the configuration check has made sure. */
    private readonly smtp: SmtpSender | null,
    private readonly httpTimeoutMs = NOTIFY_HTTP_TIMEOUT_MS,
    /** The facility's language (`facility.language`): what escalation messages are worded in. */
    private readonly language: TextLanguage = 'en',
  ) {}

  payload(contact: ResolvedContact, event: EscalationEvent): string {
    switch (contact.channel) {
      case 'webhook':
        return webhookPayload(event);
      case 'dingtalk':
      case 'wecom':
        return robotPayload(contact.channel, contact.format ?? 'text', event, this.language);
      case 'feishu':
        return feishuPayload(event, this.language);
      case 'email':
        return emailPayload(event, this.language);
    }
  }

  message(contact: ResolvedContact, m: OutboxMessage): string {
    // The words may come from people (a finding, a reason): one line each, like a device's detail.
    const title = oneLine(m.title);
    const lines = m.lines.map(oneLine);
    switch (contact.channel) {
      case 'webhook':
        return JSON.stringify(m.webhook);
      case 'dingtalk':
      case 'wecom':
        return robotMessage(contact.channel, contact.format ?? 'text', title, lines);
      case 'feishu':
        return feishuMessage(title, lines);
      case 'email':
        return emailMessage(title, lines);
    }
  }

  target(contact: ResolvedContact): string {
    return displayTarget(contact);
  }

  send(contact: ResolvedContact, payload: string, notificationId: number): Promise<DeliveryResult> {
    const url = contact.url ?? '';
    const timeout = this.httpTimeoutMs;
    switch (contact.channel) {
      case 'webhook':
        // The same key on a resend after a crash: a receiver can drop the duplicate.
        return postNotification('webhook', url, payload, { 'idempotency-key': `vigil-notification-${notificationId}` }, timeout);
      case 'dingtalk':
        return postNotification('dingtalk', contact.secret ? dingtalkSignedUrl(url, contact.secret, this.clock.now()) : url, payload, {}, timeout);
      case 'wecom':
        return postNotification('wecom', url, payload, {}, timeout);
      case 'feishu':
        return postNotification('feishu', url, feishuSignedBody(payload, contact.secret, this.clock.now()), {}, timeout);
      case 'email': {
        if (!this.smtp) return Promise.resolve({ ok: false, status: null, reply: null, error: 'SMTP_URL is not set', permanent: true });
        const { subject, text } = JSON.parse(payload) as { subject: string; text: string };
        return this.smtp.send({ from: contact.from ?? this.smtp.defaultFrom, to: contact.to ?? [], subject, text });
      }
    }
  }
}
