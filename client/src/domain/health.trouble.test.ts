import { describe, expect, it } from 'vitest';
import type { HealthResponse } from '../../../contract/api.ts';
import { NO_TROUBLE, rememberTrouble, troubles } from './health.trouble.ts';

function health(p: {
  broker?: boolean;
  influx?: boolean;
  outboxOk?: boolean;
  depth?: number;
  dropsOk?: boolean;
  dropped?: number;
  unheld?: string[];
  /** The store part: failing, or ok with a warning (a collation other than C); absent on SQLite. */
  store?: 'failing' | 'warning';
}): HealthResponse {
  const part = (ok: boolean, detail: string) => ({ ok, detail });
  return {
    ok: false,
    parts: {
      broker: part(p.broker ?? true, 'mqtt://127.0.0.1:1883'),
      influx: part(p.influx ?? true, 'ECONNREFUSED'),
      outbox: { ...part(p.outboxOk ?? true, 'outbox'), depth: p.depth ?? 0 },
      drops: { ...part(p.dropsOk ?? true, 'the broker dropped messages'), dropped: p.dropped ?? 0 },
      ...(p.unheld && {
        cluster: { ...part(p.unheld.length === 0, `no node runs ${p.unheld.join(', ')}`), node: 'vigil-a', held: [], peers: [], unheld: p.unheld },
      }),
      ...(p.store && {
        store: p.store === 'failing' ? part(false, 'PostgreSQL did not answer within 1.5 s') : part(true, 'collation is en_US.UTF-8'),
      }),
    },
    uptimeS: 1,
    version: '0.1.0',
  };
}

describe('server trouble banner', () => {
  it('says InfluxDB is down since the first poll that saw it, not since the latest', () => {
    let m = rememberTrouble(NO_TROUBLE, health({ influx: false, depth: 10 }), 1_000);
    m = rememberTrouble(m, health({ influx: false, depth: 50 }), 11_000);
    expect(troubles(m, health({ influx: false, depth: 50 }))).toEqual([{ part: 'influx', since: 1_000, detail: 'ECONNREFUSED', depth: 50, sites: [] }]);
  });
  it('shows a broker outage, and clears once it is back', () => {
    const down = rememberTrouble(NO_TROUBLE, health({ broker: false }), 5);
    expect(troubles(down, health({ broker: false })).map((t) => t.part)).toEqual(['broker']);
    const up = rememberTrouble(down, health({}), 10);
    expect(troubles(up, health({}))).toEqual([]);
  });
  it('flags an outbox that keeps growing while InfluxDB looks fine, until it drains', () => {
    let m = rememberTrouble(NO_TROUBLE, health({ depth: 0 }), 0);
    m = rememberTrouble(m, health({ depth: 200 }), 10);
    m = rememberTrouble(m, health({ depth: 200 }), 20);
    expect(troubles(m, health({ depth: 200 }))).toMatchObject([{ part: 'outbox', since: 10, depth: 200 }]);
    m = rememberTrouble(m, health({ depth: 0 }), 30);
    expect(troubles(m, health({ depth: 0 }))).toEqual([]);
  });
  it('does not alarm on an outbox that is draining after an outage', () => {
    let m = rememberTrouble(NO_TROUBLE, health({ depth: 500 }), 0);
    expect(troubles(m, health({ depth: 500 }))).toEqual([]);
    m = rememberTrouble(m, health({ depth: 300 }), 10);
    expect(troubles(m, health({ depth: 300 }))).toEqual([]);
  });
  // A message the broker drops may be a lost safety reading: never lost without a trouble signal the officer sees.
  it('shows the broker dropping messages from the first poll that saw it, and clears once the server says the drops stopped', () => {
    let m = rememberTrouble(NO_TROUBLE, health({}), 0);
    expect(troubles(m, health({}))).toEqual([]);
    m = rememberTrouble(m, health({ dropsOk: false, dropped: 1200 }), 10);
    m = rememberTrouble(m, health({ dropsOk: false, dropped: 5000 }), 20);
    expect(troubles(m, health({ dropsOk: false, dropped: 5000 }))).toEqual([
      { part: 'drops', since: 10, detail: 'the broker dropped messages', depth: 0, sites: [] },
    ]);
    // Past drops alone (count above zero, part ok again) are history, not trouble.
    m = rememberTrouble(m, health({ dropped: 5000 }), 30);
    expect(troubles(m, health({ dropped: 5000 }))).toEqual([]);
  });
  it('lists the drops beside an InfluxDB outage: neither hides the other', () => {
    const h = health({ influx: false, dropsOk: false, dropped: 3 });
    const m = rememberTrouble(NO_TROUBLE, h, 1);
    expect(troubles(m, h).map((t) => t.part)).toEqual(['influx', 'drops']);
  });
  // Several servers: a site no server runs raises no alarm at all, so the officer is told which, first.
  it('names the sites no server runs, first, from the first poll that saw them, until a server takes them', () => {
    let m = rememberTrouble(NO_TROUBLE, health({ unheld: [] }), 0);
    expect(troubles(m, health({ unheld: [] }))).toEqual([]);
    const h = health({ unheld: ['north', 'east'], influx: false });
    m = rememberTrouble(m, h, 10);
    m = rememberTrouble(m, h, 20);
    expect(troubles(m, h)[0]).toEqual({ part: 'cluster', since: 10, detail: 'no node runs north, east', depth: 0, sites: ['north', 'east'] });
    expect(troubles(m, h).map((t) => t.part)).toEqual(['cluster', 'influx']);
    m = rememberTrouble(m, health({ unheld: [] }), 30);
    expect(troubles(m, health({ unheld: [] }))).toEqual([]);
  });
  // Several servers: with the shared database not answering, an alarm raised or acknowledged now is
  // not recorded; the officer is told so right after the sites nobody runs (which it also causes).
  it('says the database is unreachable, right after the sites no server runs, from the first poll that saw it, until it answers', () => {
    const h = health({ store: 'failing', unheld: ['north'], influx: false });
    let m = rememberTrouble(NO_TROUBLE, health({ unheld: [] }), 0);
    m = rememberTrouble(m, h, 10);
    m = rememberTrouble(m, h, 20);
    expect(troubles(m, h).map((t) => t.part)).toEqual(['cluster', 'store', 'influx']);
    expect(troubles(m, h)[1]).toEqual({ part: 'store', since: 10, detail: 'PostgreSQL did not answer within 1.5 s', depth: 0, sites: [] });
    m = rememberTrouble(m, health({ unheld: [] }), 30);
    expect(troubles(m, health({ unheld: [] }))).toEqual([]);
  });
  it('raises no database banner for a store that only warns (collation) or has no part at all (SQLite, one server)', () => {
    for (const h of [health({ store: 'warning' }), health({})]) {
      const m = rememberTrouble(rememberTrouble(NO_TROUBLE, h, 0), h, 10);
      expect(troubles(m, h)).toEqual([]);
    }
  });
});
