/**
 * An escalation outbox for the notification tests: the real dispatcher, store and channel
 * formats, on fake time unless a scheduler is given. Not started: until the test starts it,
 * messages are queued and nothing is sent.
 */
import pino from 'pino';
import { EscalationChannels } from '../../server/src/adapters/notify.channels.ts';
import type { SmtpSender } from '../../server/src/adapters/notify.email.ts';
import { SqlNotificationStore } from '../../server/src/adapters/sql.notifications.ts';
import type { Sql } from '../../server/src/adapters/sql.ts';
import { NotificationDispatcher, type DispatcherDeps } from '../../server/src/services/notification.dispatcher.ts';
import type { ResolvedContact } from '../../server/src/services/notification.ports.ts';
import { FakeScheduler } from './fake.scheduler.ts';

export type OutboxOptions = Partial<Pick<DispatcherDeps, 'scheduler' | 'settings' | 'backoff'>> & { smtp?: SmtpSender | null };

export function queuedOutbox(sql: Sql, contacts: readonly ResolvedContact[], options: OutboxOptions = {}) {
  const { smtp = null, scheduler = new FakeScheduler(), ...rest } = options;
  const store = new SqlNotificationStore(sql);
  const dispatcher = new NotificationDispatcher({
    store,
    channels: new EscalationChannels(scheduler, smtp),
    contacts,
    settings: { giveUpAfterS: 1800, maxAttempts: 10 },
    scheduler,
    logger: pino({ level: 'silent' }),
    ...rest,
  });
  return { store, dispatcher };
}
