// Sites are balanced across live nodes, no node over ceil(sites/live), without flapping
// (docs/architecture.md "Sites and leases").
import { describe, expect, it } from 'vitest';
import { balanceSites, leaseMoves, type BalanceInput } from './balance.ts';

const sites = (n: number): string[] => Array.from({ length: n }, (_, i) => `s${i + 1}`);
const held = (entries: Record<string, string>): Map<string, string> => new Map(Object.entries(entries));

function describeTable(input: BalanceInput): string {
  return JSON.stringify({ sites: input.sites.length, live: input.live, holders: [...input.holders] });
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join() === [...b].sort().join();
}

function sameMap(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  return a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);
}

function counts(target: Map<string, string>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const node of target.values()) out[node] = (out[node] ?? 0) + 1;
  return out;
}

/** Every combination of: S sites, N live nodes, each site free, held by a live node or by a dead one. */
function* everyTable(maxSites: number, maxNodes: number): Generator<BalanceInput> {
  for (let n = 1; n <= maxNodes; n++) {
    const live = sites(n).map((s) => s.replace('s', 'n'));
    const choices = [undefined, 'dead', ...live];
    for (let s = 0; s <= maxSites; s++) {
      const all = sites(s);
      for (let code = 0; code < choices.length ** s; code++) {
        const holders = new Map<string, string>();
        let c = code;
        for (const site of all) {
          const holder = choices[c % choices.length];
          c = Math.floor(c / choices.length);
          if (holder !== undefined) holders.set(site, holder);
        }
        yield { sites: all, live, holders };
      }
    }
  }
}

describe('balanceSites', () => {
  it('puts 3 sites on 2 nodes as 2 and 1', () => {
    const target = balanceSites({ sites: ['north', 'south', 'east'], live: ['a', 'b'], holders: new Map() });
    expect([...target.keys()].sort()).toEqual(['east', 'north', 'south']);
    expect(Object.values(counts(target)).sort()).toEqual([1, 2]);
  });

  it('a node joining takes one site from the node that held all three; the others stay', () => {
    const target = balanceSites({ sites: sites(3), live: ['a', 'b'], holders: held({ s1: 'a', s2: 'a', s3: 'a' }) });
    expect(Object.fromEntries(target)).toEqual({ s1: 'a', s2: 'a', s3: 'b' });
  });

  it('2/2/0 over three nodes becomes 2/1/1 with a single move', () => {
    const target = balanceSites({ sites: sites(4), live: ['a', 'b', 'c'], holders: held({ s1: 'a', s2: 'a', s3: 'b', s4: 'b' }) });
    expect(Object.fromEntries(target)).toEqual({ s1: 'a', s2: 'a', s3: 'b', s4: 'c' });
  });

  it("a dead holder's sites go to the live nodes, the live holders keep theirs", () => {
    const target = balanceSites({ sites: sites(3), live: ['a'], holders: held({ s1: 'a', s2: 'gone', s3: 'gone' }) });
    expect(Object.fromEntries(target)).toEqual({ s1: 'a', s2: 'a', s3: 'a' });
  });

  it('assigns nothing when no node is live (every site shows as unheld)', () => {
    expect(balanceSites({ sites: sites(2), live: [], holders: held({ s1: 'a' }) }).size).toBe(0);
  });

  it('gives the same answer whatever order sites and nodes arrive in', () => {
    const holders = held({ s2: 'b', s5: 'c' });
    const one = balanceSites({ sites: sites(7), live: ['a', 'b', 'c'], holders });
    const two = balanceSites({ sites: sites(7).reverse(), live: ['c', 'a', 'b', 'a'], holders: new Map([...holders].reverse()) });
    expect(Object.fromEntries(two)).toEqual(Object.fromEntries(one));
  });

  // Checked in plain code and reported together: thousands of tables, each with several checks,
  // are too many for one expect() each on a loaded test machine.
  it('for every table of up to 5 sites and 3 live nodes: every site on a live node, shares of floor or ceil, a balanced table unchanged', () => {
    const failures: string[] = [];
    let tables = 0;
    for (const input of everyTable(5, 3)) {
      tables++;
      const target = balanceSites(input);
      const s = input.sites.length;
      const n = input.live.length;
      const fail = (what: string) => failures.push(`${what}: ${describeTable(input)} → ${JSON.stringify([...target])}`);
      if (!sameSet([...target.keys()], input.sites)) fail('not every site assigned');
      if (![...target.values()].every((node) => input.live.includes(node))) fail('a site on a node that is not live');
      for (const node of input.live) {
        const share = [...target.values()].filter((t) => t === node).length;
        if (share !== Math.floor(s / n) && share !== Math.ceil(s / n)) fail(`${node} gets ${share}`);
        // Sticky: a live holder within its share keeps every site it holds.
        const mine = [...input.holders].filter(([, h]) => h === node).map(([site]) => site);
        if (mine.length <= Math.floor(s / n) && mine.some((site) => target.get(site) !== node)) fail(`${node} loses a site within its share`);
      }
      // No flapping: once the table is the target, the target stays.
      if (!sameMap(balanceSites({ ...input, holders: target }), target)) fail('a balanced table moves');
    }
    expect(failures.slice(0, 5)).toEqual([]);
    expect(tables).toBeGreaterThan(1000);
  });

  it('nodes acting one after another on their own moves settle within two rounds, no site given up twice', () => {
    const failures: string[] = [];
    for (const input of everyTable(5, 3)) {
      const holders = new Map([...input.holders].filter(([, h]) => input.live.includes(h)));
      const givenUp = new Set<string>();
      for (let round = 0; round < 2; round++) {
        for (const node of input.live) {
          const moves = leaseMoves(node, balanceSites({ ...input, holders }), holders);
          for (const site of moves.release) {
            holders.delete(site);
            if (givenUp.has(site)) failures.push(`${site} given up twice: ${describeTable(input)}`);
            givenUp.add(site);
          }
          for (const site of moves.acquire) holders.set(site, node);
        }
      }
      if (holders.size !== input.sites.length) failures.push(`not settled: ${describeTable(input)} → ${JSON.stringify([...holders])}`);
      for (const node of input.live) {
        const moves = leaseMoves(node, balanceSites({ ...input, holders }), holders);
        if (moves.release.length + moves.acquire.length > 0) failures.push(`${node} still moving: ${describeTable(input)}`);
      }
    }
    expect(failures.slice(0, 5)).toEqual([]);
  });
});

describe('leaseMoves', () => {
  it('releases what is over the share and sites no longer configured, takes only free sites assigned to it', () => {
    const holders = held({ s1: 'a', s2: 'a', s3: 'a', old: 'a', s4: 'b' });
    const target = balanceSites({ sites: sites(5), live: ['a', 'b', 'c'], holders });
    expect(Object.fromEntries(target)).toEqual({ s1: 'a', s2: 'a', s3: 'b', s4: 'b', s5: 'c' });
    expect(leaseMoves('a', target, holders)).toEqual({ release: ['old', 's3'], acquire: [] });
    // s3 is still a's until it lets go: b waits for it to be free.
    expect(leaseMoves('b', target, holders)).toEqual({ release: [], acquire: [] });
    expect(leaseMoves('c', target, holders)).toEqual({ release: [], acquire: ['s5'] });
  });
});
