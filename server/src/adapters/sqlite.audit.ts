/**
 * The audit trail: append-only (triggers refuse UPDATE and DELETE) and hash-chained — each entry's
 * hash covers the previous entry's hash and its own content, so any edit breaks the chain from
 * that entry on (`verify`).
 */
import crypto from 'node:crypto';
import type { AuditEntry, AuditVerifyResponse } from '../../../contract/index.ts';
import type { AuditInput, AuditLog, AuditQuery, AuditTrail } from '../services/audit.port.ts';
import type { SqliteDatabase } from './sqlite.database.ts';

export const auditMigration = (db: SqliteDatabase): void => {
  db.exec(`
    CREATE TABLE audit (
      id INTEGER PRIMARY KEY,
      at INTEGER NOT NULL,
      actor TEXT NOT NULL,
      action TEXT NOT NULL,
      target TEXT NOT NULL,
      detail TEXT NOT NULL,
      hash TEXT NOT NULL
    );
    CREATE INDEX audit_at ON audit (at);
    CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
    CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
  `);
};

const GENESIS = '0'.repeat(64);

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

export class SqliteAuditLog implements AuditLog, AuditTrail {
  private readonly insert;
  private readonly head;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly now: () => number = Date.now,
  ) {
    this.insert = db.prepare('INSERT INTO audit (id, at, actor, action, target, detail, hash) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.head = db.prepare('SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1');
  }

  /** Appends within the caller's transaction when there is one (better-sqlite3 nests). */
  append(e: AuditInput): void {
    // The head is read each time, not cached: the command line (`npm run vigil -- user ...`)
    // appends to the same trail while the server runs, and a rolled-back transaction takes its
    // entries with it. A one-row index lookup.
    const last = (this.head.get() as { id: number; hash: string } | undefined) ?? { id: 0, hash: GENESIS };
    const id = last.id + 1;
    const at = e.at ?? this.now();
    const detail = JSON.stringify(e.detail ?? null);
    this.insert.run(id, at, e.actor, e.action, e.target, detail, hashOf(last.hash, id, at, e.actor, e.action, e.target, detail));
  }

  list(q: AuditQuery): AuditEntry[] {
    const where = ['at >= ?', 'at <= ?'];
    const args: (string | number)[] = [q.from, q.to];
    const narrow = (clause: string, ...values: (string | number)[]): void => {
      where.push(clause);
      args.push(...values);
    };
    if (q.before !== undefined) narrow('id < ?', q.before);
    if (q.actor !== undefined) narrow('actor = ?', q.actor);
    if (q.target !== undefined) narrow('target = ?', q.target);
    // A family: `user.*` is every `user.<something>`. substr, not LIKE: action names hold `_`.
    if (q.action?.endsWith('.*')) narrow('substr(action, 1, ?) = ?', q.action.length - 1, q.action.slice(0, -1));
    else if (q.action !== undefined) narrow('action = ?', q.action);
    const rows = this.db.prepare(`SELECT * FROM audit WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ?`).all(...args, q.limit) as Row[];
    return rows.map((r) => ({ ...r, detail: JSON.parse(r.detail) as unknown }));
  }

  verify(): AuditVerifyResponse {
    const checkedAt = this.now();
    let prev = GENESIS;
    let entries = 0;
    for (const r of this.db.prepare('SELECT * FROM audit ORDER BY id').iterate() as IterableIterator<Row>) {
      if (r.id !== entries + 1 || hashOf(prev, r.id, r.at, r.actor, r.action, r.target, r.detail) !== r.hash)
        return { ok: false, entries, brokenAt: r.id, checkedAt };
      prev = r.hash;
      entries++;
    }
    return { ok: true, entries, checkedAt };
  }
}
