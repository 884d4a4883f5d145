/**
 * The audit trail over {@link Sql} (SQLite or PostgreSQL): append-only (the schema refuses UPDATE
 * and DELETE) and hash-chained — each entry's hash covers the previous entry's hash and its own
 * content, so any edit breaks the chain from that entry on (`verify`).
 *
 * Appends are serialised in the database, not in the process: the head is read and extended under
 * a transaction-scoped lock, so two nodes (or the command line beside the server) writing at once
 * still make one unbroken chain.
 */
import crypto from 'node:crypto';
import type { AuditEntry, AuditVerifyResponse } from '../../../contract/index.ts';
import type { AuditInput, AuditLog, AuditQuery, AuditTrail } from '../services/audit.port.ts';
import type { Sql, SqlValue } from './sql.ts';

const GENESIS = '0'.repeat(64);
/** Rows read per step while verifying: a long trail is walked without holding it all in memory. */
const VERIFY_PAGE = 2000;

function hashOf(prev: string, id: number, at: number, actor: string, action: string, target: string, detail: string): string {
  return crypto
    .createHash('sha256')
    .update(`${prev}\n${JSON.stringify([id, at, actor, action, target, detail])}`)
    .digest('hex');
}

interface Row {
  id: number;
  at: number;
  actor: string;
  action: string;
  target: string;
  detail: string;
  hash: string;
}

export class SqlAuditLog implements AuditLog, AuditTrail {
  constructor(
    private readonly sql: Sql,
    private readonly now: () => number = Date.now,
  ) {}

  /** Appends within the caller's transaction when there is one. */
  async append(e: AuditInput): Promise<void> {
    await this.sql.transaction(async () => {
      await this.sql.lockInTransaction('vigil.audit');
      // Read each time, never cached: another node or the command line may have appended, and a
      // rolled-back transaction takes its entries with it. A one-row index lookup.
      const last = (await this.sql.get<{ id: number; hash: string }>('SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1')) ?? { id: 0, hash: GENESIS };
      const id = last.id + 1;
      const at = e.at ?? this.now();
      const detail = JSON.stringify(e.detail ?? null);
      await this.sql.run('INSERT INTO audit (id, at, actor, action, target, detail, hash) VALUES (?, ?, ?, ?, ?, ?, ?)', [
        id,
        at,
        e.actor,
        e.action,
        e.target,
        detail,
        hashOf(last.hash, id, at, e.actor, e.action, e.target, detail),
      ]);
    });
  }

  async list(q: AuditQuery): Promise<AuditEntry[]> {
    const where = ['at >= ?', 'at <= ?'];
    const args: SqlValue[] = [q.from, q.to];
    const narrow = (clause: string, ...values: SqlValue[]): void => {
      where.push(clause);
      args.push(...values);
    };
    if (q.before !== undefined) narrow('id < ?', q.before);
    if (q.actor !== undefined) narrow('actor = ?', q.actor);
    if (q.target !== undefined) narrow('target = ?', q.target);
    // A family: `user.*` is every `user.<something>`. substr, not LIKE: action names hold `_`.
    if (q.action?.endsWith('.*')) narrow('substr(action, 1, ?) = ?', q.action.length - 1, q.action.slice(0, -1));
    else if (q.action !== undefined) narrow('action = ?', q.action);
    const rows = await this.sql.all<Row>(`SELECT * FROM audit WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ?`, [...args, q.limit]);
    return rows.map((r) => ({ ...r, detail: JSON.parse(r.detail) as unknown }));
  }

  async verify(): Promise<AuditVerifyResponse> {
    const checkedAt = this.now();
    let prev = GENESIS;
    let entries = 0;
    for (;;) {
      const page = await this.sql.all<Row>('SELECT * FROM audit WHERE id > ? ORDER BY id LIMIT ?', [entries, VERIFY_PAGE]);
      for (const r of page) {
        if (r.id !== entries + 1 || hashOf(prev, r.id, r.at, r.actor, r.action, r.target, r.detail) !== r.hash)
          return { ok: false, entries, brokenAt: r.id, checkedAt };
        prev = r.hash;
        entries++;
      }
      if (page.length < VERIFY_PAGE) return { ok: true, entries, checkedAt };
    }
  }
}
