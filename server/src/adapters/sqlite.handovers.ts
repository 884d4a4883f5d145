/** Shift handovers in SQLite; the snapshot is stored (as JSON) from the outgoing signature on. */
import type { HandoverSnapshot, HandoverState } from '../../../contract/index.ts';
import type { HandoverStore, StoredHandover } from '../services/handover.service.ts';
import type { SqliteDatabase } from './sqlite.database.ts';

export const handoversMigration = (db: SqliteDatabase): void => {
  db.exec(`
    CREATE TABLE handover (
      id TEXT PRIMARY KEY, site TEXT NOT NULL, state TEXT NOT NULL,
      opened_at INTEGER NOT NULL, opened_by TEXT NOT NULL, notes TEXT NOT NULL,
      handed_over_at INTEGER, handed_over_by TEXT, accepted_at INTEGER, accepted_by TEXT, remarks TEXT,
      snapshot TEXT
    );
    CREATE INDEX handover_site_opened ON handover (site, opened_at);
    CREATE INDEX handover_handed_over ON handover (handed_over_at);
  `);
};

interface Row {
  id: string;
  site: string;
  state: HandoverState;
  opened_at: number;
  opened_by: string;
  notes: string;
  handed_over_at: number | null;
  handed_over_by: string | null;
  accepted_at: number | null;
  accepted_by: string | null;
  remarks: string | null;
  snapshot: string | null;
}

const toHandover = (r: Row): StoredHandover => ({
  id: r.id,
  siteId: r.site,
  state: r.state,
  openedAt: r.opened_at,
  openedBy: r.opened_by,
  notes: r.notes,
  handedOverAt: r.handed_over_at,
  handedOverBy: r.handed_over_by,
  acceptedAt: r.accepted_at,
  acceptedBy: r.accepted_by,
  remarks: r.remarks,
  snapshot: r.snapshot === null ? null : (JSON.parse(r.snapshot) as HandoverSnapshot),
});

const params = (h: StoredHandover) => [
  h.siteId,
  h.state,
  h.openedAt,
  h.openedBy,
  h.notes,
  h.handedOverAt,
  h.handedOverBy,
  h.acceptedAt,
  h.acceptedBy,
  h.remarks,
  h.snapshot === null ? null : JSON.stringify(h.snapshot),
  h.id,
];

export class SqliteHandoverStore implements HandoverStore {
  constructor(private readonly db: SqliteDatabase) {}

  insert(h: StoredHandover): void {
    this.db
      .prepare(
        `INSERT INTO handover (site, state, opened_at, opened_by, notes, handed_over_at, handed_over_by, accepted_at, accepted_by, remarks, snapshot, id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(...params(h));
  }

  update(h: StoredHandover): void {
    this.db
      .prepare(
        `UPDATE handover SET site = ?, state = ?, opened_at = ?, opened_by = ?, notes = ?, handed_over_at = ?, handed_over_by = ?,
         accepted_at = ?, accepted_by = ?, remarks = ?, snapshot = ? WHERE id = ?`,
      )
      .run(...params(h));
  }

  get(id: string): StoredHandover | undefined {
    const r = this.db.prepare('SELECT * FROM handover WHERE id = ?').get(id) as Row | undefined;
    return r ? toHandover(r) : undefined;
  }

  list(query: { siteId?: string; limit: number }): StoredHandover[] {
    const rows =
      query.siteId === undefined
        ? this.db.prepare('SELECT * FROM handover ORDER BY opened_at DESC, id DESC LIMIT ?').all(query.limit)
        : this.db.prepare('SELECT * FROM handover WHERE site = ? ORDER BY opened_at DESC, id DESC LIMIT ?').all(query.siteId, query.limit);
    return (rows as Row[]).map(toHandover);
  }

  pending(siteId: string): StoredHandover | undefined {
    const r = this.db.prepare("SELECT * FROM handover WHERE site = ? AND state != 'accepted' ORDER BY opened_at DESC LIMIT 1").get(siteId) as Row | undefined;
    return r ? toHandover(r) : undefined;
  }

  handedOverBetween(from: number, to: number, siteId?: string): StoredHandover[] {
    const rows =
      siteId === undefined
        ? this.db.prepare('SELECT * FROM handover WHERE handed_over_at >= ? AND handed_over_at < ? ORDER BY handed_over_at').all(from, to)
        : this.db.prepare('SELECT * FROM handover WHERE handed_over_at >= ? AND handed_over_at < ? AND site = ? ORDER BY handed_over_at').all(from, to, siteId);
    return (rows as Row[]).map(toHandover);
  }
}
