/** Corrective actions and their history in SQLite (docs/contracts.md, corrective actions). */
import type { ActionAttachment, ActionCounts, ActionEvent, ActionStatus } from '../../../contract/index.ts';
import type { ActionListFilter, ActionPeriodCounts, ActionRecord, ActionStore, StoredAttachment } from '../services/action.service.ts';
import type { SqliteDatabase } from './sqlite.database.ts';

/** Events are numbered across all actions: the number also keys an escalation's outbox messages. */
export const actionsMigration = (db: SqliteDatabase): void => {
  db.exec(`
    CREATE TABLE corrective_action (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      finding TEXT NOT NULL, action TEXT NOT NULL, cause_category TEXT,
      site TEXT NOT NULL, zone TEXT, sensor TEXT, alarm_id TEXT,
      severity TEXT NOT NULL, owner TEXT NOT NULL, due_at INTEGER NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('open', 'in_progress', 'fixed', 'verified')),
      created_by TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
      closed_at INTEGER, fixed_by TEXT, escalation_level INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX corrective_action_status ON corrective_action (status, due_at);
    CREATE TABLE corrective_action_event (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      action_id INTEGER NOT NULL REFERENCES corrective_action (id),
      at INTEGER NOT NULL, by TEXT NOT NULL, kind TEXT NOT NULL, note TEXT,
      level INTEGER, to_step TEXT, changes TEXT
    );
    CREATE INDEX corrective_action_event_action ON corrective_action_event (action_id, seq);
    CREATE INDEX corrective_action_event_at ON corrective_action_event (kind, at);
  `);
};

/** Photos: the metadata here, the bytes in files under DATA_DIR (attachment.files.ts). */
export const actionAttachmentsMigration = (db: SqliteDatabase): void => {
  db.exec(`
    CREATE TABLE corrective_action_attachment (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      action_id INTEGER NOT NULL REFERENCES corrective_action (id),
      name TEXT NOT NULL, type TEXT NOT NULL, size INTEGER NOT NULL, sha256 TEXT NOT NULL,
      file TEXT NOT NULL, at INTEGER NOT NULL, by TEXT NOT NULL
    );
    CREATE INDEX corrective_action_attachment_action ON corrective_action_attachment (action_id, id);
  `);
};

interface AttachmentRow {
  id: number;
  name: string;
  type: ActionAttachment['type'];
  size: number;
  sha256: string;
  file: string;
  at: number;
  by: string;
}

const toAttachment = (r: AttachmentRow): StoredAttachment => ({
  id: r.id,
  name: r.name,
  type: r.type,
  size: r.size,
  at: r.at,
  by: r.by,
  sha256: r.sha256,
  file: r.file,
});

interface Row {
  id: number;
  finding: string;
  action: string;
  cause_category: ActionRecord['causeCategory'];
  site: string;
  zone: string | null;
  sensor: string | null;
  alarm_id: string | null;
  severity: ActionRecord['severity'];
  owner: string;
  due_at: number;
  status: ActionStatus;
  created_by: string;
  created_at: number;
  updated_at: number;
  closed_at: number | null;
  fixed_by: string | null;
  escalation_level: number;
}

interface EventRow {
  seq: number;
  at: number;
  by: string;
  kind: ActionEvent['kind'];
  note: string | null;
  level: number | null;
  to_step: ActionEvent['to'] | null;
  changes: string | null;
}

const toRecord = (r: Row): ActionRecord => ({
  id: r.id,
  finding: r.finding,
  action: r.action,
  causeCategory: r.cause_category,
  siteId: r.site,
  zoneId: r.zone,
  sensorId: r.sensor,
  alarmId: r.alarm_id,
  severity: r.severity,
  owner: r.owner,
  dueAt: r.due_at,
  status: r.status,
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  closedAt: r.closed_at,
  fixedBy: r.fixed_by,
  escalationLevel: r.escalation_level,
});

const toEvent = (r: EventRow): ActionEvent => ({
  seq: r.seq,
  at: r.at,
  by: r.by,
  kind: r.kind,
  note: r.note,
  ...(r.level === null ? {} : { level: r.level }),
  ...(r.to_step === null ? {} : { to: r.to_step }),
  ...(r.changes === null ? {} : { changes: JSON.parse(r.changes) as ActionEvent['changes'] }),
});

/** Columns a change may set, by record field. */
const COLUMN: Readonly<Record<string, string>> = {
  status: 'status',
  owner: 'owner',
  dueAt: 'due_at',
  updatedAt: 'updated_at',
  closedAt: 'closed_at',
  fixedBy: 'fixed_by',
  escalationLevel: 'escalation_level',
};

const AWAITING_OWNER = "status IN ('open', 'in_progress')";

