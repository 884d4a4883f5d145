/** The SQLite schema of the escalation notification outbox; the store itself is sql.notifications.ts, over either engine. */
import type { SqliteDatabase } from './sqlite.database.ts';

/** `UNIQUE (event_seq, contact_id)`: an escalation event tells each contact once, however often it is handed over. */
export const notificationsMigration = (db: SqliteDatabase): void => {
  db.exec(`
    CREATE TABLE notification (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      alarm_id TEXT NOT NULL,
      event_seq INTEGER NOT NULL,
      level INTEGER NOT NULL,
      contact_id TEXT NOT NULL,
      contact_name TEXT NOT NULL,
      channel TEXT NOT NULL,
      target TEXT NOT NULL,
      payload TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
      created_at INTEGER NOT NULL,
      give_up_at INTEGER NOT NULL,
      next_attempt_at INTEGER,
      finished_at INTEGER,
      UNIQUE (event_seq, contact_id)
    );
    CREATE INDEX notification_alarm ON notification (alarm_id, id);
    CREATE INDEX notification_pending ON notification (id) WHERE status = 'pending';
    CREATE TABLE notification_attempt (
      notification_id INTEGER NOT NULL REFERENCES notification (id),
      n INTEGER NOT NULL,
      at INTEGER NOT NULL,
      ok INTEGER NOT NULL,
      status INTEGER,
      reply TEXT,
      error TEXT,
      PRIMARY KEY (notification_id, n)
    ) WITHOUT ROWID;
  `);
};

/**
 * Which dispatcher is sending a notification, and until when: two nodes sharing the store must not
 * send the same message at the same time (sql.notifications.ts `claim`).
 */
export const notificationClaimsMigration = (db: SqliteDatabase): void => {
  db.exec(`
    ALTER TABLE notification ADD COLUMN claimed_by TEXT;
    ALTER TABLE notification ADD COLUMN claimed_until INTEGER;
  `);
};
