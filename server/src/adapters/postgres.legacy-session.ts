/**
 * Who drains the former single-node MQTT session when an installation becomes a cluster, and
 * whether it is done (compose/legacy-session.ts). One row per client id: a claim (node, until, on
 * the DATABASE's clock, as the site leases) while a node drains it, then the time it was removed
 * and how many readings it held. Every change is one statement, so two nodes starting together
 * never both drain it: the claim is taken only when there is none, it is the caller's, or it
 * expired (its node died mid-way; what it had not acknowledged is still queued on the broker).
 */
import { DB_NOW } from './postgres.leases.ts';
import type { Sql } from './sql.ts';

/** The schema step for POSTGRES_MIGRATIONS; SQLite's legacySessionMigration (sqlite.legacy-session.ts) makes the same table. */
export const LEGACY_SESSION_MIGRATION = `
  CREATE TABLE legacy_mqtt_session (
    client_id TEXT PRIMARY KEY,
    claimed_by TEXT NOT NULL,
    claimed_until BIGINT NOT NULL,
    cluster_ran_before BIGINT NOT NULL,
    removed_at BIGINT,
    drained BIGINT
  );
`;

/**
 * `mine`: the caller drains it now; `clusterRanBefore`: site leases existed when the first claim
 * was made, so the cluster ran before this step did (an upgrade) and per-site sessions have
 * received everything since. `done`: removed already. `busy`: `node` is draining it.
 */
export type LegacyClaim = { state: 'mine'; clusterRanBefore: boolean } | { state: 'done' } | { state: 'busy'; node: string };

export class PostgresLegacySessions {
  constructor(private readonly sql: Sql) {}

  async claim(clientId: string, node: string, ttlMs: number): Promise<LegacyClaim> {
    // cluster_ran_before is decided by the first claim only: the drainer's own leases come after it.
    const taken = await this.sql.get<{ cluster_ran_before: number }>(
      `INSERT INTO legacy_mqtt_session AS s (client_id, claimed_by, claimed_until, cluster_ran_before)
       SELECT ?, ?, t.now + ?, CASE WHEN EXISTS (SELECT 1 FROM site_lease) THEN 1 ELSE 0 END FROM (SELECT ${DB_NOW} AS now) t
       ON CONFLICT (client_id) DO UPDATE SET claimed_by = excluded.claimed_by, claimed_until = excluded.claimed_until
       WHERE s.removed_at IS NULL AND (s.claimed_by = excluded.claimed_by OR s.claimed_until <= excluded.claimed_until - ?)
       RETURNING cluster_ran_before`,
      [clientId, node, ttlMs, ttlMs],
    );
    if (taken) return { state: 'mine', clusterRanBefore: taken.cluster_ran_before !== 0 };
    const row = await this.sql.get<{ claimed_by: string; removed_at: number | null }>(
      'SELECT claimed_by, removed_at FROM legacy_mqtt_session WHERE client_id = ?',
      [clientId],
    );
    // Gone between the two statements only if someone deleted the row by hand: claim again next time.
    if (row === undefined) return { state: 'busy', node: '?' };
    return row.removed_at !== null ? { state: 'done' } : { state: 'busy', node: row.claimed_by };
  }

  /** Extends the caller's claim; false when it is no longer the caller's. */
  async renew(clientId: string, node: string, ttlMs: number): Promise<boolean> {
    const { changes } = await this.sql.run(
      `UPDATE legacy_mqtt_session SET claimed_until = ${DB_NOW} + ? WHERE client_id = ? AND claimed_by = ? AND removed_at IS NULL`,
      [ttlMs, clientId, node],
    );
    return changes > 0;
  }

  /** Records that the session was removed from the broker, with how many readings it still held. */
  async removed(clientId: string, node: string, drained: number): Promise<void> {
    await this.sql.run(`UPDATE legacy_mqtt_session SET removed_at = ${DB_NOW}, drained = ? WHERE client_id = ? AND claimed_by = ?`, [drained, clientId, node]);
  }
}
