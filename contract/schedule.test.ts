import { describe, expect, it } from 'vitest';
import type { Schedule } from './facility.ts';
import { isAccessExpected, localTime } from './schedule.ts';

const utc = (iso: string): number => Date.parse(iso);
const OFFICE: Schedule = {
  windows: [
    { days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '18:00' },
    { days: ['fri'], from: '22:00', to: '06:00' },
  ],
  holidays: ['2026-10-01', '2026-11-20'],
};

describe('access schedules in the site time zone', () => {
  it('reads local weekday and time with Intl (Asia/Shanghai is UTC+8, no DST)', () => {
    expect(localTime('Asia/Shanghai', utc('2026-11-26T16:30:00Z'))).toEqual({
      date: '2026-11-27',
      weekday: 'fri',
      minutes: 30,
      prevDate: '2026-11-26',
      prevWeekday: 'thu',
    });
  });

  it('judges the same instant by each site’s own clock', () => {
    // Schedules in the site's time zone. 01:30 UTC Wed = 09:30 in Shanghai.
    const t = utc('2026-11-25T01:30:00Z');
    expect(isAccessExpected(OFFICE, 'Asia/Shanghai', t)).toBe(true);
    expect(isAccessExpected(OFFICE, 'UTC', t)).toBe(false);
  });

  it('opens at `from` and closes at `to`', () => {
    expect(isAccessExpected(OFFICE, 'UTC', utc('2026-11-25T07:59:00Z'))).toBe(false);
    expect(isAccessExpected(OFFICE, 'UTC', utc('2026-11-25T08:00:00Z'))).toBe(true);
    expect(isAccessExpected(OFFICE, 'UTC', utc('2026-11-25T17:59:00Z'))).toBe(true);
    expect(isAccessExpected(OFFICE, 'UTC', utc('2026-11-25T18:00:00Z'))).toBe(false);
    expect(isAccessExpected(OFFICE, 'UTC', utc('2026-11-28T10:00:00Z'))).toBe(false); // Saturday
  });

  it('runs a window past midnight into the next day', () => {
    // Fri 22:00 → Sat 06:00 (Shanghai): Friday 2026-11-27.
    expect(isAccessExpected(OFFICE, 'Asia/Shanghai', utc('2026-11-27T13:59:00Z'))).toBe(false); // Fri 21:59
    expect(isAccessExpected(OFFICE, 'Asia/Shanghai', utc('2026-11-27T14:00:00Z'))).toBe(true); // Fri 22:00
    expect(isAccessExpected(OFFICE, 'Asia/Shanghai', utc('2026-11-27T21:59:00Z'))).toBe(true); // Sat 05:59
    expect(isAccessExpected(OFFICE, 'Asia/Shanghai', utc('2026-11-27T22:00:00Z'))).toBe(false); // Sat 06:00
    expect(isAccessExpected(OFFICE, 'Asia/Shanghai', utc('2026-11-25T20:00:00Z'))).toBe(false); // Thu 04:00
  });

  it('applies no window on a holiday, attributing a night window to the day it starts', () => {
    // 2026-10-01 (National Day) is a Thursday; 2026-11-20 is a Friday.
    expect(isAccessExpected(OFFICE, 'Asia/Shanghai', utc('2026-10-01T02:00:00Z'))).toBe(false); // Thu 10:00, holiday
    expect(isAccessExpected(OFFICE, 'Asia/Shanghai', utc('2026-10-02T02:00:00Z'))).toBe(true); // Fri 10:00
    expect(isAccessExpected(OFFICE, 'Asia/Shanghai', utc('2026-11-20T15:00:00Z'))).toBe(false); // Fri 23:00, holiday night
    expect(isAccessExpected(OFFICE, 'Asia/Shanghai', utc('2026-11-20T20:00:00Z'))).toBe(false); // Sat 04:00 of that night
  });

  it('treats `from` equal to `to` as the whole day', () => {
    const always: Schedule = { windows: [{ days: ['sun'], from: '00:00', to: '00:00' }], holidays: [] };
    expect(isAccessExpected(always, 'UTC', utc('2026-11-29T00:00:00Z'))).toBe(true);
    expect(isAccessExpected(always, 'UTC', utc('2026-11-29T23:59:00Z'))).toBe(true);
    expect(isAccessExpected(always, 'UTC', utc('2026-11-30T00:00:00Z'))).toBe(false);
  });

  it('follows daylight saving time where the zone has it', () => {
    // Europe/Berlin: 08:00 local is 07:00 UTC in winter, 06:00 UTC in summer.
    expect(isAccessExpected(OFFICE, 'Europe/Berlin', utc('2026-11-25T07:00:00Z'))).toBe(true);
    expect(isAccessExpected(OFFICE, 'Europe/Berlin', utc('2026-07-01T06:00:00Z'))).toBe(true);
    expect(isAccessExpected(OFFICE, 'Europe/Berlin', utc('2026-07-01T05:59:00Z'))).toBe(false);
  });
});
