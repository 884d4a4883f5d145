/**
 * Escalation notifications through a durable outbox: each message to each contact is written to
 * the store (inside the alarm's own commit) before anything is sent, every attempt is recorded
 * with the receiver's answer, a message is given up on — visibly, as `failed` — after a bounded
 * number of attempts or time, and whatever is still pending when the server stops is sent once it
 * starts again. Waits between attempts follow the one retry policy (retry.ts). Delivery is at
 * least once: a crash after a receiver accepted a message but before that was recorded sends it
 * again (webhooks get an `Idempotency-Key` to recognise that). docs/architecture.md (escalation
 * outbox) has the whole argument.
 */
import type { AlarmEvent, EscalationSettings } from '../../../contract/index.ts';
import type { EscalationNotifier } from './alarm.ports.ts';
import type { Scheduler } from './clock.ts';
import type {
  DeliveryResult,
  NotificationChannels,
  NotificationStore,
  NotifyLogger,
  OutboxMessage,
  PendingNotification,
  ResolvedContact,
} from './notification.ports.ts';
import { retry, type BackoffOptions } from './retry.ts';

/**
 * Waits of 2 s, 6 s, 18 s, 54 s, then every 2 min 42 s, ±10 %: a receiver restarting is caught
 * within seconds, a robot's rate limit (about 20 messages a minute) is waited out, and ten
 * attempts span about 17 minutes, inside the default 30-minute give-up.
 */
export const NOTIFY_BACKOFF: BackoffOptions = { initialMs: 2000, factor: 3, maxMs: 162_000, jitter: 0.1 };

/** A failed attempt, carried through `retry()`; `final` when there will be no other. */
class DeliveryFailed extends Error {
  constructor(
    readonly result: DeliveryResult,
    readonly final: boolean,
  ) {
    super(result.error ?? 'failed');
  }
}

export interface DispatcherDeps {
  store: NotificationStore;
  channels: NotificationChannels;
  contacts: readonly ResolvedContact[];
  settings: Pick<EscalationSettings, 'giveUpAfterS' | 'maxAttempts'>;
  scheduler: Scheduler;
  logger: NotifyLogger;
  backoff?: BackoffOptions;
  /** Each message's final outcome (metrics). */
  onResult?: (channel: string, ok: boolean) => void;
}

export class NotificationDispatcher implements EscalationNotifier {
  private readonly contacts: Map<string, ResolvedContact>;
  private running = false;
  private stopping = false;
  /** Notifications being worked on (sending or waiting between attempts). */
  private readonly active = new Set<number>();
  /** Sends in progress with the recording of their outcome: stop() waits for these. */
  private readonly sending = new Set<Promise<void>>();

  constructor(private readonly deps: DispatcherDeps) {
    this.contacts = new Map(deps.contacts.map((c) => [c.id, c]));
  }

  /**
   * Called by the alarm service inside the transaction that commits the escalation, so the
   * notification rows and the escalation are stored together or not at all; sending starts on the
   * next turn, after the commit.
   */
  escalated(event: AlarmEvent): void {
    if (event.subject !== 'alarm' || event.kind !== 'escalated') return;
    const level = event.level ?? event.alarm.escalationLevel;
    const signal = event.alarm.class;
    this.enqueue(
      event.alarmId,
      event.seq,
      level,
      (contact) => this.deps.channels.payload(contact, event),
      (contact) => contact.classes?.includes(signal) ?? true,
    );
  }

  /**
   * Any other message for the contacts (an overdue corrective action's escalation step): like an
   * escalation, written to the outbox in the caller's transaction and sent after it commits.
   */
  notify(message: OutboxMessage): void {
    if (message.seq >= 0) throw new Error('an outbox message needs a negative seq');
    this.enqueue(message.subject, message.seq, message.level, (contact) => this.deps.channels.message(contact, message));
  }

  /** `wants`: whether the contact takes this message at all (an alarm's signal class). */
  private enqueue(subject: string, seq: number, level: number, payload: (contact: ResolvedContact) => string, wants = (_c: ResolvedContact) => true): void {
    const now = this.deps.scheduler.now();
    const ids: number[] = [];
    for (const contact of this.contacts.values()) {
      if (level < contact.fromLevel || !wants(contact)) continue;
      const id = this.deps.store.enqueue({
        alarmId: subject,
        eventSeq: seq,
        level,
        contact,
        target: this.deps.channels.target(contact),
        payload: payload(contact),
        createdAt: now,
        giveUpAt: now + this.deps.settings.giveUpAfterS * 1000,
      });
      if (id !== null) ids.push(id);
    }
    if (ids.length > 0) this.deps.scheduler.setTimeout(() => ids.forEach((id) => this.dispatch(id)), 0);
  }

