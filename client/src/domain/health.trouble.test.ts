import { describe, expect, it } from 'vitest';
import type { HealthResponse } from '../../../contract/api.ts';
import { NO_TROUBLE, rememberTrouble, troubles } from './health.trouble.ts';

function health(p: { broker?: boolean; influx?: boolean; outboxOk?: boolean; depth?: number }): HealthResponse {
  const part = (ok: boolean, detail: string) => ({ ok, detail });
  return {
    ok: false,
    parts: {
      broker: part(p.broker ?? true, 'mqtt://127.0.0.1:1883'),
      influx: part(p.influx ?? true, 'ECONNREFUSED'),
      outbox: { ...part(p.outboxOk ?? true, 'outbox'), depth: p.depth ?? 0 },
    },
    uptimeS: 1,
    version: '0.1.0',
  };
}

describe('server trouble banner', () => {
  it('says InfluxDB is down since the first poll that saw it, not since the latest', () => {
    let m = rememberTrouble(NO_TROUBLE, health({ influx: false, depth: 10 }), 1_000);
    m = rememberTrouble(m, health({ influx: false, depth: 50 }), 11_000);
    expect(troubles(m, health({ influx: false, depth: 50 }))).toEqual([{ part: 'influx', since: 1_000, detail: 'ECONNREFUSED', depth: 50 }]);
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
});
