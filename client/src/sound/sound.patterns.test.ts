import { describe, expect, it } from 'vitest';
import { makeAlarm, T0 } from '../../../test/support/client.fixtures.ts';
import { PATTERNS, soundingPriority, tonesBetween } from './sound.patterns.ts';

describe('which pattern sounds (distinct tones per priority until acknowledged)', () => {
  it('plays the most urgent unacknowledged priority', () => {
    const alarms = [makeAlarm({ id: 'm', priority: 'medium' }), makeAlarm({ id: 'c', priority: 'critical' }), makeAlarm({ id: 'h', priority: 'high' })];
    expect(soundingPriority(alarms, null, T0)).toBe('critical');
  });
  it('stops once acknowledged, and keeps sounding for "back to normal, unacknowledged"', () => {
    expect(soundingPriority([makeAlarm({ id: 'a', state: 'active_acked' })], null, T0)).toBeNull();
    expect(soundingPriority([makeAlarm({ id: 'a', state: 'cleared_unacked' })], null, T0)).toBe('critical');
  });
  it('is silent for low priority, shelved and out-of-service alarms', () => {
    const alarms = [
      makeAlarm({ id: 'l', priority: 'low' }),
      makeAlarm({ id: 's', shelved: { at: T0, until: T0 + 1, by: 'li', reason: 'r' } }),
      makeAlarm({ id: 'o', outOfService: true }),
    ];
    expect(soundingPriority(alarms, null, T0)).toBeNull();
  });
  it('mutes the alarms present when the mute began, until it expires', () => {
    const old = makeAlarm({ id: 'a', activatedAt: T0 });
    const mute = { since: T0 + 1_000, until: T0 + 5 * 60_000 };
    expect(soundingPriority([old], mute, T0 + 2_000)).toBeNull();
    expect(soundingPriority([old], mute, T0 + 5 * 60_000)).toBe('critical');
  });
  it('sounds again for an alarm raised during a mute (NFPA 72 10.11: subsequent alarms resound)', () => {
    const mute = { since: T0, until: T0 + 15 * 60_000 };
    const fresh = makeAlarm({ id: 'b', priority: 'high', activatedAt: T0 + 60_000 });
    expect(soundingPriority([makeAlarm({ id: 'a', activatedAt: T0 - 1 }), fresh], mute, T0 + 61_000)).toBe('high');
  });
  it('sounds the fire pattern when a detector in pre-alarm goes to fire, acknowledged or muted before (one row, re-sounded)', () => {
    // The console shows the two alarms in one row; the fire is its own unacknowledged alarm, so it sounds.
    const pre = makeAlarm({ id: 'pre', condition: 'smoke_pre_alarm', class: 'supervisory', priority: 'high', state: 'active_acked', activatedAt: T0 });
    const fire = makeAlarm({ id: 'fire', condition: 'smoke', priority: 'critical', activatedAt: T0 + 120_000 });
    expect(soundingPriority([pre], null, T0 + 60_000)).toBeNull();
    expect(soundingPriority([pre, fire], null, T0 + 120_000)).toBe('critical');
    expect(soundingPriority([{ ...pre, state: 'active_unacked' }, fire], { since: T0 + 1_000, until: T0 + 15 * 60_000 }, T0 + 120_000)).toBe('critical');
  });
});

describe('tone scheduling', () => {
  it('makes critical faster than high, and high more frequent than medium', () => {
    const rate = (p: 'critical' | 'high' | 'medium'): number => PATTERNS[p]!.tones.length / PATTERNS[p]!.periodMs;
    expect(rate('critical')).toBeGreaterThan(rate('high'));
    expect(rate('high')).toBeGreaterThan(rate('medium'));
    expect(PATTERNS.medium!.tones).toHaveLength(1);
    expect(new Set(PATTERNS.critical!.tones.map((t) => t.freqHz)).size).toBe(2);
    expect(PATTERNS.low).toBeNull();
  });
  it('lists the tones starting within a window, cycle after cycle', () => {
    const critical = PATTERNS.critical!;
    const starts = tonesBetween(critical, 1_000, 1_000, 1_000 + critical.periodMs * 2).map((t) => t.startMs - 1_000);
    expect(starts).toEqual([0, 250, 500, 750, 1_200, 1_450, 1_700, 1_950]);
  });
  it('never schedules a tone twice across adjacent windows', () => {
    const high = PATTERNS.high!;
    const a = tonesBetween(high, 0, 0, 2_900);
    const b = tonesBetween(high, 0, 2_900, 6_100);
    expect([...a, ...b].map((t) => t.startMs)).toEqual([0, 550, 3_000, 3_550, 6_000]);
    expect(tonesBetween(high, 0, 500, 500)).toEqual([]);
  });
});
