/**
 * Presence stays bounded under a flood of granted reads with badges nobody is mapped to (a reader
 * or gateway gone wrong, or someone forging reads): the ledger keeps at most MAX_UNKNOWN_BADGES of
 * them, counts what it let go, and never lets go of a person the facility file names — the muster
 * of a fire must still list them.
 */
import { describe, expect, it } from 'vitest';
import { WANG_WEI_BADGE, testPresenceRules } from '../../../../test/support/presence.fixtures.ts';
import { MAX_UNKNOWN_BADGES, PresenceLedger } from './presence.ts';

const T0 = Date.UTC(2026, 10, 27, 2, 0, 0);

describe('presence under a flood of unknown badges', () => {
  it('keeps every named person and the newest unknown badges, at most MAX_UNKNOWN_BADGES of them', () => {
    const ledger = new PresenceLedger(testPresenceRules());
    ledger.record({ t: T0, sensorId: 'KIT-BACK', credential: WANG_WEI_BADGE, reader: 'in' });
    const flood = MAX_UNKNOWN_BADGES * 3;
    for (let i = 1; i <= flood; i++) ledger.record({ t: T0 + i, sensorId: 'KIT-BACK', credential: `FAKE${i}`, reader: 'in' });

    const people = ledger.present(T0 + flood + 1, { siteId: 'hq', zoneId: 'kitchen' });
    expect(people.length).toBe(MAX_UNKNOWN_BADGES + 1);
    expect(people[0]).toMatchObject({ key: 'person:wang-wei', since: T0 });
    expect(people.at(-1)!.since).toBe(T0 + flood);
    expect(ledger.droppedUnknown).toBe(flood - MAX_UNKNOWN_BADGES);
  });
});
