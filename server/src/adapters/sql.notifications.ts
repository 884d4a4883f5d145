/**
 * The escalation notification outbox over {@link Sql} (SQLite or PostgreSQL): one row per message
 * to a contact, written before it is sent, and one row per delivery attempt with the receiver's
 * answer. Rows are kept after delivery: they are the record of who was told what and when
 * (docs/contracts.md).
 *
 * Claims: the dispatcher sending a notification holds `claimed_by`/`claimed_until` on its row, taken
 * by one conditional UPDATE, so of two nodes sharing the store only one sends it. The row is locked
 * (`lockInTransaction`) by the transaction that enqueues it until that transaction ends, and a claim
 * takes the same lock first: a dispatcher woken before the alarm's commit has landed waits for it
 * (on PostgreSQL the row is invisible to other connections until then), and finds nothing if it
 * rolled back.
 */
import type { AlarmNotification, NotificationAttempt, NotificationStatus, NotifyChannel } from '../../../contract/index.ts';
import type { NewNotification, NotificationStore, PendingNotification } from '../services/notification.ports.ts';
import type { Sql } from './sql.ts';

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

/** Nobody holds it, or the holder's claim has run out. */
const UNCLAIMED = '(claimed_until IS NULL OR claimed_until <= ?)';

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

const rowLock = (id: number): string => `vigil.notification.${id}`;

export class SqlNotificationStore implements NotificationStore {
  constructor(private readonly sql: Sql) {}

  async enqueue(n: NewNotification): Promise<number | null> {
    return this.sql.transaction(async () => {
      const row = await this.sql.get<{ id: number }>(
        `INSERT INTO notification (alarm_id, event_seq, level, contact_id, contact_name, channel, target, payload, status, created_at, give_up_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT (event_seq, contact_id) DO NOTHING RETURNING id`,
        [n.alarmId, n.eventSeq, n.level, n.contact.id, n.contact.name, n.contact.channel, n.target, n.payload, n.createdAt, n.giveUpAt],
      );
      if (row === undefined) return null;
      await this.sql.lockInTransaction(rowLock(row.id));
      return row.id;
    });
  }

  async claim(id: number, owner: string, until: number, now: number): Promise<PendingNotification | undefined> {
    return this.sql.transaction(async () => {
      await this.sql.lockInTransaction(rowLock(id));
      const { changes } = await this.sql.run(
        `UPDATE notification SET claimed_by = ?, claimed_until = ? WHERE id = ? AND status = 'pending' AND (claimed_by = ? OR ${UNCLAIMED})`,
        [owner, until, id, owner, now],
      );
      if (changes === 0) return undefined;
      const row = await this.sql.get<PendingRow>(`SELECT ${PENDING_COLUMNS} FROM notification WHERE id = ?`, [id]);
      return row && toPending(row);
    });
  }

  async claimable(now: number): Promise<number[]> {
    const rows = await this.sql.all<{ id: number }>(`SELECT id FROM notification WHERE status = 'pending' AND ${UNCLAIMED} ORDER BY id`, [now]);
    return rows.map((r) => r.id);
  }

  async release(owner: string): Promise<void> {
    await this.sql.run("UPDATE notification SET claimed_by = NULL, claimed_until = NULL WHERE claimed_by = ? AND status = 'pending'", [owner]);
  }

  async pending(): Promise<PendingNotification[]> {
    return (await this.sql.all<PendingRow>(`SELECT ${PENDING_COLUMNS} FROM notification WHERE status = 'pending' ORDER BY id`)).map(toPending);
  }

  async recordAttempt(id: number, a: NotificationAttempt): Promise<void> {
    await this.sql.transaction(async () => {
      await this.sql.run(
        'INSERT INTO notification_attempt (notification_id, n, at, ok, status, reply, error) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
        [id, a.n, a.at, a.ok ? 1 : 0, a.status, a.reply, a.error],
      );
      await this.sql.run("UPDATE notification SET next_attempt_at = NULL WHERE id = ? AND status = 'pending'", [id]);
    });
  }

  async scheduled(id: number, at: number, owner: string, claimUntil: number): Promise<void> {
    await this.sql.run("UPDATE notification SET next_attempt_at = ?, claimed_until = ? WHERE id = ? AND status = 'pending' AND claimed_by = ?", [
      at,
      claimUntil,
      id,
      owner,
    ]);
  }

  async finish(id: number, status: 'delivered' | 'failed', at: number): Promise<void> {
    await this.sql.run(
      "UPDATE notification SET status = ?, finished_at = ?, next_attempt_at = NULL, claimed_by = NULL, claimed_until = NULL WHERE id = ? AND status = 'pending'",
      [status, at, id],
    );
  }

  async forAlarm(alarmId: string): Promise<AlarmNotification[]> {
    const attempts = new Map<number, NotificationAttempt[]>();
    const attemptRows = await this.sql.all<AttemptRow>(
      'SELECT a.* FROM notification_attempt a JOIN notification n ON n.id = a.notification_id WHERE n.alarm_id = ? ORDER BY a.notification_id, a.n',
      [alarmId],
    );
    for (const a of attemptRows) {
      const list = attempts.get(a.notification_id) ?? [];
      list.push({ n: a.n, at: a.at, ok: a.ok === 1, status: a.status, reply: a.reply, error: a.error });
      attempts.set(a.notification_id, list);
    }
    const rows = await this.sql.all<ViewRow>(
      `SELECT id, alarm_id, level, contact_id, contact_name, channel, target, status, created_at, finished_at, next_attempt_at
       FROM notification WHERE alarm_id = ? ORDER BY id`,
      [alarmId],
    );
    return rows.map((r) => ({
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
