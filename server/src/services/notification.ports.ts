/**
 * Ports of escalation notifications: the durable outbox they wait in, and the channels that carry
 * them. The outbox and its dispatcher are described in docs/architecture.md (escalation outbox).
 */
import type { AlarmClass, AlarmEvent, AlarmNotification, NotificationAttempt, NotifyChannel } from '../../../contract/index.ts';

/** A configured contact with its secrets read from the environment (notification.config.ts). */
export interface ResolvedContact {
  id: string;
  name: string;
  channel: NotifyChannel;
  fromLevel: number;
  /** The signal classes whose alarm escalations it receives; every class when absent. */
  classes?: readonly AlarmClass[];
  /** HTTP channels: where to post (may carry an access token: never shown or logged). */
  url?: string;
  /** DingTalk / Feishu signing secret. */
  secret?: string;
  format?: 'text' | 'markdown';
  /** E-mail recipients and sender. */
  to?: string[];
  from?: string;
}

/** What the outbox needs to send one notification. */
export interface PendingNotification {
  id: number;
  alarmId: string;
  contactId: string;
  channel: NotifyChannel;
  /** The channel's message, built when it was enqueued; signatures are added when sent. */
  payload: string;
  createdAt: number;
  giveUpAt: number;
  /** Attempts already made (before a restart, say). */
  attempts: number;
}

export interface NewNotification {
  alarmId: string;
  /** The escalation event's sequence number: one notification per event and contact. */
  eventSeq: number;
  level: number;
  contact: ResolvedContact;
  target: string;
  payload: string;
  createdAt: number;
  giveUpAt: number;
}

/** The durable outbox (SQLite): written before anything is sent, read again after a restart. */
export interface NotificationStore {
  /** The new row's id, or null when this event already notified this contact. */
  enqueue(n: NewNotification): number | null;
  get(id: number): PendingNotification | undefined;
  /** Everything still pending, oldest first. */
  pending(): PendingNotification[];
  /** Records an attempt; the next attempt's time is unknown until `scheduled`. */
  recordAttempt(id: number, attempt: NotificationAttempt): void;
  /** When the next attempt is due (shown while it waits). */
  scheduled(id: number, at: number): void;
  finish(id: number, status: 'delivered' | 'failed', at: number): void;
  forAlarm(alarmId: string): AlarmNotification[];
}

/** One attempt's outcome as the channel saw it. */
export interface DeliveryResult {
  ok: boolean;
  status: number | null;
  reply: string | null;
  error: string | null;
  /** The receiver refused in a way that asking again will not change (a 4xx, an SMTP 5xx). */
  permanent?: boolean;
}

/**
 * A message that is not an alarm's escalation (an overdue corrective action's escalation step),
 * sent through the same outbox to the contacts whose `fromLevel` its level has reached.
 */
export interface OutboxMessage {
  /** What it is about, kept where an alarm's id goes: `action:12`. */
  subject: string;
  /**
   * Unique among all outbox messages: negative, so it never meets an alarm event's sequence
   * number in the outbox's one-message-per-event-and-contact rule.
   */
  seq: number;
  level: number;
  title: string;
  lines: string[];
  /** The generic webhook's JSON body. */
  webhook: object;
}

/** The wire formats and transports of the channels (adapters/notify.*.ts). */
export interface NotificationChannels {
  /** The channel's message for this escalation, as stored in the outbox. */
  payload(contact: ResolvedContact, event: AlarmEvent & { subject: 'alarm' }): string;
  /** The channel's form of any other message, as stored in the outbox. */
  message(contact: ResolvedContact, message: OutboxMessage): string;
  /** Where it goes, for people: no tokens or passwords. */
  target(contact: ResolvedContact): string;
  /** One attempt. Never throws: a failure is a result. */
  send(contact: ResolvedContact, payload: string, notificationId: number): Promise<DeliveryResult>;
}

/** Where the dispatcher reports (pino's logger fits). */
export interface NotifyLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** Read side for `GET /api/alarms/:id/notifications`. */
export interface NotificationLog {
  forAlarm(alarmId: string): AlarmNotification[];
}
