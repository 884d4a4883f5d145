/**
 * Shift handovers over {@link Sql} (SQLite or PostgreSQL); the snapshot is stored (as JSON) from
 * the outgoing signature on. Each signature is one conditional update: it moves the handover only
 * from the state it must be in, so of two signatures racing (two tabs, two nodes) one takes effect.
 */
import type { HandoverSnapshot, HandoverState } from '../../../contract/index.ts';
import type { HandoverStore, StoredHandover } from '../services/handover.service.ts';
import type { Sql, SqlValue } from './sql.ts';

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

export class SqlHandoverStore implements HandoverStore {
  constructor(private readonly sql: Sql) {}

  transaction<T>(fn: () => Promise<T>): Promise<T> {
    return this.sql.transaction(fn);
  }

  lockSite(siteId: string): Promise<void> {
    return this.sql.lockInTransaction(`vigil.handover.site:${siteId}`);
  }

  async insert(h: StoredHandover): Promise<void> {
    await this.sql.run(
      `INSERT INTO handover (id, site, state, opened_at, opened_by, notes, handed_over_at, handed_over_by, accepted_at, accepted_by, remarks, snapshot)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        h.id,
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
      ],
    );
  }

  async sign(h: StoredHandover & { handedOverAt: number; handedOverBy: string; snapshot: HandoverSnapshot }): Promise<boolean> {
    const r = await this.sql.run(
      "UPDATE handover SET state = 'handed_over', notes = ?, handed_over_at = ?, handed_over_by = ?, snapshot = ? WHERE id = ? AND state = 'open'",
      [h.notes, h.handedOverAt, h.handedOverBy, JSON.stringify(h.snapshot), h.id],
    );
    return r.changes === 1;
  }

  async accept(h: StoredHandover & { acceptedAt: number; acceptedBy: string }): Promise<boolean> {
    // Four eyes in the statement too: never accepted by the officer who handed it over.
    const r = await this.sql.run(
      "UPDATE handover SET state = 'accepted', accepted_at = ?, accepted_by = ?, remarks = ? WHERE id = ? AND state = 'handed_over' AND handed_over_by <> ?",
      [h.acceptedAt, h.acceptedBy, h.remarks, h.id, h.acceptedBy],
    );
    return r.changes === 1;
  }

  async get(id: string): Promise<StoredHandover | undefined> {
    const r = await this.sql.get<Row>('SELECT * FROM handover WHERE id = ?', [id]);
    return r && toHandover(r);
  }

  async list(query: { siteId?: string; limit: number }): Promise<StoredHandover[]> {
    const [where, args]: [string, SqlValue[]] = query.siteId === undefined ? ['', []] : ['WHERE site = ?', [query.siteId]];
    return (await this.sql.all<Row>(`SELECT * FROM handover ${where} ORDER BY opened_at DESC, id DESC LIMIT ?`, [...args, query.limit])).map(toHandover);
  }

  async pending(siteId: string): Promise<StoredHandover | undefined> {
    const r = await this.sql.get<Row>("SELECT * FROM handover WHERE site = ? AND state != 'accepted' ORDER BY opened_at DESC, id DESC LIMIT 1", [siteId]);
    return r && toHandover(r);
  }

  async handedOverBetween(from: number, to: number, siteId?: string): Promise<StoredHandover[]> {
    const site = siteId === undefined ? '' : 'AND site = ?';
    const rows = await this.sql.all<Row>(`SELECT * FROM handover WHERE handed_over_at >= ? AND handed_over_at < ? ${site} ORDER BY handed_over_at, id`, [
      from,
      to,
      ...(siteId === undefined ? [] : [siteId]),
    ]);
    return rows.map(toHandover);
  }
}
