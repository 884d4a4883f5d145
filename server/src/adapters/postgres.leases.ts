/**
 * Site leases in PostgreSQL (the LeaseStore port of services/site-leases.ts). Every time is taken
 * from the DATABASE's clock inside the statement that uses it, never from a node's: two nodes
 * whose clocks disagree still agree on whether a lease has expired, because only the database
 * decides. Each change is one statement, so no node ever acts on something it read earlier:
 * acquiring is a single INSERT … ON CONFLICT … DO UPDATE … WHERE (free or expired), and
 * PostgreSQL re-checks that WHERE against the row as another transaction left it when two nodes
 * race for the same site, so exactly one of them gets a token.
 *
 * A released lease keeps its row (holder NULL, expired) so the site's token keeps counting up:
 * every new holder's token is greater than any earlier holder's, and a write fenced with an old
 * token can be refused.
 */
import type { Sql } from './sql.ts';
import type { LeaseRow, LeaseSnapshot, LeaseStore, NodeRow } from '../services/site-leases.ts';

/** The schema step for POSTGRES_MIGRATIONS (postgres.migrations.ts). */
export const LEASE_MIGRATION = `
  -- Nodes sharing the sites: a heartbeat each renew period (epoch ms, database clock).
  CREATE TABLE vigil_node (
    id TEXT PRIMARY KEY,
    started_at BIGINT NOT NULL,
    seen_at BIGINT NOT NULL,
    draining BIGINT NOT NULL DEFAULT 0
  );
  -- One lease per site; token grows with every new holder (a fencing token).
  CREATE TABLE site_lease (
    site TEXT PRIMARY KEY,
    holder TEXT,
    token BIGINT NOT NULL,
    acquired_at BIGINT NOT NULL,
    renewed_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
  );
`;

/** Where peers reach each node (its NODE_URL), for the forwarder (node.forwarder.ts); SQLite's step: nodeUrlMigration. */
export const NODE_URL_MIGRATION = `
  ALTER TABLE vigil_node ADD COLUMN url TEXT;
`;

/** The database's time in epoch ms. clock_timestamp(), not now(): now() stands still for a whole transaction. */
export const DB_NOW = '(extract(epoch from clock_timestamp()) * 1000)::bigint';

/** Nodes not heard from for a day are forgotten (a node id is per process, so restarts add rows). */
const FORGET_NODE_MS = 24 * 3600_000;

interface NodeRecord {
  id: string;
  started_at: number;
  seen_at: number;
  draining: number;
}

interface LeaseRecord {
  site: string;
  holder: string | null;
  token: number;
  acquired_at: number;
  renewed_at: number;
  expires_at: number;
}

/** A site's valid holder and where to reach it (null: the holder gave no NODE_URL). */
export interface SiteHolderAddress {
  node: string;
  url: string | null;
}

export class PostgresLeaseStore implements LeaseStore {
  /** `nodeUrl`: this node's NODE_URL, recorded with its heartbeat so peers can forward to it. */
  constructor(
    private readonly sql: Sql,
    private readonly nodeUrl: string | null = null,
  ) {}

  async heartbeat(node: string, draining: boolean): Promise<void> {
    await this.sql.run(
      `INSERT INTO vigil_node (id, started_at, seen_at, draining, url) VALUES (?, ${DB_NOW}, ${DB_NOW}, ?, ?)
       ON CONFLICT (id) DO UPDATE SET seen_at = excluded.seen_at, draining = excluded.draining, url = excluded.url`,
      [node, draining ? 1 : 0, this.nodeUrl],
    );
    await this.sql.run(`DELETE FROM vigil_node WHERE seen_at < ${DB_NOW} - ?`, [FORGET_NODE_MS]);
  }

  async snapshot(): Promise<LeaseSnapshot> {
    const { now } = (await this.sql.get<{ now: number }>(`SELECT ${DB_NOW} AS now`))!;
    const nodes = await this.sql.all<NodeRecord>('SELECT id, started_at, seen_at, draining FROM vigil_node ORDER BY id');
    const leases = await this.sql.all<LeaseRecord>('SELECT site, holder, token, acquired_at, renewed_at, expires_at FROM site_lease ORDER BY site');
    return { now, nodes: nodes.map(toNode), leases: leases.map(toLease) };
  }

  async acquire(site: string, node: string, ttlMs: number): Promise<number | undefined> {
    // `excluded` is the row this statement proposes: its acquired_at is the database's time now.
    const row = await this.sql.get<{ token: number }>(
      `INSERT INTO site_lease AS l (site, holder, token, acquired_at, renewed_at, expires_at)
       SELECT ?, ?, 1, t.now, t.now, t.now + ? FROM (SELECT ${DB_NOW} AS now) t
       ON CONFLICT (site) DO UPDATE SET
         holder = excluded.holder, token = l.token + 1,
         acquired_at = excluded.acquired_at, renewed_at = excluded.renewed_at, expires_at = excluded.expires_at
       WHERE l.holder IS NULL OR l.expires_at <= excluded.acquired_at
       RETURNING token`,
      [site, node, ttlMs],
    );
    return row?.token;
  }

  async renew(node: string, leases: readonly { site: string; token: number }[], ttlMs: number): Promise<string[]> {
    if (leases.length === 0) return [];
    const which = leases.map(() => '(site = ? AND token = ?)').join(' OR ');
    const rows = await this.sql.all<{ site: string }>(
      `UPDATE site_lease SET renewed_at = t.now, expires_at = t.now + ?
       FROM (SELECT ${DB_NOW} AS now) t
       WHERE holder = ? AND expires_at > t.now AND (${which})
       RETURNING site`,
      [ttlMs, node, ...leases.flatMap((l) => [l.site, l.token])],
    );
    return rows.map((r) => r.site);
  }

  /** Who holds `site` now (a lease not expired by the database's clock), or undefined when nobody does. */
  async holderOf(site: string): Promise<SiteHolderAddress | undefined> {
    return this.sql.get<SiteHolderAddress>(
      `SELECT l.holder AS node, n.url AS url FROM site_lease l LEFT JOIN vigil_node n ON n.id = l.holder
       WHERE l.site = ? AND l.holder IS NOT NULL AND l.expires_at > ${DB_NOW}`,
      [site],
    );
  }

  async release(site: string, node: string, token: number): Promise<void> {
    await this.sql.run(`UPDATE site_lease SET holder = NULL, expires_at = ${DB_NOW} WHERE site = ? AND holder = ? AND token = ?`, [site, node, token]);
  }
}

function toNode(r: NodeRecord): NodeRow {
  return { id: r.id, startedAt: r.started_at, seenAt: r.seen_at, draining: r.draining !== 0 };
}

function toLease(r: LeaseRecord): LeaseRow {
  return { site: r.site, holder: r.holder, token: r.token, acquiredAt: r.acquired_at, renewedAt: r.renewed_at, expiresAt: r.expires_at };
}
