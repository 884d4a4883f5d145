/**
 * An escalation outbox for the notification unit tests: the real dispatcher, SQLite store and
 * channel formats on fake time, not started, so messages are queued and nothing is sent.
 */
import pino from 'pino';
import { EscalationChannels } from '../../server/src/adapters/notify.channels.ts';
import type { SqliteDatabase } from '../../server/src/adapters/sqlite.database.ts';
import { SqliteNotifications } from '../../server/src/adapters/sqlite.notifications.ts';
import { NotificationDispatcher } from '../../server/src/services/notification.dispatcher.ts';
import type { ResolvedContact } from '../../server/src/services/notification.ports.ts';
import { FakeScheduler } from './fake.scheduler.ts';

export function queuedOutbox(db: SqliteDatabase, contacts: readonly ResolvedContact[]) {
  const store = new SqliteNotifications(db);
  const time = new FakeScheduler();
  const dispatcher = new NotificationDispatcher({
    store,
    channels: new EscalationChannels(time, null),
    contacts,
    settings: { giveUpAfterS: 1800, maxAttempts: 10 },
    scheduler: time,
    logger: pino({ level: 'silent' }),
  });
  return { store, dispatcher };
}
