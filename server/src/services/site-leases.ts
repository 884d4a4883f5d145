/**
 * Which sites this node runs. Each site's alarm engine and its MQTT ingest session must run on
 * exactly one node at a time: with PostgreSQL, the node holding that site's lease
 * ({@link SiteLeases}); with SQLite, there is one node and it runs every site ({@link SoleHolder}).
 * Both implement {@link SiteHolder}; the composition root picks one and the site's work is
 * started and stopped through the {@link SiteWork} callbacks (docs/architecture.md "Sites and
 * leases").
 *
 * Safety rests on the database, not on the nodes agreeing: a lease is taken by one atomic
 * statement that only succeeds when the lease is free or expired by the DATABASE's clock, and a
 * holder stops a site's work as soon as it cannot prove the lease is still its own — when a
 * renewal finds the lease gone, or when the database has been unreachable long enough that the
 * lease may have expired (measured on this node's timers from the start of its last successful
 * renewal, minus a safety margin, so neither slow replies nor clock skew between nodes can leave
 * two nodes running one site).
 */
import type { Scheduler, TimerHandle } from './clock.ts';
import { balanceSites, leaseMoves } from '../domain/sites/balance.ts';

// ---------------------------------------------------------------------------------------------
// Ports

/** A node's row: its heartbeat, on the database's clock. */
export interface NodeRow {
  id: string;
  startedAt: number;
  seenAt: number;
  draining: boolean;
}

/** A site's lease, times on the database's clock; `holder` is null once released. */
export interface LeaseRow {
  site: string;
  holder: string | null;
  token: number;
  acquiredAt: number;
  renewedAt: number;
  expiresAt: number;
}

/** The lease table as one node reads it, with the database's time of the reading. */
export interface LeaseSnapshot {
  now: number;
  nodes: NodeRow[];
  leases: LeaseRow[];
}

/** Where leases live (PostgreSQL: adapters/postgres.leases.ts). Every time is the store's own. */
export interface LeaseStore {
  /** Records that `node` is alive (and whether it is draining). */
  heartbeat(node: string, draining: boolean): Promise<void>;
  snapshot(): Promise<LeaseSnapshot>;
  /**
   * Takes `site` for `node` for `ttlMs` if it is free (never held, released or expired), in one
   * atomic step; the new fencing token, greater than every token the site had before, or
   * undefined when someone else holds it.
   */
  acquire(site: string, node: string, ttlMs: number): Promise<number | undefined>;
  /** Extends the leases `node` still holds with these tokens and that have not expired; the sites extended. */
  renew(node: string, leases: readonly { site: string; token: number }[], ttlMs: number): Promise<string[]>;
  /** Gives the lease back (only if `node` still holds it with `token`), so a peer may take it at once. */
  release(site: string, node: string, token: number): Promise<void>;
}

/** What a node does for the sites it holds. */
export interface SiteWork {
  /**
   * This node now holds `site`: load its rule state, start its ingest session. `token` is the
   * lease's fencing token, to pass to writes that must refuse a former holder. A throw gives the
   * site back (`lost` is called first, so whatever was started is stopped).
   */
  acquired(site: string, token: number): Promise<void>;
  /**
   * A clean hand-over (drain, or rebalancing): stop the site's work and persist what the next
   * holder needs. The lease is released only once this resolves, so the next holder starts
   * from the saved state.
   */
  released(site: string): Promise<void>;
  /**
   * The lease is gone (taken over, or not renewed in time): stop the site's work at once, without
   * writing its state — another node may already be running it.
   */
  lost(site: string): void;
}

export interface HeldSite {
  site: string;
  token: number;
  /** When this node took the lease (this node's clock). */
  since: number;
  /** When its last successful renewal started (this node's clock). */
  renewedAt: number;
  /** Time since then: a lease near the TTL means renewals are failing. */
  ageMs: number;
}

export interface SiteHolderStatus {
  node: string;
  draining: boolean;
  held: HeldSite[];
  /** Other nodes heard from within the lease TTL. */
  peers: { id: string; seenAt: number; draining: boolean }[];
  /** Configured sites without a valid lease (or, on this node, one it is not running): nothing runs their alarms or ingest. */
  unheld: string[];
}

