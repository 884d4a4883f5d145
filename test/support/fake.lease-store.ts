/**
 * An in-memory LeaseStore for unit tests, with the PostgreSQL adapter's semantics (free or expired
 * by the store's clock → taken with a greater token; renew and release only with the holder's
 * token). The store's clock is its own, so tests can skew it against the nodes'. `down = true`
 * makes every call fail, as an unreachable database does.
 */
import type { LeaseRow, LeaseSnapshot, LeaseStore, NodeRow } from '../../server/src/services/site-leases.ts';

export class FakeLeaseStore implements LeaseStore {
  readonly nodes = new Map<string, NodeRow>();
  readonly leases = new Map<string, LeaseRow>();
  down = false;

  constructor(private readonly clock: { now(): number }) {}

  async heartbeat(node: string, draining: boolean): Promise<void> {
    const now = this.reachable();
    const row = this.nodes.get(node);
    this.nodes.set(node, { id: node, startedAt: row?.startedAt ?? now, seenAt: now, draining });
  }

  async snapshot(): Promise<LeaseSnapshot> {
    const now = this.reachable();
    return { now, nodes: [...this.nodes.values()].map((n) => ({ ...n })), leases: [...this.leases.values()].map((l) => ({ ...l })) };
  }

  async acquire(site: string, node: string, ttlMs: number): Promise<number | undefined> {
    const now = this.reachable();
    const row = this.leases.get(site);
    if (row !== undefined && row.holder !== null && row.expiresAt > now) return undefined;
    const token = (row?.token ?? 0) + 1;
    this.leases.set(site, { site, holder: node, token, acquiredAt: now, renewedAt: now, expiresAt: now + ttlMs });
    return token;
  }

  async renew(node: string, leases: readonly { site: string; token: number }[], ttlMs: number): Promise<string[]> {
    const now = this.reachable();
    const kept: string[] = [];
    for (const { site, token } of leases) {
      const row = this.leases.get(site);
      if (row === undefined || row.holder !== node || row.token !== token || row.expiresAt <= now) continue;
      row.renewedAt = now;
      row.expiresAt = now + ttlMs;
      kept.push(site);
    }
    return kept;
  }

  async release(site: string, node: string, token: number): Promise<void> {
    const now = this.reachable();
    const row = this.leases.get(site);
    if (row === undefined || row.holder !== node || row.token !== token) return;
    row.holder = null;
    row.expiresAt = now;
  }

  /** The site's holder now (valid lease), if any. */
  holder(site: string): string | undefined {
    const row = this.leases.get(site);
    return row?.holder !== null && row !== undefined && row.expiresAt > this.clock.now() ? row.holder : undefined;
  }

  private reachable(): number {
    if (this.down) throw new Error('database unreachable');
    return this.clock.now();
  }
}
