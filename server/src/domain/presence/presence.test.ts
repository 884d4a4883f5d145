/**
 * The presence arithmetic (docs/contracts.md#presence-in-hazard-zones): a badge-in puts its holder in the zone its
 * reader leads into, a badge-out takes them out, the window forgets, a door with a reader on one
 * side only never sees anyone leave, and a badge nobody is mapped to shows masked.
 */
import { describe, expect, it } from 'vitest';
import { WANG_WEI_BADGE, testPresenceRules } from '../../../../test/support/presence.fixtures.ts';
import { PresenceLedger, zoneAfter, type BadgeRead } from './presence.ts';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 27, 2, 0, 0);
const rules = testPresenceRules();

const WANG = WANG_WEI_BADGE;
const read = (t: number, sensorId: string, credential: string, reader?: 'in' | 'out'): BadgeRead => ({ t, sensorId, credential, reader });
const ledger = (...reads: BadgeRead[]): PresenceLedger => {
  const l = new PresenceLedger(rules);
  for (const r of reads) l.record(r);
  return l;
};
const keysIn = (l: PresenceLedger, now: number, zoneId: string): string[] => l.present(now, { siteId: 'hq', zoneId }).map((p) => p.name ?? p.badge);

describe('presence pairing', () => {
  it('a badge-in puts its holder in the zone, with name, masked badge, door and time', () => {
    const people = ledger(read(T0, 'KIT-BACK', WANG, 'in')).present(T0 + HOUR, { siteId: 'hq', zoneId: 'kitchen' });
    expect(people).toEqual([
      { key: 'person:wang-wei', name: 'Wang Wei', nameZh: '王伟', badge: '••••C3D4', siteId: 'hq', zoneId: 'kitchen', since: T0, doorId: 'KIT-BACK' },
    ]);
  });

  it('a badge-out at the other reader pairs with the badge-in: nobody is left inside', () => {
    const l = ledger(read(T0, 'KIT-BACK', WANG, 'in'), read(T0 + 10 * 60_000, 'KIT-BACK', WANG, 'out'));
    expect(keysIn(l, T0 + HOUR, 'kitchen')).toEqual([]);
  });

  it('reads out of order pair by time: an older badge-in arriving after the badge-out changes nothing', () => {
    const l = ledger(read(T0 + 10 * 60_000, 'KIT-BACK', WANG, 'out'), read(T0, 'KIT-BACK', WANG, 'in'));
    expect(keysIn(l, T0 + HOUR, 'kitchen')).toEqual([]);
  });

  it('badging in again after going out puts them back inside', () => {
    const l = ledger(read(T0, 'KIT-BACK', WANG, 'in'), read(T0 + 60_000, 'KIT-BACK', WANG, 'out'), read(T0 + 120_000, 'KIT-BACK', WANG, 'in'));
    expect(keysIn(l, T0 + HOUR, 'kitchen')).toEqual(['Wang Wei']);
  });

  it('the window: a badge-in older than the window no longer counts', () => {
    const l = ledger(read(T0, 'KIT-BACK', WANG, 'in'));
    expect(keysIn(l, T0 + 8 * HOUR, 'kitchen')).toEqual(['Wang Wei']);
    expect(keysIn(l, T0 + 8 * HOUR + 1, 'kitchen')).toEqual([]);
  });

  it('a door with a reader on one side only: its reads are badge-ins, and only the window (or a badge-in elsewhere) takes them out', () => {
    expect(zoneAfter(rules, read(T0, 'KIT-PASS', WANG))).toEqual({ siteId: 'hq', zoneId: 'kitchen' });
    // No out reader: a read claiming to be from one says nothing about presence.
    expect(zoneAfter(rules, read(T0, 'KIT-PASS', WANG, 'out'))).toBeUndefined();
    const l = ledger(read(T0, 'KIT-PASS', WANG));
    expect(keysIn(l, T0 + 7 * HOUR, 'kitchen')).toEqual(['Wang Wei']);
    l.record(read(T0 + 7 * HOUR, 'CAN-MAIN', WANG));
    expect(keysIn(l, T0 + 7 * HOUR, 'kitchen')).toEqual([]);
    expect(keysIn(l, T0 + 7 * HOUR, 'dining')).toEqual(['Wang Wei']);
  });

  it('a read without a side at a door with both readers is its in reader', () => {
    expect(zoneAfter(rules, read(T0, 'KIT-BACK', WANG))).toEqual({ siteId: 'hq', zoneId: 'kitchen' });
    expect(zoneAfter(rules, read(T0, 'KIT-BACK', WANG, 'out'))).toEqual({ siteId: 'hq', zoneId: null });
  });

  it('an unknown credential is listed by its masked badge id, never in full', () => {
    const people = ledger(read(T0, 'KIT-BACK', 'DEADBEEF99', 'in')).present(T0 + 1, { siteId: 'hq', zoneId: 'kitchen' });
    expect(people).toHaveLength(1);
    expect(people[0]!.name).toBeUndefined();
    expect(people[0]!.badge).toBe('••••EF99');
    expect(JSON.stringify(people)).not.toContain('DEADBEEF99');
    expect(people[0]!.key).toMatch(/^badge:[0-9a-f]{8}$/);
  });

  it('reads at something other than a door, or without a credential, are ignored', () => {
    const l = ledger(read(T0, 'KIT-GAS-01', WANG), read(T0, 'KIT-BACK', '  '));
    expect(l.present(T0 + 1, { siteId: 'hq' })).toEqual([]);
  });

  it('a building holds the zones of its floors; a floor without one is in the site-wide building', () => {
    const l = ledger(read(T0, 'KIT-BACK', WANG, 'in'), read(T0 + 1, 'TWR-MAIN', 'FFFF0001'));
    expect(l.present(T0 + 2, { siteId: 'hq', building: 'HQ' }).map((p) => p.zoneId)).toEqual(['kitchen']);
    expect(l.present(T0 + 2, { siteId: 'hq', building: 'Office tower' }).map((p) => p.zoneId)).toEqual(['lobby']);
  });

  it('pruning forgets reads older than the window, and only those', () => {
    const l = ledger(read(T0, 'KIT-BACK', WANG, 'in'), read(T0 + 5 * HOUR, 'CAN-MAIN', 'FFFF0001'));
    l.prune(T0 + 9 * HOUR);
    expect(l.present(T0 + 5 * HOUR, { siteId: 'hq' }).map((p) => p.badge)).toEqual(['••••0001']);
  });
});
