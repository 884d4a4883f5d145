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

/**
 * The durable outbox (SQLite or PostgreSQL): written before anything is sent, read again after a
 * restart. Every method joins the caller's transaction when there is one (`enqueue` must: the
 * alarm's commit and its notifications are stored together or not at all).
 *
 * Several nodes may share it: a notification is sent only by the dispatcher holding its claim, and
 * a claim is taken atomically (`claim`), so two nodes never send the same message at the same time.
 * A claim runs out (`until`): one left by a node that died is taken over once it has.
 */
export interface NotificationStore {
  /** The new row's id, or null when this event already notified this contact. */
  enqueue(n: NewNotification): Promise<number | null>;
  /**
   * Claims a pending notification for `owner` until `until`, if nobody else holds a claim on it that
   * runs past `now` (`owner` renews its own); undefined when it is not pending or someone else has it.
   */
  claim(id: number, owner: string, until: number, now: number): Promise<PendingNotification | undefined>;
  /** The pending notifications nobody holds a live claim on at `now`, oldest first. */
  claimable(now: number): Promise<number[]>;
  /** Gives up `owner`'s claims on what is still pending (stopping: another node, or the next start, takes them at once). */
  release(owner: string): Promise<void>;
  /** Everything still pending, oldest first. */
  pending(): Promise<PendingNotification[]>;
  /** Records an attempt; the next attempt's time is unknown until `scheduled`. */
  recordAttempt(id: number, attempt: NotificationAttempt): Promise<void>;
  /** When the next attempt is due (shown while it waits), and `owner`'s claim held until `claimUntil`. */
  scheduled(id: number, at: number, owner: string, claimUntil: number): Promise<void>;
  finish(id: number, status: 'delivered' | 'failed', at: number): Promise<void>;
  forAlarm(alarmId: string): Promise<AlarmNotification[]>;
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
  forAlarm(alarmId: string): Promise<AlarmNotification[]>;
}
