/**
 * Escalation notifications through a durable outbox: each message to each contact is written to
 * the store (inside the alarm's own commit) before anything is sent, every attempt is recorded
 * with the receiver's answer, a message is given up on — visibly, as `failed` — after a bounded
 * number of attempts or time, and whatever is still pending when the server stops is sent once it
 * starts again. Waits between attempts follow the one retry policy (retry.ts). Delivery is at
 * least once: a crash after a receiver accepted a message but before that was recorded sends it
 * again (webhooks get an `Idempotency-Key` to recognise that). docs/architecture.md (escalation
 * outbox) has the whole argument.
 *
 * Several nodes sharing the store each run a dispatcher: a notification is sent only under a
 * claim on its row (NotificationStore `claim`), renewed before each attempt and held through the
 * wait for the next one. A node that dies leaves claims that run out; every dispatcher looks for
 * such notifications every `pollMs` and carries on with them, attempts counted.
 */
import { randomUUID } from 'node:crypto';
import { AsyncResource } from 'node:async_hooks';
import type { AlarmEvent, EscalationSettings } from '../../../contract/index.ts';
import type { EscalationNotifier } from './alarm.ports.ts';
import type { Scheduler, TimerHandle } from './clock.ts';
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

/**
 * How long a claim outlives the moment its holder means to act (an attempt, or the next one after
 * a wait): longer than any attempt takes (HTTP gives up after 10 s, SMTP after 60 s), so a live
 * holder never loses a claim mid-send; short enough that a dead node's messages go on soon after.
 */
export const CLAIM_MS = 120_000;
/** How often a dispatcher looks for pending notifications nobody holds (a dead node's, say). */
export const NOTIFY_POLL_MS = 30_000;

/** A failed attempt, carried through `retry()`; `final` when there will be no other. */
class DeliveryFailed extends Error {
  constructor(
    readonly result: DeliveryResult,
    readonly final: boolean,
  ) {
    super(result.error ?? 'failed');
  }
}

/** The claim ran out during a wait and another dispatcher took the notification over. */
class ClaimLost extends Error {
  constructor() {
    super('claimed by another dispatcher');
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
  /** This dispatcher's name on the claims it holds; a new one for each process by default. */
  owner?: string;
  /** How often to look for notifications nobody holds (default NOTIFY_POLL_MS); null: only at start (tests of one dispatcher's timing). */
  pollMs?: number | null;
}

export class NotificationDispatcher implements EscalationNotifier {
  private readonly contacts: Map<string, ResolvedContact>;
  private running = false;
  private stopping = false;
  /** Notifications being worked on (sending or waiting between attempts). */
  private readonly active = new Set<number>();
  /** Sends in progress with the recording of their outcome, and claims being taken: stop() waits for these. */
  private readonly sending = new Set<Promise<void>>();
  private readonly owner: string;
  private poll: TimerHandle | null = null;
  /**
   * Claims the just-enqueued notifications outside the caller's transaction, whatever context the
   * wake-up was scheduled from: inside it, the claim would join that transaction and send before it
   * committed. Bound here, where no transaction is open.
   */
  private readonly wake = AsyncResource.bind((ids: readonly number[]) => ids.forEach((id) => this.dispatch(id)));

  constructor(private readonly deps: DispatcherDeps) {
    this.contacts = new Map(deps.contacts.map((c) => [c.id, c]));
    this.owner = deps.owner ?? randomUUID();
  }

