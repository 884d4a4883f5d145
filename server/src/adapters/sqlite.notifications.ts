/**
 * The escalation notification outbox in SQLite: one row per message to a contact, written before
 * it is sent, and one row per delivery attempt with the receiver's answer. Rows are kept after
 * delivery: they are the record of who was told what and when (docs/contracts.md, SQLite tables).
 */
import type { AlarmNotification, NotificationAttempt, NotificationStatus, NotifyChannel } from '../../../contract/index.ts';
import type { NewNotification, NotificationStore, PendingNotification } from '../services/notification.ports.ts';
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

interface PendingRow {
  id: number;
  alarm_id: string;
  contact_id: string;
  channel: NotifyChannel;
  payload: string;
  created_at: number;
  give_up_at: number;
  attempts: number;
}

interface ViewRow {
  id: number;
  alarm_id: string;
  level: number;
  contact_id: string;
  contact_name: string;
  channel: NotifyChannel;
  target: string;
  status: NotificationStatus;
  created_at: number;
  finished_at: number | null;
  next_attempt_at: number | null;
}

interface AttemptRow {
  notification_id: number;
  n: number;
  at: number;
  ok: number;
  status: number | null;
  reply: string | null;
  error: string | null;
}

const PENDING_COLUMNS = `id, alarm_id, contact_id, channel, payload, created_at, give_up_at,
  (SELECT count(*) FROM notification_attempt a WHERE a.notification_id = notification.id) AS attempts`;

const toPending = (r: PendingRow): PendingNotification => ({
  id: r.id,
  alarmId: r.alarm_id,
  contactId: r.contact_id,
  channel: r.channel,
  payload: r.payload,
  createdAt: r.created_at,
  giveUpAt: r.give_up_at,
  attempts: r.attempts,
});

export class SqliteNotifications implements NotificationStore {
  private readonly insert;
  private readonly one;
  private readonly allPending;
  private readonly attempt;
  private readonly next;
  private readonly done;
  private readonly byAlarm;
  private readonly attemptsOf;

  constructor(db: SqliteDatabase) {
    this.insert = db.prepare(
      `INSERT INTO notification (alarm_id, event_seq, level, contact_id, contact_name, channel, target, payload, status, created_at, give_up_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT (event_seq, contact_id) DO NOTHING`,
    );
    this.one = db.prepare(`SELECT ${PENDING_COLUMNS} FROM notification WHERE id = ? AND status = 'pending'`);
    this.allPending = db.prepare(`SELECT ${PENDING_COLUMNS} FROM notification WHERE status = 'pending' ORDER BY id`);
    this.attempt = db.prepare(
      'INSERT INTO notification_attempt (notification_id, n, at, ok, status, reply, error) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
    );
    this.next = db.prepare("UPDATE notification SET next_attempt_at = ? WHERE id = ? AND status = 'pending'");
    this.done = db.prepare("UPDATE notification SET status = ?, finished_at = ?, next_attempt_at = NULL WHERE id = ? AND status = 'pending'");
    this.byAlarm = db.prepare(
      `SELECT id, alarm_id, level, contact_id, contact_name, channel, target, status, created_at, finished_at, next_attempt_at
       FROM notification WHERE alarm_id = ? ORDER BY id`,
    );
    this.attemptsOf = db.prepare(
      `SELECT a.* FROM notification_attempt a JOIN notification n ON n.id = a.notification_id WHERE n.alarm_id = ? ORDER BY a.notification_id, a.n`,
    );
  }

  enqueue(n: NewNotification): number | null {
    const r = this.insert.run(n.alarmId, n.eventSeq, n.level, n.contact.id, n.contact.name, n.contact.channel, n.target, n.payload, n.createdAt, n.giveUpAt);
    return r.changes === 1 ? Number(r.lastInsertRowid) : null;
  }

  get(id: number): PendingNotification | undefined {
    const r = this.one.get(id) as PendingRow | undefined;
    return r && toPending(r);
  }

  pending(): PendingNotification[] {
    return (this.allPending.all() as PendingRow[]).map(toPending);
  }

  recordAttempt(id: number, a: NotificationAttempt): void {
    this.attempt.run(id, a.n, a.at, a.ok ? 1 : 0, a.status, a.reply, a.error);
    this.next.run(null, id);
  }

  scheduled(id: number, at: number): void {
    this.next.run(at, id);
  }

  finish(id: number, status: 'delivered' | 'failed', at: number): void {
    this.done.run(status, at, id);
  }

  forAlarm(alarmId: string): AlarmNotification[] {
    const attempts = new Map<number, NotificationAttempt[]>();
    for (const a of this.attemptsOf.all(alarmId) as AttemptRow[]) {
      const list = attempts.get(a.notification_id) ?? [];
      list.push({ n: a.n, at: a.at, ok: a.ok === 1, status: a.status, reply: a.reply, error: a.error });
      attempts.set(a.notification_id, list);
    }
    return (this.byAlarm.all(alarmId) as ViewRow[]).map((r) => ({
      id: r.id,
      alarmId: r.alarm_id,
      level: r.level,
      contactId: r.contact_id,
      contactName: r.contact_name,
      channel: r.channel,
      target: r.target,
      status: r.status,
      createdAt: r.created_at,
      finishedAt: r.finished_at,
      nextAttemptAt: r.next_attempt_at,
      attempts: attempts.get(r.id) ?? [],
    }));
  }
}