export class SqliteActionStore implements ActionStore {
  constructor(private readonly db: SqliteDatabase) {}

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  insert(a: Omit<ActionRecord, 'id'>): number {
    const r = this.db
      .prepare(
        `INSERT INTO corrective_action (finding, action, cause_category, site, zone, sensor, alarm_id, severity, owner, due_at, status,
           created_by, created_at, updated_at, closed_at, fixed_by, escalation_level)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        a.finding,
        a.action,
        a.causeCategory,
        a.siteId,
        a.zoneId,
        a.sensorId,
        a.alarmId,
        a.severity,
        a.owner,
        a.dueAt,
        a.status,
        a.createdBy,
        a.createdAt,
        a.updatedAt,
        a.closedAt,
        a.fixedBy,
        a.escalationLevel,
      );
    return Number(r.lastInsertRowid);
  }

  get(id: number): ActionRecord | undefined {
    const r = this.db.prepare('SELECT * FROM corrective_action WHERE id = ?').get(id) as Row | undefined;
    return r && toRecord(r);
  }

  update(id: number, patch: Partial<ActionRecord>): void {
    const fields = Object.entries(patch).filter(([k]) => k in COLUMN);
    if (fields.length === 0) return;
    this.db
      .prepare(`UPDATE corrective_action SET ${fields.map(([k]) => `${COLUMN[k]} = ?`).join(', ')} WHERE id = ?`)
      .run(...fields.map(([, v]) => v as string | number | null), id);
  }

  list(f: ActionListFilter): ActionRecord[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (f.closed === true) where.push("status = 'verified'");
    if (f.closed === false) where.push("status != 'verified'");
    if (f.overdueAt !== undefined) {
      where.push(`${AWAITING_OWNER} AND due_at <= ?`);
      args.push(f.overdueAt);
    }
    if (f.owner !== undefined) {
      where.push('owner = ?');
      args.push(f.owner);
    }
    if (f.siteId !== undefined) {
      where.push('site = ?');
      args.push(f.siteId);
    }
    if (f.zoneId !== undefined) {
      where.push('zone = ?');
      args.push(f.zoneId);
    }
    const sql = `SELECT * FROM corrective_action ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...args, f.limit) as Row[]).map(toRecord);
  }

  awaitingOwner(): ActionRecord[] {
    return (this.db.prepare(`SELECT * FROM corrective_action WHERE ${AWAITING_OWNER}`).all() as Row[]).map(toRecord);
  }

  addEvent(actionId: number, e: Omit<ActionEvent, 'seq'>): ActionEvent {
    const r = this.db
      .prepare('INSERT INTO corrective_action_event (action_id, at, by, kind, note, level, to_step, changes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(actionId, e.at, e.by, e.kind, e.note, e.level ?? null, e.to ?? null, e.changes ? JSON.stringify(e.changes) : null);
    return { ...e, seq: Number(r.lastInsertRowid) };
  }

  history(actionId: number): ActionEvent[] {
    return (this.db.prepare('SELECT * FROM corrective_action_event WHERE action_id = ? ORDER BY seq').all(actionId) as EventRow[]).map(toEvent);
  }

  addAttachment(actionId: number, a: Omit<StoredAttachment, 'id'>): number {
    const r = this.db
      .prepare('INSERT INTO corrective_action_attachment (action_id, name, type, size, sha256, file, at, by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(actionId, a.name, a.type, a.size, a.sha256, a.file, a.at, a.by);
    return Number(r.lastInsertRowid);
  }

  attachments(actionId: number): StoredAttachment[] {
    return (this.db.prepare('SELECT * FROM corrective_action_attachment WHERE action_id = ? ORDER BY id').all(actionId) as AttachmentRow[]).map(toAttachment);
  }

  counts(now: number, username: string, siteId?: string): ActionCounts {
    const site = siteId === undefined ? '' : 'AND site = ?';
    const r = this.db
      .prepare(
        `SELECT
           count(*) FILTER (WHERE status != 'verified') AS open,
           count(*) FILTER (WHERE ${AWAITING_OWNER} AND due_at <= ?) AS overdue,
           count(*) FILTER (WHERE status = 'fixed') AS fixed,
           count(*) FILTER (WHERE status != 'verified' AND owner = ?) AS mine
         FROM corrective_action WHERE 1 = 1 ${site}`,
      )
      .get(now, username, ...(siteId === undefined ? [] : [siteId])) as ActionCounts;
    return { open: r.open, overdue: r.overdue, fixed: r.fixed, mine: r.mine };
  }

  period(q: { siteId?: string; from: number; to: number }): ActionPeriodCounts {
    const site = q.siteId === undefined ? '' : 'AND a.site = ?';
    const siteArg = q.siteId === undefined ? [] : [q.siteId];
    const events = (kind: string): number =>
      (
        this.db
          .prepare(
            `SELECT count(*) AS n FROM corrective_action_event e JOIN corrective_action a ON a.id = e.action_id
             WHERE e.kind = ? AND e.at >= ? AND e.at < ? ${site}`,
          )
          .get(kind, q.from, q.to, ...siteArg) as { n: number }
      ).n;
    // Went overdue in the period: its due date fell in it and no fix had been reported by then.
    const overdue = (
      this.db
        .prepare(
          `SELECT count(*) AS n FROM corrective_action a WHERE a.due_at >= ? AND a.due_at < ? ${site}
           AND NOT EXISTS (SELECT 1 FROM corrective_action_event e WHERE e.action_id = a.id AND e.kind = 'fixed' AND e.at <= a.due_at)`,
        )
        .get(q.from, q.to, ...siteArg) as { n: number }
    ).n;
    return { opened: events('opened'), closed: events('verified'), overdue, escalations: events('escalated') };
  }
}
