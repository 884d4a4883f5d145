// Site leases on a real PostgreSQL 15: each site's alarm engine and ingest session run on exactly
// one node at a time, the holder of its lease; sites are balanced across live nodes; a killed
// holder's sites are taken over within TTL + one renew period (10 s with the defaults); a draining
// node hands over without a gap longer than a renew period, with a greater fencing token
// (docs/architecture.md "Sites and leases"). Short periods here (200 ms / 800 ms) so the test runs
// in seconds; the margin is wider than the default so a loaded test machine's timer lag does not
// count as two holders.
//
// Throughout every scenario an observer polls the lease table: a node may be running a site only
// while the table gives it a valid lease, and no site may be running on two nodes at any instant.
import { afterEach, describe, expect, it } from 'vitest';
import { DB_NOW, PostgresLeaseStore } from '../../server/src/adapters/postgres.leases.ts';
import { POSTGRES_MIGRATIONS } from '../../server/src/adapters/postgres.migrations.ts';
import { openPostgres, type PostgresSql } from '../../server/src/adapters/sql.postgres.ts';
import { systemScheduler, type Scheduler } from '../../server/src/services/clock.ts';
import { SiteLeases, type LeaseStore, type SiteWork } from '../../server/src/services/site-leases.ts';
import { postgresDatabases } from '../support/postgres.ts';

const database = postgresDatabases();
const RENEW = 200;
const TTL = 800;
const MARGIN = 300;
/** Query round trips and timer lag on a shared, loaded test machine. */
const SLACK = 250;
const SITES = ['east', 'north', 'south'];

interface Event {
  kind: 'acquired' | 'released' | 'lost';
  node: string;
  site: string;
  token?: number;
  at: number;
}

/** Nodes sharing one database, each with its own connection pool, and the observer. */
class Cluster {
  readonly events: Event[] = [];
  readonly violations: string[] = [];
  observations = 0;
  private readonly running = new Map<string, Map<string, number>>();
  private readonly waiters = new Set<() => void>();
  private readonly pools: PostgresSql[] = [];
  private readonly nodes: SiteLeases[] = [];
  private generation = 0;
  private observing: Promise<void> | undefined;
  private stopObserving = false;

  constructor(readonly url: string) {}

  async open(): Promise<PostgresSql> {
    const sql = await openPostgres(this.url, POSTGRES_MIGRATIONS, (err) => this.violations.push(`pool error: ${err.message}`));
    this.pools.push(sql);
    return sql;
  }

  async node(id: string, scheduler: Scheduler = systemScheduler, wrap: (store: LeaseStore) => LeaseStore = (s) => s): Promise<SiteLeases> {
    const store = wrap(new PostgresLeaseStore(await this.open()));
    const running = new Map<string, number>();
    this.running.set(id, running);
    const record = (e: Omit<Event, 'at' | 'node'>): void => {
      this.events.push({ ...e, node: id, at: Date.now() });
      this.wake();
    };
    const work: SiteWork = {
      acquired: async (site, token) => {
        running.set(site, ++this.generation);
        record({ kind: 'acquired', site, token });
      },
      released: async (site) => {
        running.delete(site);
        record({ kind: 'released', site });
      },
      lost: (site) => {
        running.delete(site);
        record({ kind: 'lost', site });
      },
    };
    const leases = new SiteLeases({
      node: id,
      sites: SITES,
      store,
      scheduler,
      work,
      renewMs: RENEW,
      ttlMs: TTL,
      marginMs: MARGIN,
      onError: (err, what) => this.violations.push(`${id} ${what}: ${String(err)}`),
    });
    this.nodes.push(leases);
    return leases;
  }

  /** kill -9: the loop stops without releasing or calling back, and the process runs nothing any more. */
  async kill(id: string, leases: SiteLeases): Promise<number> {
    await leases.stop();
    this.running.get(id)!.clear();
    return Date.now();
  }

  /** Re-checks what `until` waits for. */
  wake(): void {
    for (const wake of [...this.waiters]) wake();
  }

  sitesOf(id: string): string[] {
    return [...this.running.get(id)!.keys()].sort();
  }

