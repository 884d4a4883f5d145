// What InfluxDB makes of these lines is checked against a real influxd in
// test/integration/line-protocol.test.ts; here, the shape of the lines.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { HistoryObservation } from '../services/history.ports.ts';
import {
  alarmEventLine,
  escapeTag,
  keyedOffset,
  LineProtocolError,
  observationFields,
  observationLine as lineWith,
  quoteField,
  type OffsetOf,
} from './influx.line-protocol.ts';

const KEY = Buffer.alloc(32, 7);
const offsetOf = keyedOffset(KEY);
const observationLine = (o: HistoryObservation, offset: OffsetOf = offsetOf, probe = 0) => lineWith(o, offset, probe);
const nanosOf = (line: string) => line.split(' ').at(-1)!;

const base = { siteId: 'hq', sensorId: 'KIT-GAS-01', zoneId: 'kitchen', kind: 'gas', ts: 1764240000123, receivedAt: 1764240000200 };

describe('line protocol', () => {
  it('writes a reading with sorted tags (unit among them), value, receive lag and a ns timestamp in the same ms', () => {
    const line = observationLine({ ...base, channel: 'reading', value: 12.5, unit: '%LEL' });
    expect(line).toMatch(/^reading,kind=gas,sensor=KIT-GAS-01,site=hq,unit=%LEL,zone=kitchen value=12.5,lag=77i 1764240000123\d{6}$/);
  });

  it('tags drill observations', () => {
    expect(observationLine({ ...base, drill: 'd1', channel: 'reading', value: 1, unit: '%LEL' })).toMatch(/^reading,drill=d1,kind=gas,/);
  });

  it('escapes what the InfluxDB 1.x parser unescapes, and only that', () => {
    expect(escapeTag('a b,c=d')).toBe('a\\ b\\,c\\=d');
    // InfluxDB keeps a backslash in a tag as it is: doubling it would store two.
    expect(escapeTag('a\\b')).toBe('a\\b');
    expect(escapeTag('a\\,b')).toBe('a\\\\,b');
    expect(quoteField('say "hi" \\ there')).toBe('"say \\"hi\\" \\\\ there"');
    // A newline inside a quoted string field is kept by the parser; `\n` would be two characters.
    expect(quoteField('one\ntwo')).toBe('"one\ntwo"');
  });

  it('refuses tag values line protocol cannot carry, rather than storing something else', () => {
    expect(() => escapeTag('ends\\')).toThrow(LineProtocolError);
    expect(() => escapeTag('two\nlines')).toThrow(LineProtocolError);
    expect(() => escapeTag('')).toThrow(LineProtocolError);
    // InfluxDB's line splitter pairs backslashes: after an odd run, the escaped space reads as the end of the tags.
    expect(() => escapeTag('odd\\ run')).toThrow(/backslash before a space/);
    expect(() => escapeTag('odd\\\\\\ run')).toThrow(/backslash before a space/);
    expect(escapeTag('even\\\\ run')).toBe('even\\\\\\ run');
    expect(() => observationLine({ ...base, zoneId: 'zone\\', channel: 'status', online: true })).toThrow(/ending in a backslash/);
  });

  // Nothing lost: two distinct events in one ms must not collide; a redelivery must
  // (docs/decisions/0004-content-derived-timestamps.md).
  it('gives distinct events in the same millisecond distinct timestamps, and a redelivery the same one', () => {
    const a: HistoryObservation = { ...base, channel: 'event', type: 'access_denied', credential: 'badge-1' };
    const b: HistoryObservation = { ...base, channel: 'event', type: 'access_denied', credential: 'badge-2' };
    expect(nanosOf(observationLine(a))).not.toBe(nanosOf(observationLine(b)));
    expect(nanosOf(observationLine(a)).slice(0, 13)).toBe(String(base.ts));
    expect(nanosOf(observationLine(a))).toBe(nanosOf(observationLine({ ...a, receivedAt: a.receivedAt + 5000 })));
  });

  // A device must not be able to aim a message at a stored point (docs/decisions/0006-keyed-timestamp-offsets.md).
  describe('keyed sub-millisecond offset', () => {
    const reading: HistoryObservation = { ...base, channel: 'reading', value: 0.5, unit: '%LEL' };

    it('is HMAC-SHA256 of the line without lag, under the key: the same for the same key, even from a new instance (a restart)', () => {
      const line = observationLine(reading);
      const identity = 'reading,kind=gas,sensor=KIT-GAS-01,site=hq,unit=%LEL,zone=kitchen value=0.5 1764240000123';
      const expected = createHmac('sha256', KEY).update(identity).digest().readUIntBE(0, 6) % 1_000_000;
      expect(nanosOf(line)).toBe(`${base.ts}${String(expected).padStart(6, '0')}`);
      expect(nanosOf(observationLine(reading, keyedOffset(Buffer.from(KEY))))).toBe(nanosOf(line));
    });

    it('differs under another key', () => {
      // Over several messages, so that a chance equality of one pair (1 in 1e6) cannot pass it.
      const others = keyedOffset(Buffer.alloc(32, 8));
      const differing = [0.5, 1, 2, 3, 4].filter(
        (value) => nanosOf(observationLine({ ...reading, value })) !== nanosOf(observationLine({ ...reading, value }, others)),
      );
      expect(differing.length).toBeGreaterThanOrEqual(4);
    });

    it('takes tags and device time into the identity: the same fields elsewhere or at another ms do not share an offset pattern', () => {
      const offset = (o: HistoryObservation) => nanosOf(observationLine(o)).slice(-6);
      const variants = [reading, { ...reading, sensorId: 'KIT-GAS-02' }, { ...reading, ts: reading.ts + 1 }, { ...reading, drill: 'd1' }].map(offset);
      expect(new Set(variants).size).toBe(variants.length);
    });

    // A late message is moved off a time a different point holds to its next candidates
    // (influx.history.ts); a redelivery must walk the same candidates.
    it('gives each point a fixed sequence of further candidates, all in the same millisecond', () => {
      const candidates = [0, 1, 2, 3].map((probe) => nanosOf(observationLine(reading, offsetOf, probe)));
      expect(new Set(candidates).size).toBe(4);
      for (const c of candidates) expect(c.slice(0, 13)).toBe(String(base.ts));
      expect([0, 1, 2, 3].map((probe) => nanosOf(observationLine({ ...reading, receivedAt: base.receivedAt + 9 }, offsetOf, probe)))).toEqual(candidates);
    });

    it('refuses a key shorter than 32 bytes', () => {
      expect(() => keyedOffset(Buffer.alloc(16))).toThrow(/at least 32 bytes/);
    });
  });

  // A late point is compared with the one InfluxDB holds by these values (influx.history.ts): they
  // must be the fields the line carries, no more, no fewer.
  it('gives the fields of a point as values, the same as the line writes them', () => {
    const cases: HistoryObservation[] = [
      { ...base, channel: 'reading', value: 12.5, unit: '%LEL' },
      { ...base, channel: 'reading', value: 250, unit: '%LEL', implausible: true, deviceTs: 1764240999000 },
      { ...base, channel: 'event', type: 'access_denied', credential: 'badge-"1"', detail: 'back\\slash' },
      { ...base, channel: 'event', type: 'open' },
      { ...base, channel: 'status', online: false, battery: 80, rssi: -70 },
      { ...base, channel: 'status', battery: 5 },
      { ...base, sensorId: 'MADE-UP-7', zoneId: 'unregistered', kind: 'unregistered', channel: 'reading', value: 3, unit: 'ppm' },
    ];
    for (const o of cases) {
      const written = observationLine(o)
        .split(' ')[1]!
        .replace(/,lag=\d+i$/, '');
      const rendered = Object.entries(observationFields(o))
        .map(([k, v]) => `${k}=${typeof v === 'string' ? quoteField(v) : k === 'device_ts' ? `${v}i` : v}`)
        .join(',');
      expect(rendered).toBe(written);
    }
  });

  // A device can make ids up: one series per id would grow InfluxDB's series index without bound
  // (and at its per-database limit refuse new series, real sensors' too).
  it('keeps an unregistered device in one series per site and channel, its id in the device field', () => {
    const stranger = { ...base, zoneId: 'unregistered', kind: 'unregistered', channel: 'reading', value: 3, unit: 'ppm' } as const;
    const a = observationLine({ ...stranger, sensorId: 'MADE-UP-1' });
    const b = observationLine({ ...stranger, sensorId: 'MADE-UP-2' });
    expect(a.split(' ')[0]).toBe('reading,kind=unregistered,sensor=unregistered,site=hq,unit=ppm,zone=unregistered');
    expect(b.split(' ')[0]).toBe(a.split(' ')[0]);
    expect(a.split(' ')[1]).toBe('value=3,device="MADE-UP-1",lag=77i');
    // Two devices in one millisecond are two points.
    expect(nanosOf(a)).not.toBe(nanosOf(b));
  });

  it('writes status fields that are present', () => {
    expect(observationLine({ ...base, channel: 'status', online: false, battery: 80 })).toContain(' online=false,battery=80,lag=77i ');
  });

  it('writes an alarm event with its sequence number as the sub-millisecond part', () => {
    const line = alarmEventLine({
      type: 'alarm_event',
      at: 1764240000123,
      seq: 42,
      kind: 'raised',
      actor: 'system',
      alarm: {
        id: 'al_1',
        state: 'active_unacked',
        condition: 'gas',
        priority: 'critical',
        sensorKind: 'gas',
        sensorId: 'KIT-GAS-01',
        siteId: 'hq',
        zoneId: 'kitchen',
        drill: null,
      },
    });
    expect(line).toBe(
      'alarm_event,condition=gas,kind=gas,priority=critical,sensor=KIT-GAS-01,site=hq,zone=kitchen event="raised",state="active_unacked",alarm="al_1",actor="system",seq=42i 1764240000123000042',
    );
  });
});