  /** Resumes at once whatever was pending when the server last stopped. */
  start(): void {
    this.running = true;
    this.stopping = false;
    const pending = this.deps.store.pending();
    if (pending.length > 0) this.deps.logger.info({ pending: pending.length }, 'resuming escalation notifications');
    for (const n of pending) this.dispatch(n.id);
  }

  /** Waits for sends in progress and their records; what is waiting for a retry stays pending for the next start. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.running = false;
    await Promise.allSettled([...this.sending]);
  }

  /** Notifications being sent or waiting for their next attempt. */
  get activeCount(): number {
    return this.active.size;
  }

  private dispatch(id: number): void {
    if (!this.running || this.active.has(id)) return;
    const n = this.deps.store.get(id);
    if (!n) return;
    this.active.add(id);
    void this.deliver(n).finally(() => this.active.delete(id));
  }

  private async deliver(n: PendingNotification): Promise<void> {
    const { store, scheduler, settings } = this.deps;
    const contact = this.contacts.get(n.contactId);
    if (!contact || contact.channel !== n.channel) {
      const at = scheduler.now();
      const error = `contact ${n.contactId} (${n.channel}) is no longer configured`;
      store.recordAttempt(n.id, { n: n.attempts + 1, at, ok: false, status: null, reply: null, error });
      this.finish(n, contact?.channel ?? n.channel, false, at, error);
      return;
    }
    let made = n.attempts;
    const remaining = settings.maxAttempts - made;
    try {
      await retry(() => this.track(() => this.attempt(n, contact, ++made)), {
        timers: scheduler,
        backoff: this.deps.backoff ?? NOTIFY_BACKOFF,
        maxAttempts: Math.max(1, remaining),
        shouldRetry: (err) => !(err instanceof DeliveryFailed && err.final),
        onRetry: (_err, _n, delayMs) => {
          if (!this.stopping) store.scheduled(n.id, scheduler.now() + delayMs);
        },
        stopped: () => this.stopping,
      });
    } catch (err) {
      // Stopping leaves it pending for the next start (a send still in flight when the shutdown moves
      // on is sent again then); otherwise the attempt that failed last has already marked it failed.
      if (this.stopping) return;
      if (!(err instanceof DeliveryFailed)) this.deps.logger.error({ err, notification: n.id }, 'escalation notification failed unexpectedly');
    }
  }

  /** One attempt and the recording of its outcome, as one unit that stop() waits for. */
  private async attempt(n: PendingNotification, contact: ResolvedContact, number: number): Promise<void> {
    const { store, scheduler, settings, channels, logger } = this.deps;
    if (this.stopping) throw new DeliveryFailed({ ok: false, status: null, reply: null, error: 'stopping' }, false);
    if (number > 1 && scheduler.now() >= n.giveUpAt) {
      const error = `not delivered within ${settings.giveUpAfterS} s`;
      this.finish(n, contact.channel, false, scheduler.now(), error);
      throw new DeliveryFailed({ ok: false, status: null, reply: null, error }, true);
    }
    const result = await channels.send(contact, n.payload, n.id);
    const at = scheduler.now();
    store.recordAttempt(n.id, { n: number, at, ok: result.ok, status: result.status, reply: result.reply, error: result.error });
    if (result.ok) {
      this.finish(n, contact.channel, true, at, null);
      return;
    }
    const final = result.permanent === true || number >= settings.maxAttempts || at >= n.giveUpAt;
    logger.warn(
      { notification: n.id, alarmId: n.alarmId, contact: contact.id, attempt: number, status: result.status, error: result.error, final },
      'escalation notification attempt failed',
    );
    if (final) this.finish(n, contact.channel, false, at, result.error);
    throw new DeliveryFailed(result, final);
  }

  private finish(n: PendingNotification, channel: string, ok: boolean, at: number, error: string | null): void {
    this.deps.store.finish(n.id, ok ? 'delivered' : 'failed', at);
    this.deps.onResult?.(channel, ok);
    if (ok) this.deps.logger.info({ notification: n.id, alarmId: n.alarmId, contact: n.contactId }, 'escalation notification delivered');
    else this.deps.logger.error({ notification: n.id, alarmId: n.alarmId, contact: n.contactId, error }, 'escalation notification failed: given up');
  }

  private track(unit: () => Promise<void>): Promise<void> {
    const p = unit();
    const settled = p.then(
      () => {},
      () => {},
    );
    this.sending.add(settled);
    void settled.finally(() => this.sending.delete(settled));
    return p;
  }
}