  /** Resolves when `check` holds, re-checked after every callback of any node. */
  until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const wake = (): void => {
        if (!check()) return;
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; events: ${JSON.stringify(this.events)}`));
      }, timeoutMs);
      this.waiters.add(wake);
    });
  }

  /** Starts polling the table against what each node is running, until `close`. */
  async observe(): Promise<void> {
    const sql = await this.open();
    const loop = async (): Promise<void> => {
      while (!this.stopObserving) {
        const before = this.runningNow();
        const rows = await sql.all<{ site: string; holder: string | null; expires_at: number; now: number }>(
          `SELECT site, holder, expires_at, ${DB_NOW} AS now FROM site_lease`,
        );
        const after = new Set(this.runningNow().map((r) => `${r.node} ${r.site} ${r.generation}`));
        for (const run of [before, this.runningNow()]) {
          const bySite = new Map<string, string[]>();
          for (const r of run) bySite.set(r.site, [...(bySite.get(r.site) ?? []), r.node]);
          for (const [site, nodes] of bySite) if (nodes.length > 1) this.violations.push(`${site} running on ${nodes.join(' and ')}`);
        }
        // Running the same site continuously from before the read to after it: the table, read
        // in between, must give that node a valid lease on it.
        for (const r of before) {
          if (!after.has(`${r.node} ${r.site} ${r.generation}`)) continue;
          const row = rows.find((x) => x.site === r.site);
          if (row?.holder !== r.node || row.expires_at <= row.now)
            this.violations.push(`${r.node} runs ${r.site} without a valid lease: ${JSON.stringify(row)}`);
        }
        this.observations++;
        if (this.violations.length > 0) this.wake();
      }
    };
    this.observing = loop().catch((err: Error) => {
      this.violations.push(`observer: ${err.message}`);
    });
  }

  async close(): Promise<void> {
    this.stopObserving = true;
    await this.observing;
    await Promise.all(this.nodes.map((n) => n.stop()));
    await Promise.all(this.pools.map((p) => p.close()));
  }

  private runningNow(): { node: string; site: string; generation: number }[] {
    return [...this.running].flatMap(([node, sites]) => [...sites].map(([site, generation]) => ({ node, site, generation })));
  }
}

let cluster: Cluster | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

async function newCluster(): Promise<Cluster> {
  cluster = new Cluster(await database());
  await cluster.observe();
  return cluster;
}

function expectNoViolations(c: Cluster): void {
  expect(c.violations).toEqual([]);
  expect(c.observations).toBeGreaterThan(20); // the observer really watched
}

describe('site leases on PostgreSQL', () => {
  it('3 sites over 2 nodes settle as 2 and 1; a killed node’s sites are taken over within TTL + one renew period', async () => {
    const c = await newCluster();
    const a = await c.node('a');
    // b's clock is an hour ahead: expiry is judged by the database's clock alone.
    const b = await c.node('b', { ...systemScheduler, now: () => Date.now() + 3_600_000 });
    await a.start();
    await b.start();
    await c.until(() => c.sitesOf('a').length + c.sitesOf('b').length === 3 && c.sitesOf('b').length === 1, 5000, '2/1');
    expect(c.sitesOf('a')).toHaveLength(2);
    // Settled: nothing moves during a full TTL (an absence, so it can only be watched for a while).
    const settled = c.events.length;
    await new Promise((r) => setTimeout(r, TTL));
    expect(c.events.length).toBe(settled);
    expect(b.status()).toMatchObject({ node: 'b', peers: [{ id: 'a', draining: false }], unheld: [] });
    expect(b.status().held.map((h) => h.site)).toEqual(c.sitesOf('b'));

    const [bSite] = c.sitesOf('b');
    const bToken = b.token(bSite!)!;
    const killedAt = await c.kill('b', b);
    await c.until(() => c.sitesOf('a').length === 3, TTL + RENEW + 2000, 'a to hold all three');
    const takeover = c.events.find((e) => e.kind === 'acquired' && e.node === 'a' && e.site === bSite && e.at >= killedAt)!;
    expect(takeover.at - killedAt).toBeLessThanOrEqual(TTL + RENEW + SLACK);
    expect(takeover.token).toBe(bToken + 1);
    expectNoViolations(c);
  });

  it('a draining node hands each site over: stopped first, taken within a renew period, with a greater token', async () => {
    const c = await newCluster();
    const a = await c.node('a');
    const b = await c.node('b');
    const third = await c.node('c');
    await Promise.all([a.start(), b.start(), third.start()]);
    await c.until(() => ['a', 'b', 'c'].every((n) => c.sitesOf(n).length === 1), 5000, 'one site each');
    const aSite = c.sitesOf('a')[0]!;
    const aToken = a.token(aSite)!;

    await a.drain();
    const released = c.events.find((e) => e.kind === 'released' && e.node === 'a' && e.site === aSite)!;
    await c.until(() => c.sitesOf('b').includes(aSite) || c.sitesOf('c').includes(aSite), 2000, `${aSite} taken over`);
    const taken = c.events.find((e) => e.kind === 'acquired' && e.site === aSite && e.at >= released.at)!;
    expect(taken.at - released.at).toBeLessThanOrEqual(RENEW + SLACK);
    expect(taken.token).toBeGreaterThan(aToken);
    expect(c.events.filter((e) => e.node === 'a' && e.kind === 'lost')).toEqual([]);
    expect(a.status().held).toEqual([]);
    // Its peers see it draining (it keeps no sites), and no site is left without a holder.
    expect(b.status().unheld).toEqual([]);
    expectNoViolations(c);
  });

  it('a node acting on a stale reading (every site free) tries to take the held sites and gets none: never two holders', async () => {
    const c = await newCluster();
    const a = await c.node('a');
    const b = await c.node('b');
    await a.start();
    await b.start();
    // Settled at 2/1, so no site is free when x starts.
    await c.until(() => c.sitesOf('a').length === 2 && c.sitesOf('b').length === 1, 5000, '2/1');
    let attempts = 0;
    // x reads the table as it was before anyone took a site (a node paused mid-round, a lagging
    // read): it sees no peers and every site free, so every round it tries to acquire all three.
    // Its heartbeats do not land either, so a and b do not hand it a share.
    const x = await c.node('x', systemScheduler, (store) => ({
      heartbeat: async () => undefined,
      snapshot: async () => ({ ...(await store.snapshot()), nodes: [], leases: [] }),
      acquire: async (site, node, ttlMs) => {
        const token = await store.acquire(site, node, ttlMs);
        attempts++;
        c.wake();
        return token;
      },
      renew: (node, leases, ttlMs) => store.renew(node, leases, ttlMs),
      release: (site, node, token) => store.release(site, node, token),
    }));
    await x.start();
    await c.until(() => attempts >= 5 * SITES.length || c.violations.length > 0, 5000, 'five rounds of attempts');
    expectNoViolations(c);
    expect(c.sitesOf('x')).toEqual([]);
    expect(c.events.filter((e) => e.kind === 'lost')).toEqual([]);
  });

  it('nodes joining, draining and dying for a while: never two holders, every site held at the end', async () => {
    const c = await newCluster();
    const ids = ['a', 'b', 'c'];
    const live = new Map<string, SiteLeases>();
    for (const id of ids) live.set(id, await c.node(id));
    await Promise.all([...live.values()].map((n) => n.start()));
    let generation = 0;
    for (const [what, index] of [
      ['drain', 0],
      ['kill', 1],
      ['drain', 2],
      ['kill', 0],
    ] as const) {
      const id = [...live.keys()][index]!;
      const leaving = live.get(id)!;
      if (what === 'drain') await leaving.drain();
      else await c.kill(id, leaving);
      live.delete(id);
      // It comes back as a new process with a new id, as a restarted node does.
      const back = `${id}${++generation}`;
      live.set(back, await c.node(back));
      await live.get(back)!.start();
      await c.until(() => [...live.keys()].every((n) => c.sitesOf(n).length === 1), TTL + 4 * RENEW + 2000, `balanced after ${what} ${id}`);
    }
    expectNoViolations(c);
  });
});

describe('PostgresLeaseStore', () => {
  it('of many nodes racing for one free site, exactly one wins; the same when the lease has expired, with the next token', async () => {
    const c = await newCluster();
    const stores = await Promise.all(['n1', 'n2', 'n3', 'n4'].map(async () => new PostgresLeaseStore(await c.open())));
    const sites = Array.from({ length: 10 }, (_, i) => `site${i}`);
    const race = (ttlMs: number) => Promise.all(sites.map((site) => Promise.all(stores.map((store, i) => store.acquire(site, `n${i + 1}`, ttlMs)))));

    const first = await race(60_000);
    for (const tokens of first) expect(tokens.filter((t) => t !== undefined)).toEqual([1]);
    // Held and valid: nobody else gets it.
    const second = await race(60_000);
    for (const tokens of second) expect(tokens.filter((t) => t !== undefined)).toEqual([]);
    // Every lease a minute past its expiry, as if its holder had died.
    await (await c.open()).run('UPDATE site_lease SET expires_at = expires_at - 120000');
    const third = await race(60_000);
    for (const tokens of third) expect(tokens.filter((t) => t !== undefined)).toEqual([2]);
  });

  it('renews and releases only with the holder’s own token; a released site’s next token is still greater', async () => {
    const c = await newCluster();
    const store = new PostgresLeaseStore(await c.open());
    expect(await store.acquire('east', 'a', 60_000)).toBe(1);
    expect(await store.renew('a', [{ site: 'east', token: 2 }], 60_000)).toEqual([]);
    expect(await store.renew('b', [{ site: 'east', token: 1 }], 60_000)).toEqual([]);
    expect(await store.renew('a', [{ site: 'east', token: 1 }], 60_000)).toEqual(['east']);
    await store.release('east', 'a', 7);
    expect(await store.acquire('east', 'b', 60_000)).toBeUndefined();
    await store.release('east', 'a', 1);
    expect(await store.renew('a', [{ site: 'east', token: 1 }], 60_000)).toEqual([]);
    expect(await store.acquire('east', 'b', 60_000)).toBe(2);

    await store.heartbeat('b', true);
    const snapshot = await store.snapshot();
    expect(snapshot.nodes).toEqual([{ id: 'b', startedAt: expect.any(Number), seenAt: expect.any(Number), draining: true }]);
    expect(snapshot.leases).toEqual([
      { site: 'east', holder: 'b', token: 2, acquiredAt: expect.any(Number), renewedAt: expect.any(Number), expiresAt: expect.any(Number) },
    ]);
    expect(snapshot.leases[0]!.expiresAt - snapshot.leases[0]!.acquiredAt).toBe(60_000);
  });
});