/** The sites this node runs, and how it hands them over. */
export interface SiteHolder {
  start(): Promise<void>;
  /** Hands every site over cleanly (the `released` callbacks first), then resolves. */
  drain(): Promise<void>;
  status(): SiteHolderStatus;
  /** The fencing token of a site this node holds; undefined when it does not hold it. */
  token(site: string): number | undefined;
}

// ---------------------------------------------------------------------------------------------
// One node: every site

/** The token a sole holder gives its sites: nobody else can ever hold them. */
export const SOLE_TOKEN = 1;

/** SQLite: one node, no peers, every site held from the start. */
export class SoleHolder implements SiteHolder {
  private held = new Map<string, number>();
  private draining = false;

  constructor(private readonly options: { node: string; sites: readonly string[]; work: SiteWork; clock: { now(): number } }) {}

  async start(): Promise<void> {
    for (const site of this.options.sites) {
      this.held.set(site, this.options.clock.now());
      await this.options.work.acquired(site, SOLE_TOKEN);
    }
  }

  async drain(): Promise<void> {
    this.draining = true;
    const sites = [...this.held.keys()];
    this.held.clear();
    await Promise.all(sites.map((site) => this.options.work.released(site)));
  }

  status(): SiteHolderStatus {
    const now = this.options.clock.now();
    return {
      node: this.options.node,
      draining: this.draining,
      held: [...this.held].map(([site, since]) => ({ site, token: SOLE_TOKEN, since, renewedAt: now, ageMs: 0 })),
      peers: [],
      unheld: this.options.sites.filter((s) => !this.held.has(s)),
    };
  }

