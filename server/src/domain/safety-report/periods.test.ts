// Report periods are the site's calendar, not UTC's: a Shanghai week starts Monday 00:00 +08:00,
// a month ends on its own last day, and DST zones keep their wall-clock boundaries.
import { describe, expect, it } from 'vitest';
import { addInterval, lastCompletePeriod, lastRun, nextRun, periodOf, previousPeriod, zonedInstant } from './periods.ts';

const SH = 'Asia/Shanghai';
const iso = (t: number) => new Date(t).toISOString();

describe('periodOf', () => {
  it('a week runs Monday 00:00 to Monday 00:00 in the site zone', () => {
    // Friday 27 Nov 2026 10:00 Shanghai.
    const p = periodOf('week', SH, Date.UTC(2026, 10, 27, 2));
    expect(iso(p.from)).toBe('2026-11-22T16:00:00.000Z'); // Mon 23 Nov 00:00 +08:00
    expect(iso(p.to)).toBe('2026-11-29T16:00:00.000Z');
  });

  it('Sunday 23:30 local belongs to the week that ends at midnight, Monday 00:30 local to the next', () => {
    const sundayLate = Date.UTC(2026, 10, 29, 15, 30); // Sun 29 Nov 23:30 +08:00
    expect(iso(periodOf('week', SH, sundayLate).to)).toBe('2026-11-29T16:00:00.000Z');
    // Monday 00:30 local is Sunday 16:30 UTC: a UTC calendar would put it in the old week.
    expect(iso(periodOf('week', SH, Date.UTC(2026, 10, 29, 16, 30)).from)).toBe('2026-11-29T16:00:00.000Z');
  });

  it('months end on their own last day, leap February included', () => {
    const feb = periodOf('month', SH, Date.UTC(2028, 1, 15));
    expect(iso(feb.from)).toBe('2028-01-31T16:00:00.000Z');
    expect(iso(feb.to)).toBe('2028-02-29T16:00:00.000Z'); // 1 Mar 00:00 +08:00: 29 days
    const dec = periodOf('month', SH, Date.UTC(2026, 11, 31, 15, 59)); // 31 Dec 23:59 local
    expect(iso(dec.to)).toBe('2026-12-31T16:00:00.000Z');
    expect(iso(periodOf('month', SH, dec.to).to)).toBe('2027-01-31T16:00:00.000Z');
  });

  it('a DST zone keeps wall-clock boundaries (a March week in Berlin has 167 hours)', () => {
    const w = periodOf('week', 'Europe/Berlin', Date.UTC(2026, 2, 27, 12));
    expect(iso(w.from)).toBe('2026-03-22T23:00:00.000Z'); // Mon 23 Mar 00:00 CET
    expect(iso(w.to)).toBe('2026-03-29T22:00:00.000Z'); // Mon 30 Mar 00:00 CEST
    expect((w.to - w.from) / 3_600_000).toBe(167);
  });

  it('previous and last complete periods', () => {
    const p = periodOf('month', SH, Date.UTC(2026, 2, 10));
    expect(iso(previousPeriod('month', SH, p).from)).toBe('2026-01-31T16:00:00.000Z');
    expect(lastCompletePeriod('week', SH, Date.UTC(2026, 10, 27, 2))).toEqual(previousPeriod('week', SH, periodOf('week', SH, Date.UTC(2026, 10, 27, 2))));
  });
});

describe('addInterval (drill plan due dates)', () => {
  it('a month after 31 January is the last day of February, in the site zone', () => {
    const jan31 = zonedInstant(SH, 2026, 1, 31, 9);
    expect(iso(addInterval(SH, jan31, 'month'))).toBe(iso(zonedInstant(SH, 2026, 2, 28, 9)));
    expect(iso(addInterval(SH, jan31, 'quarter'))).toBe(iso(zonedInstant(SH, 2026, 4, 30, 9)));
    expect(iso(addInterval(SH, jan31, 'year'))).toBe(iso(zonedInstant(SH, 2027, 1, 31, 9)));
    expect(iso(addInterval(SH, zonedInstant(SH, 2026, 12, 30, 9), 'week'))).toBe(iso(zonedInstant(SH, 2027, 1, 6, 9)));
  });
});

describe('the report schedule', () => {
  it('next weekly run is the configured weekday and time, site time', () => {
    const fri = Date.UTC(2026, 10, 27, 2); // Fri 10:00 Shanghai
    expect(iso(nextRun(undefined, 'week', SH, fri)!)).toBe('2026-11-29T23:00:00.000Z'); // Mon 30 Nov 07:00 +08:00
    expect(iso(nextRun({ week: { day: 'fri', time: '10:00:05' } }, 'week', SH, fri)!)).toBe('2026-11-27T02:00:05.000Z');
    // Exactly at a run, the next one is a week later.
    expect(iso(nextRun({ week: { day: 'fri', time: '10:00' } }, 'week', SH, fri)!)).toBe('2026-12-04T02:00:00.000Z');
    expect(nextRun({ week: false }, 'week', SH, fri)).toBeNull();
  });

  it('next monthly run rolls over the year end; the last run before now is found for catch-up', () => {
    const t = Date.UTC(2026, 11, 20);
    expect(iso(nextRun({ month: { day: 1, time: '06:30' } }, 'month', SH, t)!)).toBe('2026-12-31T22:30:00.000Z');
    expect(iso(lastRun(undefined, 'month', SH, t)!)).toBe('2026-11-30T23:00:00.000Z'); // 1 Dec 07:00 +08:00
    expect(iso(lastRun(undefined, 'week', SH, Date.UTC(2026, 10, 27, 2))!)).toBe('2026-11-22T23:00:00.000Z');
  });
});