  /**
   * Called by the alarm service inside the transaction that commits the escalation (the store joins
   * it), so the notification rows and the escalation are stored together or not at all; sending
   * starts once the commit has landed.
   */
  async escalated(event: AlarmEvent): Promise<void> {
    if (event.subject !== 'alarm' || event.kind !== 'escalated') return;
    const level = event.level ?? event.alarm.escalationLevel;
    const signal = event.alarm.class;
    await this.enqueue(
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
  async notify(message: OutboxMessage): Promise<void> {
    if (message.seq >= 0) throw new Error('an outbox message needs a negative seq');
    await this.enqueue(message.subject, message.seq, message.level, (contact) => this.deps.channels.message(contact, message));
  }

  /** `wants`: whether the contact takes this message at all (an alarm's signal class). */
  private async enqueue(
    subject: string,
    seq: number,
    level: number,
    payload: (contact: ResolvedContact) => string,
    wants = (_c: ResolvedContact) => true,
  ): Promise<void> {
    const now = this.deps.scheduler.now();
    const ids: number[] = [];
    for (const contact of this.contacts.values()) {
      if (level < contact.fromLevel || !wants(contact)) continue;
      const id = await this.deps.store.enqueue({
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
    if (ids.length > 0) this.deps.scheduler.setTimeout(() => this.wake(ids), 0);
  }

  /** Resumes at once whatever was pending when the server last stopped (and nobody else holds), then keeps looking. */
  start(): void {
    this.running = true;
    this.stopping = false;
    void this.resume(true);
  }

  /**
   * Waits for sends in progress and their records, then gives up its claims: what is waiting for a
   * retry stays pending, for another node or the next start.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    this.running = false;
    if (this.poll !== null) this.deps.scheduler.clearTimeout(this.poll);
    this.poll = null;
    await Promise.allSettled([...this.sending]);
    await this.deps.store.release(this.owner).catch((err: unknown) => this.deps.logger.error({ err }, 'could not release notification claims'));
  }

  /** Dispatches what nobody holds, and looks again in `pollMs`. */
  private async resume(first: boolean): Promise<void> {
    this.poll = null;
    try {
      const ids = (await this.deps.store.claimable(this.deps.scheduler.now())).filter((id) => !this.active.has(id));
      if (first && ids.length > 0) this.deps.logger.info({ pending: ids.length }, 'resuming escalation notifications');
      else if (ids.length > 0) this.deps.logger.info({ pending: ids.length }, 'taking over escalation notifications nobody holds');
      for (const id of ids) this.dispatch(id);
    } catch (err) {
      this.deps.logger.error({ err }, 'could not read the pending escalation notifications');
    }
    const every = this.deps.pollMs === undefined ? NOTIFY_POLL_MS : this.deps.pollMs;
    if (this.running && every !== null) this.poll = this.deps.scheduler.setTimeout(() => void this.resume(false), every);
  }

  /** Notifications being sent or waiting for their next attempt. */
  get activeCount(): number {
    return this.active.size;
  }

  private dispatch(id: number): void {
    if (!this.running || this.active.has(id)) return;
    this.active.add(id);
    void this.claimAndDeliver(id)
      .catch((err: unknown) => this.deps.logger.error({ err, notification: id }, 'escalation notification failed unexpectedly'))
      .finally(() => this.active.delete(id));
  }

  /** Holds the claim for CLAIM_MS from now; the notification, or undefined when another dispatcher has it. */
  private claim(id: number): Promise<PendingNotification | undefined> {
    const now = this.deps.scheduler.now();
    return this.deps.store.claim(id, this.owner, now + CLAIM_MS, now);
  }

  private async claimAndDeliver(id: number): Promise<void> {
    // Tracked: a claim landing after stop() gave the claims back would hold the message until it ran out.
    const n = await this.track(() => this.claim(id));
    if (n && this.running) await this.deliver(n);
  }

  private async deliver(n: PendingNotification): Promise<void> {
    const { store, scheduler, settings } = this.deps;
    const contact = this.contacts.get(n.contactId);
    if (!contact || contact.channel !== n.channel) {
      const at = scheduler.now();
      const error = `contact ${n.contactId} (${n.channel}) is no longer configured`;
      await store.recordAttempt(n.id, { n: n.attempts + 1, at, ok: false, status: null, reply: null, error });
      await this.finish(n, contact?.channel ?? n.channel, false, at, error);
      return;
    }
    let made = n.attempts;
    const remaining = settings.maxAttempts - made;
    // The wait's record (and the claim held through it) is written while the wait runs; the next
    // attempt starts after it is.
    let scheduling: Promise<void> = Promise.resolve();
    try {
      await retry(
        async () => {
          await scheduling;
          return this.track(() => this.attempt(n, contact, ++made));
        },
        {
          timers: scheduler,
          backoff: this.deps.backoff ?? NOTIFY_BACKOFF,
          maxAttempts: Math.max(1, remaining),
          shouldRetry: (err) => !(err instanceof DeliveryFailed && err.final) && !(err instanceof ClaimLost),
          onRetry: (_err, _n, delayMs) => {
            const at = scheduler.now() + delayMs;
            if (this.stopping) return;
            // Tracked: stop() gives the claims up after this has written the one it extends.
            scheduling = this.track(() =>
              store.scheduled(n.id, at, this.owner, at + CLAIM_MS).catch((err: unknown) => {
                this.deps.logger.error({ err, notification: n.id }, 'could not record the next attempt of an escalation notification');
              }),
            );
          },
          stopped: () => this.stopping,
        },
      );
    } catch (err) {
      // Stopping leaves it pending for the next start (a send still in flight when the shutdown moves
      // on is sent again then); another dispatcher holding it carries on with it; otherwise the
      // attempt that failed last has already marked it failed.
      if (this.stopping || err instanceof ClaimLost) return;
      if (!(err instanceof DeliveryFailed)) this.deps.logger.error({ err, notification: n.id }, 'escalation notification failed unexpectedly');
    }
  }

  /** One attempt and the recording of its outcome, as one unit that stop() waits for. */
  private async attempt(n: PendingNotification, contact: ResolvedContact, number: number): Promise<void> {
    const { store, scheduler, settings, channels, logger } = this.deps;
    if (this.stopping) throw new DeliveryFailed({ ok: false, status: null, reply: null, error: 'stopping' }, false);
    // After a wait, the claim is renewed before sending: if it ran out and another dispatcher took
    // it, that one sends, this one does not.
    if (number > n.attempts + 1 && !(await this.claim(n.id))) throw new ClaimLost();
    if (number > 1 && scheduler.now() >= n.giveUpAt) {
      const error = `not delivered within ${settings.giveUpAfterS} s`;
      await this.finish(n, contact.channel, false, scheduler.now(), error);
      throw new DeliveryFailed({ ok: false, status: null, reply: null, error }, true);
    }
    const result = await channels.send(contact, n.payload, n.id);
    const at = scheduler.now();
    await store.recordAttempt(n.id, { n: number, at, ok: result.ok, status: result.status, reply: result.reply, error: result.error });
    if (result.ok) {
      await this.finish(n, contact.channel, true, at, null);
      return;
    }
    const final = result.permanent === true || number >= settings.maxAttempts || at >= n.giveUpAt;
    logger.warn(
      { notification: n.id, alarmId: n.alarmId, contact: contact.id, attempt: number, status: result.status, error: result.error, final },
      'escalation notification attempt failed',
    );
    if (final) await this.finish(n, contact.channel, false, at, result.error);
    throw new DeliveryFailed(result, final);
  }

  private async finish(n: PendingNotification, channel: string, ok: boolean, at: number, error: string | null): Promise<void> {
    await this.deps.store.finish(n.id, ok ? 'delivered' : 'failed', at);
    this.deps.onResult?.(channel, ok);
    if (ok) this.deps.logger.info({ notification: n.id, alarmId: n.alarmId, contact: n.contactId }, 'escalation notification delivered');
    else this.deps.logger.error({ notification: n.id, alarmId: n.alarmId, contact: n.contactId, error }, 'escalation notification failed: given up');
  }

  private track<T>(unit: () => Promise<T>): Promise<T> {
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
