/**
 * Corrective actions and their history over {@link Sql} (SQLite or PostgreSQL; docs/contracts.md,
 * corrective actions). State changes that two requests or two nodes could race on are conditional
 * updates: the row changes only if it is still as the caller read it, and the caller learns whether
 * it did.
 */
import type { ActionAttachment, ActionCounts, ActionEvent, ActionStatus } from '../../../contract/index.ts';
import type { ActionListFilter, ActionPeriodCounts, ActionRecord, ActionStore, EscalationTake, StoredAttachment } from '../services/action.ports.ts';
import type { Sql, SqlValue } from './sql.ts';

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

export class SqlActionStore implements ActionStore {
  constructor(private readonly sql: Sql) {}

  transaction<T>(fn: () => Promise<T>): Promise<T> {
    return this.sql.transaction(fn);
  }

  async insert(a: Omit<ActionRecord, 'id'>): Promise<number> {
    const r = await this.sql.get<{ id: number }>(
      `INSERT INTO corrective_action (finding, action, cause_category, site, zone, sensor, alarm_id, severity, owner, due_at, status,
         created_by, created_at, updated_at, closed_at, fixed_by, escalation_level)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      [
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
      ],
    );
    return r!.id;
  }

  async get(id: number): Promise<ActionRecord | undefined> {
    const r = await this.sql.get<Row>('SELECT * FROM corrective_action WHERE id = ?', [id]);
    return r && toRecord(r);
  }

  async update(id: number, patch: Partial<ActionRecord>, ifStatus?: ActionStatus): Promise<boolean> {
    const fields = Object.entries(patch).filter(([k]) => k in COLUMN);
    if (fields.length === 0) return true;
    const where = ifStatus === undefined ? 'id = ?' : 'id = ? AND status = ?';
    const r = await this.sql.run(`UPDATE corrective_action SET ${fields.map(([k]) => `${COLUMN[k]} = ?`).join(', ')} WHERE ${where}`, [
      ...fields.map(([, v]) => v as SqlValue),
      id,
      ...(ifStatus === undefined ? [] : [ifStatus]),
    ]);
    return r.changes === 1;
  }

  async takeEscalation(id: number, t: EscalationTake): Promise<boolean> {
    // Still awaiting its owner, at the level and with the due date the step was worked out from.
    const r = await this.sql.run(
      `UPDATE corrective_action SET escalation_level = ?, updated_at = ? WHERE id = ? AND escalation_level = ? AND due_at = ? AND ${AWAITING_OWNER}`,
      [t.toLevel, t.at, id, t.fromLevel, t.dueAt],
    );
    return r.changes === 1;
  }

  lock(id: number): Promise<void> {
    return this.sql.lockInTransaction(`vigil.action:${id}`);
  }

  async list(f: ActionListFilter): Promise<ActionRecord[]> {
    const where: string[] = [];
    const args: SqlValue[] = [];
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
    return (await this.sql.all<Row>(sql, [...args, f.limit])).map(toRecord);
  }

  async awaitingOwner(): Promise<ActionRecord[]> {
    return (await this.sql.all<Row>(`SELECT * FROM corrective_action WHERE ${AWAITING_OWNER} ORDER BY id`)).map(toRecord);
  }

  async addEvent(actionId: number, e: Omit<ActionEvent, 'seq'>): Promise<ActionEvent> {
    const r = await this.sql.get<{ seq: number }>(
      'INSERT INTO corrective_action_event (action_id, at, by, kind, note, level, to_step, changes) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq',
      [actionId, e.at, e.by, e.kind, e.note, e.level ?? null, e.to ?? null, e.changes ? JSON.stringify(e.changes) : null],
    );
    return { ...e, seq: r!.seq };
  }

  async history(actionId: number): Promise<ActionEvent[]> {
    return (await this.sql.all<EventRow>('SELECT * FROM corrective_action_event WHERE action_id = ? ORDER BY seq', [actionId])).map(toEvent);
  }

  async addAttachment(actionId: number, a: Omit<StoredAttachment, 'id'>): Promise<number> {
    const r = await this.sql.get<{ id: number }>(
      'INSERT INTO corrective_action_attachment (action_id, name, type, size, sha256, file, at, by) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id',
      [actionId, a.name, a.type, a.size, a.sha256, a.file, a.at, a.by],
    );
    return r!.id;
  }

  async attachments(actionId: number): Promise<StoredAttachment[]> {
    return (await this.sql.all<AttachmentRow>('SELECT * FROM corrective_action_attachment WHERE action_id = ? ORDER BY id', [actionId])).map(toAttachment);
  }

  async counts(now: number, username: string, siteId?: string): Promise<ActionCounts> {
    const site = siteId === undefined ? '' : 'AND site = ?';
    const r = (await this.sql.get<ActionCounts>(
      `SELECT
         count(*) FILTER (WHERE status != 'verified') AS open,
         count(*) FILTER (WHERE ${AWAITING_OWNER} AND due_at <= ?) AS overdue,
         count(*) FILTER (WHERE status = 'fixed') AS fixed,
         count(*) FILTER (WHERE status != 'verified' AND owner = ?) AS mine
       FROM corrective_action WHERE 1 = 1 ${site}`,
      [now, username, ...(siteId === undefined ? [] : [siteId])],
    ))!;
    return { open: r.open, overdue: r.overdue, fixed: r.fixed, mine: r.mine };
  }

  async period(q: { siteId?: string; from: number; to: number }): Promise<ActionPeriodCounts> {
    const site = q.siteId === undefined ? '' : 'AND a.site = ?';
    const siteArg = q.siteId === undefined ? [] : [q.siteId];
    const count = async (sql: string, args: SqlValue[]): Promise<number> => (await this.sql.get<{ n: number }>(sql, [...args, ...siteArg]))!.n;
    const events = (kind: string): Promise<number> =>
      count(
        `SELECT count(*) AS n FROM corrective_action_event e JOIN corrective_action a ON a.id = e.action_id
         WHERE e.kind = ? AND e.at >= ? AND e.at < ? ${site}`,
        [kind, q.from, q.to],
      );
    // Went overdue in the period: its due date fell in it and no fix had been reported by then.
    const overdue = await count(
      `SELECT count(*) AS n FROM corrective_action a WHERE a.due_at >= ? AND a.due_at < ? ${site}
       AND NOT EXISTS (SELECT 1 FROM corrective_action_event e WHERE e.action_id = a.id AND e.kind = 'fixed' AND e.at <= a.due_at)`,
      [q.from, q.to],
    );
    return { opened: await events('opened'), closed: await events('verified'), overdue, escalations: await events('escalated') };
  }
}
