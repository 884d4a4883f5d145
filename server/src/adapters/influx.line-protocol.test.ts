import { describe, expect, it } from 'vitest';
import type { Observation } from '../../../contract/index.ts';
import { escapeTag, quoteField, toLine } from './line-protocol.ts';

const base = { siteId: 'hq', sensorId: 'KIT-GAS-01', zoneId: 'kitchen', kind: 'gas', ts: 1764240000123, receivedAt: 1764240000200, source: 'mqtt' as const };

describe('line protocol', () => {
  it('writes a reading with sorted tags (unit among them), value, receive lag and a ns timestamp in the same ms', () => {
    const line = toLine({ ...base, channel: 'reading', value: 12.5, unit: '%LEL' });
    expect(line).toMatch(/^reading,kind=gas,sensor=KIT-GAS-01,site=hq,unit=%LEL,zone=kitchen value=12.5,lag=77i 1764240000123\d{6}$/);
  });
  it('tags drill observations', () => {
    expect(toLine({ ...base, drill: 'd1', channel: 'reading', value: 1, unit: '%LEL' })).toMatch(/^reading,drill=d1,kind=gas,/);
  });
  it('escapes string fields and tags', () => {
    expect(quoteField('say "hi" \\ there')).toBe('"say \\"hi\\" \\\\ there"');
    expect(escapeTag('a b,c=d')).toBe('a\\ b\\,c\\=d');
  });
  // DESIGN.md "Nothing lost": two distinct events in one ms must not collide; a redelivery must.
  it('gives distinct events in the same millisecond distinct timestamps, and a redelivery the same one', () => {
    const a: Observation = { ...base, channel: 'event', type: 'access_denied', credential: 'badge-1' };
    const b: Observation = { ...base, channel: 'event', type: 'access_denied', credential: 'badge-2' };
    const ts = (l: string) => l.split(' ').at(-1);
    expect(ts(toLine(a))).not.toBe(ts(toLine(b)));
    expect(ts(toLine(a))!.slice(0, 13)).toBe(String(base.ts));
    expect(ts(toLine(a))).toBe(ts(toLine({ ...a, receivedAt: a.receivedAt + 5000 })));
  });
  it('writes status fields that are present', () => {
    expect(toLine({ ...base, channel: 'status', online: false, battery: 80 })).toContain(' online=false,battery=80,lag=77i ');
  });
});
