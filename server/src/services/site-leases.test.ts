// Each site runs on exactly one node, the holder of its lease; a holder that cannot prove its
// lease stops the site before the lease could expire (docs/architecture.md "Sites and leases").
import { describe, expect, it } from 'vitest';
import { SiteLeases, SoleHolder, type LeaseStore, type SiteWork } from './site-leases.ts';
import { sleep } from './clock.ts';
import { FakeScheduler } from '../../../test/support/fake.scheduler.ts';
import { FakeLeaseStore } from '../../../test/support/fake.lease-store.ts';

const SITES = ['east', 'north', 'south'];

/** A node's work, recording what it was told. */
function recorder(): SiteWork & { events: string[]; running: Set<string> } {
  const events: string[] = [];
  const running = new Set<string>();
  return {
    events,
    running,
    acquired: async (site, token) => {
      events.push(`acquired ${site} ${token}`);
      running.add(site);
    },
    released: async (site) => {
      events.push(`released ${site}`);
      running.delete(site);
    },
    lost: (site) => {
      events.push(`lost ${site}`);
      running.delete(site);
    },
  };
}

function setup(nodes: string[], store?: (s: FakeLeaseStore) => LeaseStore) {
  const scheduler = new FakeScheduler();
  const fake = new FakeLeaseStore(scheduler);
  const errors: string[] = [];
  const make = (node: string, work = recorder()) => ({
    work,
    leases: new SiteLeases({ node, sites: SITES, store: store?.(fake) ?? fake, scheduler, work, onError: (_e, what) => errors.push(`${node}: ${what}`) }),
  });
  return { scheduler, store: fake, errors, nodes: Object.fromEntries(nodes.map((n) => [n, make(n)])) };
}