  token(site: string): number | undefined {
    return this.held.has(site) ? SOLE_TOKEN : undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Two or more nodes: leases

export interface SiteLeasesOptions {
  /** This node's id: unique per running process (two processes with one id would share leases). */
  node: string;
  sites: readonly string[];
  store: LeaseStore;
  scheduler: Scheduler;
  work: SiteWork;
  /** How often the heartbeat and the renewals run (default 2 s). */
  renewMs?: number;
  /** How long a lease lasts without renewal: a dead holder's sites are taken over after this (default 6 s). */
  ttlMs?: number;
  /**
   * How long before a lease could have expired a holder that cannot renew stops its sites
   * (default renewMs / 2): covers the local clock running slow and the time stopping takes.
   */
  marginMs?: number;
  /** Store failures and callback errors; the loop carries on. */
  onError?: (err: unknown, what: string) => void;
}

interface Holding {
  token: number;
  since: number;
  renewedAt: number;
  deadline?: TimerHandle;
}

export class SiteLeases implements SiteHolder {
  private readonly renewMs: number;
  private readonly ttlMs: number;
  private readonly marginMs: number;
  private readonly held = new Map<string, Holding>();
  private sites: readonly string[];
  private draining = false;
  private stopped = true;
  private timer: TimerHandle | undefined;
  private running: Promise<void> | undefined;
  /** The last snapshot read, and when (this node's clock). */
  private seen: { snapshot: LeaseSnapshot; at: number } | undefined;

  constructor(private readonly options: SiteLeasesOptions) {
    this.renewMs = options.renewMs ?? 2000;
    this.ttlMs = options.ttlMs ?? 6000;
    this.marginMs = options.marginMs ?? this.renewMs / 2;
    this.sites = [...options.sites];
    // One renewal may fail (a blip, a slow reply) without losing the sites: the next one, a
    // renew period later, must still land before the holder's own deadline.
    if (this.ttlMs < 2 * this.renewMs + this.marginMs) {
      throw new Error(`lease TTL ${this.ttlMs} ms must be at least two renew periods (${this.renewMs} ms) plus the margin (${this.marginMs} ms)`);
    }
  }

  /** Starts the loop; resolves after the first round (heartbeat, and the sites taken then). */
  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    this.draining = false;
    await this.round();
  }

  /** Changes the sites to run (a facility reload): sites no longer listed are handed over at the next round. */
  setSites(sites: readonly string[]): void {
    this.sites = [...sites];
  }

  async drain(): Promise<void> {
    this.draining = true;
    this.halt();
    await this.running;
    await this.attempt('heartbeat', () => this.options.store.heartbeat(this.options.node, true));
    await Promise.all([...this.held.keys()].map((site) => this.handOver(site)));
  }

  /**
   * Stops the loop WITHOUT releasing anything or calling back: the leases expire after the TTL
   * and peers take the sites over, as after a crash. For tests and for a process that is about
   * to exit anyway; a node leaving on purpose drains.
   */
  async stop(): Promise<void> {
    this.halt();
    await this.running;
    for (const h of this.held.values()) if (h.deadline !== undefined) this.options.scheduler.clearTimeout(h.deadline);
    this.held.clear();
  }

  token(site: string): number | undefined {
    return this.held.get(site)?.token;
  }

  status(): SiteHolderStatus {
    const now = this.options.scheduler.now();
    const held = [...this.held].map(([site, h]) => ({ site, token: h.token, since: h.since, renewedAt: h.renewedAt, ageMs: now - h.renewedAt }));
    if (this.seen === undefined)
      return { node: this.options.node, draining: this.draining, held, peers: [], unheld: this.sites.filter((s) => !this.held.has(s)) };
    // The database's time now, estimated from the last reading: when readings stop (the database
    // is unreachable), the other holders' leases run out in this view as they do in the table.
    const dbNow = this.seen.snapshot.now + (now - this.seen.at);
    const { holders } = this.picture(this.seen.snapshot, dbNow);
    return {
      node: this.options.node,
      draining: this.draining,
      held,
      peers: this.seen.snapshot.nodes
        .filter((n) => n.id !== this.options.node && n.seenAt > dbNow - this.ttlMs)
        .map((n) => ({ id: n.id, seenAt: n.seenAt, draining: n.draining })),
      // A valid lease is enough: a holder that died stops counting when its lease runs out, and
      // a holder that cannot renew stops its work before then.
      unheld: this.sites.filter((site) => !this.held.has(site) && [undefined, this.options.node].includes(holders.get(site))),
    };
  }

  // -------------------------------------------------------------------------------------------

  private halt(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.options.scheduler.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async round(): Promise<void> {
    const started = this.options.scheduler.now();
    this.running = this.work().catch((err: unknown) => this.options.onError?.(err, 'lease round'));
    await this.running;
    if (this.stopped) return;
    const wait = Math.max(0, this.renewMs - (this.options.scheduler.now() - started));
    this.timer = this.options.scheduler.setTimeout(() => void this.round(), wait);
  }

  private async work(): Promise<void> {
    const { store, node } = this.options;
    // Heartbeat before renewing: a node that dies then stops counting as live no later than its
    // leases expire, so the peer that finds a lease expired also finds its holder gone and takes
    // the site in that same round, instead of leaving it to the dead node's share one round more.
    await this.attempt('heartbeat', () => store.heartbeat(node, this.draining));
    await this.renew();
    const snapshot = await this.attempt('read leases', () => store.snapshot());
    if (snapshot === undefined || this.stopped) return;
    this.seen = { snapshot, at: this.options.scheduler.now() };
    const { live, holders } = this.picture(snapshot, snapshot.now);
    // A lease the table gives this node that it does not run: an acquire whose reply was lost,
    // or a renewal that landed after this node had given the site up. Released, so it is not
    // left looking held until it expires.
    for (const lease of snapshot.leases) {
      if (holders.get(lease.site) === node && !this.held.has(lease.site)) {
        await this.attempt('release', () => store.release(lease.site, node, lease.token));
        holders.delete(lease.site);
      }
    }
    for (const site of this.held.keys()) holders.set(site, node);
    live.add(node);
    const target = balanceSites({ sites: this.sites, live: [...live], holders });
    const moves = leaseMoves(node, target, holders);
    for (const site of moves.release) await this.handOver(site);
    for (const site of moves.acquire) {
      if (this.stopped) return;
      await this.acquire(site);
    }
  }

  /** Live nodes (heard from within the TTL, not draining) and each site's valid holder, at `dbNow`. */
  private picture(snapshot: LeaseSnapshot, dbNow: number): { live: Set<string>; holders: Map<string, string> } {
    const live = new Set(snapshot.nodes.filter((n) => !n.draining && n.seenAt > dbNow - this.ttlMs).map((n) => n.id));
    const holders = new Map<string, string>();
    for (const l of snapshot.leases) if (l.holder !== null && l.expiresAt > dbNow) holders.set(l.site, l.holder);
    return { live, holders };
  }

  private async renew(): Promise<void> {
    if (this.held.size === 0) return;
    const started = this.options.scheduler.now();
    const asked = [...this.held].map(([site, h]) => ({ site, token: h.token }));
    const kept = await this.attempt('renew', () => this.options.store.renew(this.options.node, asked, this.ttlMs));
    // Unreachable: keep running until the deadline set at the last success.
    if (kept === undefined) return;
    const keptSet = new Set(kept);
    for (const { site, token } of asked) {
      const h = this.held.get(site);
      // Lost to its deadline while the renewal was on its way: the stray lease is released as an orphan.
      if (h === undefined || h.token !== token) continue;
      if (keptSet.has(site)) this.confirmed(site, h, started);
      else this.lose(site);
    }
  }

  private async acquire(site: string): Promise<void> {
    const started = this.options.scheduler.now();
    const token = await this.attempt('acquire', () => this.options.store.acquire(site, this.options.node, this.ttlMs));
    if (token === undefined) return;
    const h: Holding = { token, since: started, renewedAt: started };
    this.held.set(site, h);
    this.confirmed(site, h, started);
    if (this.held.get(site) !== h) return; // the reply came too late to be sure of the lease
    try {
      await this.options.work.acquired(site, token);
    } catch (err) {
      this.options.onError?.(err, `start site ${site}`);
      if (this.held.get(site) !== h) return;
      this.lose(site);
      await this.attempt('release', () => this.options.store.release(site, this.options.node, token));
    }
  }

  /** The lease was valid at `started` (the database stamped it no earlier): stop before it could expire. */
  private confirmed(site: string, h: Holding, started: number): void {
    const { scheduler } = this.options;
    h.renewedAt = started;
    if (h.deadline !== undefined) scheduler.clearTimeout(h.deadline);
    const left = started + this.ttlMs - this.marginMs - scheduler.now();
    if (left <= 0) {
      this.lose(site);
      return;
    }
    h.deadline = scheduler.setTimeout(() => {
      if (this.held.get(site) === h) this.lose(site);
    }, left);
  }

  private lose(site: string): void {
    const h = this.held.get(site);
    if (h === undefined) return;
    this.held.delete(site);
    if (h.deadline !== undefined) this.options.scheduler.clearTimeout(h.deadline);
    try {
      this.options.work.lost(site);
    } catch (err) {
      this.options.onError?.(err, `stop site ${site}`);
    }
  }

  /** Stops the site's work cleanly, then releases the lease so a peer can take it at its next round. */
  private async handOver(site: string): Promise<void> {
    const h = this.held.get(site);
    if (h === undefined) return;
    try {
      await this.options.work.released(site);
    } catch (err) {
      this.options.onError?.(err, `hand over site ${site}`);
    }
    // The lease is kept (and its deadline armed) until the work has stopped: if renewals fail
    // meanwhile, the deadline still stops the site in time.
    if (this.held.get(site) !== h) return;
    this.held.delete(site);
    if (h.deadline !== undefined) this.options.scheduler.clearTimeout(h.deadline);
    await this.attempt('release', () => this.options.store.release(site, this.options.node, h.token));
  }

  private async attempt<T>(what: string, fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await fn();
    } catch (err) {
      this.options.onError?.(err, what);
      return undefined;
    }
  }
}