describe('SiteLeases', () => {
  it('refuses a TTL that one failed renewal would use up', () => {
    const scheduler = new FakeScheduler();
    const store = new FakeLeaseStore(scheduler);
    expect(() => new SiteLeases({ node: 'a', sites: SITES, store, scheduler, work: recorder(), renewMs: 2000, ttlMs: 4000 })).toThrow(
      /at least two renew periods/,
    );
  });

  it('shares 3 sites over 2 nodes as 2 and 1, each started once with its token', async () => {
    const { scheduler, store, nodes } = setup(['a', 'b']);
    await nodes.a!.leases.start();
    expect([...nodes.a!.work.running].sort()).toEqual(SITES); // alone: every site
    await nodes.b!.leases.start();
    await scheduler.advance(2000); // a sees b, hands one over; b takes it at its next round
    await scheduler.advance(2000);
    expect(nodes.a!.work.running.size).toBe(2);
    expect(nodes.b!.work.running.size).toBe(1);
    const [moved] = [...nodes.b!.work.running];
    expect(nodes.a!.work.events).toContain(`released ${moved}`);
    expect(nodes.b!.work.events).toEqual([`acquired ${moved} 2`]); // a held it with token 1
    for (const site of SITES) expect(store.holder(site)).toBe(nodes.a!.work.running.has(site) ? 'a' : 'b');
    // Settled: nothing moves any more.
    await scheduler.advance(20_000);
    expect(nodes.a!.work.events.length + nodes.b!.work.events.length).toBe(3 + 1 + 1);
  });

  it('after a node dies (no release), the other takes its sites within TTL + one renew period', async () => {
    const { scheduler, nodes } = setup(['a', 'b']);
    await nodes.a!.leases.start();
    await nodes.b!.leases.start();
    await scheduler.advance(4000);
    const bSites = [...nodes.b!.work.running];
    await nodes.b!.leases.stop();
    const killedAt = scheduler.now();
    await scheduler.advance(6000 + 2000);
    expect([...nodes.a!.work.running].sort()).toEqual(SITES);
    for (const site of bSites) expect(nodes.a!.work.events).toContain(`acquired ${site} 3`); // tokens 1 (a), 2 (b), 3 (a again)
    expect(scheduler.now() - killedAt).toBeLessThanOrEqual(8000);
  });

  it('a renewal that finds the lease taken stops the site at once', async () => {
    const { scheduler, store, nodes } = setup(['a']);
    await nodes.a!.leases.start();
    // Someone else's lease on north (as after this node was paused past its TTL).
    store.leases.set('north', {
      site: 'north',
      holder: 'z',
      token: 7,
      acquiredAt: scheduler.now(),
      renewedAt: scheduler.now(),
      expiresAt: scheduler.now() + 60_000,
    });
    await scheduler.advance(2000);
    expect(nodes.a!.work.events).toContain('lost north');
    expect(nodes.a!.leases.token('north')).toBeUndefined();
    expect(nodes.a!.work.running.has('north')).toBe(false);
  });

  it('with the database unreachable, a holder stops its sites before its leases could have expired', async () => {
    const { scheduler, store, nodes } = setup(['a']);
    await nodes.a!.leases.start();
    await scheduler.advance(2000); // a successful renewal at t0
    const t0 = scheduler.now();
    store.down = true;
    await scheduler.advance(6000 - 1000 - 1); // TTL − margin − 1 ms: renewals failed, still within the lease
    expect(nodes.a!.work.running.size).toBe(3);
    expect(nodes.a!.leases.status().held.map((h) => h.ageMs)).toEqual([4999, 4999, 4999]);
    await scheduler.advance(1);
    expect(nodes.a!.work.running.size).toBe(0);
    expect(nodes.a!.work.events.filter((e) => e.startsWith('lost'))).toHaveLength(3);
    // The leases were still valid in the database when the sites stopped.
    for (const site of SITES) expect(store.leases.get(site)!.expiresAt).toBe(t0 + 6000);
    expect(scheduler.now()).toBeLessThan(t0 + 6000);
    // Back: the node takes its sites again, with new tokens.
    store.down = false;
    await scheduler.advance(2000);
    expect(nodes.a!.work.events.filter((e) => e.startsWith('acquired')).slice(-3)).toEqual(['acquired east 2', 'acquired north 2', 'acquired south 2']);
  });

  it('counts the lease from the start of the renewal, so a slow reply cannot stretch it', async () => {
    let slow = 0;
    const { scheduler, store, nodes } = setup(['a'], (fake) => ({
      heartbeat: (n, d) => fake.heartbeat(n, d),
      snapshot: () => fake.snapshot(),
      acquire: (s, n, t) => fake.acquire(s, n, t),
      release: (s, n, t) => fake.release(s, n, t),
      // The database renews at once; the reply takes `slow` ms to come back, and then the
      // database becomes unreachable.
      renew: async (n, l, t) => {
        const kept = await fake.renew(n, l, t);
        if (slow > 0) {
          await sleep(scheduler, slow);
          fake.down = true;
        }
        return kept;
      },
    }));
    await nodes.a!.leases.start(); // at t: leases until t+6000
    slow = 2500; // renewed at t+2000 (until t+8000 in the database), the reply lands at t+4500
    await scheduler.advance(2000 + 5000 - 1);
    expect(nodes.a!.work.running.size).toBe(3);
    await scheduler.advance(1); // t+2000 + TTL − margin, not t+4500 + TTL − margin
    expect(nodes.a!.work.running.size).toBe(0);
    expect(store.leases.get('east')!.expiresAt).toBe(scheduler.now() + 1000);
  });

  it('drain stops each site (released) before giving its lease back; the peer takes it at its next round', async () => {
    const { scheduler, store, nodes } = setup(['a', 'b']);
    let finishEast: () => void = () => undefined;
    const aWork = nodes.a!.work;
    aWork.released = (site) => {
      aWork.events.push(`released ${site}`);
      // east's state takes a while to save.
      return site === 'east' ? new Promise<void>((r) => (finishEast = r)) : Promise.resolve();
    };
    await nodes.a!.leases.start();
    await nodes.b!.leases.start();
    await scheduler.advance(4000);
    const aHeld = nodes.a!.leases.status().held.map((h) => h.site);
    expect(aHeld).toContain('east');
    const tokens = Object.fromEntries(aHeld.map((s) => [s, nodes.a!.leases.token(s)!]));

    let drained = false;
    const draining = nodes.a!.leases.drain().then(() => (drained = true));
    await scheduler.advance(0);
    expect(store.holder('east')).toBe('a'); // still saving: not released
    expect(drained).toBe(false);
    await scheduler.advance(2000);
    expect(nodes.b!.work.running.has('east')).toBe(false);
    finishEast();
    await draining;
    expect(drained).toBe(true);
    expect(store.holder('east')).toBeUndefined();
    expect(store.nodes.get('a')!.draining).toBe(true);
    await scheduler.advance(2000);
    expect([...nodes.b!.work.running].sort()).toEqual(SITES);
    for (const site of aHeld) expect(nodes.b!.leases.token(site)).toBe(tokens[site]! + 1);
    expect(nodes.a!.leases.status().held).toEqual([]);
  });

  it('status names the peers and the sites no live node holds', async () => {
    const { scheduler, nodes, errors } = setup(['a', 'b']);
    const aWork = nodes.a!.work;
    const bWork = nodes.b!.work;
    const refuse = async (site: string) => {
      if (site === 'south') throw new Error('rule state unreadable');
    };
    aWork.acquired = refuse;
    bWork.acquired = refuse;
    await nodes.a!.leases.start();
    await nodes.b!.leases.start();
    await scheduler.advance(2000);
    const status = nodes.a!.leases.status();
    expect(status.node).toBe('a');
    expect(status.peers).toEqual([{ id: 'b', seenAt: expect.any(Number), draining: false }]);
    expect(status.unheld).toEqual(['south']);
    expect(errors).toContain('a: start site south');
    expect(aWork.events).toContain('lost south'); // whatever it had started is stopped
    // A holder killed: its sites show as unheld once its leases run out, before anyone has them.
    await nodes.b!.leases.stop();
    await nodes.a!.leases.stop();
    await scheduler.advance(6000);
    expect(nodes.a!.leases.status().unheld).toEqual(SITES);
  });

  it('hands over a site taken out of the configuration at the next round', async () => {
    const { scheduler, store, nodes } = setup(['a']);
    await nodes.a!.leases.start();
    nodes.a!.leases.setSites(['east', 'south']);
    await scheduler.advance(2000);
    expect(nodes.a!.work.events.slice(-1)).toEqual(['released north']);
    expect(store.holder('north')).toBeUndefined();
    expect(nodes.a!.leases.status().unheld).toEqual([]);
  });

  it('gives back a lease the table says it holds but it does not run (an acquire whose reply was lost)', async () => {
    const { scheduler, store, nodes } = setup(['a']);
    store.leases.set('north', {
      site: 'north',
      holder: 'a',
      token: 4,
      acquiredAt: scheduler.now(),
      renewedAt: scheduler.now(),
      expiresAt: scheduler.now() + 6000,
    });
    await nodes.a!.leases.start();
    await scheduler.advance(2000);
    expect(nodes.a!.work.events).toContain('acquired north 5');
  });
});

describe('SoleHolder', () => {
  it('holds every site from the start and hands them all over on drain', async () => {
    const scheduler = new FakeScheduler();
    const work = recorder();
    const sole = new SoleHolder({ node: 'only', sites: SITES, work, clock: scheduler });
    await sole.start();
    expect(work.events).toEqual(['acquired east 1', 'acquired north 1', 'acquired south 1']);
    expect(sole.status()).toMatchObject({ node: 'only', peers: [], unheld: [] });
    expect(sole.token('north')).toBe(1);
    await sole.drain();
    expect([...work.running]).toEqual([]);
    expect(sole.status().held).toEqual([]);
    expect(sole.token('north')).toBeUndefined();
  });
});
