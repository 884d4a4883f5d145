// The history chart's time axis: every range preset gets several labels on round times at the
// site (a 7-day and a 30-day chart used to show a single label).
import { describe, expect, it } from 'vitest';
import { timeFormatters } from '../format/time.format.ts';
import { timeTicks } from './chart.axes.ts';

const NOW = Date.UTC(2026, 10, 27, 10, 17, 23);
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const TZ = 'Asia/Shanghai';

describe('time axis ticks', () => {
  it.each([
    ['15 min', 15 * MIN],
    ['1 h', HOUR],
    ['24 h', DAY],
    ['7 d', 7 * DAY],
    ['30 d', 30 * DAY],
    ['1 y', 365 * DAY],
  ])('%s gives several distinct labels, inside the range, in order', (_name, span) => {
    const ticks = timeTicks(NOW - span, NOW, TZ);
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    expect(ticks.length).toBeLessThanOrEqual(7);
    expect(ticks.every((t) => t >= NOW - span && t <= NOW)).toBe(true);
    expect([...ticks].sort((a, b) => a - b)).toEqual(ticks);
    const fmt = timeFormatters('en', TZ);
    const labels = ticks.map((t) => fmt.tick(t, span));
    expect(new Set(labels).size).toBe(labels.length);
  });

  it('puts day ticks on midnights at the site, not in UTC', () => {
    const ticks = timeTicks(NOW - 7 * DAY, NOW, TZ);
    for (const t of ticks) expect(new Date(t + 8 * HOUR).getUTCHours()).toBe(0);
  });

  it('puts a year’s ticks on first days of months at the site', () => {
    const ticks = timeTicks(NOW - 365 * DAY, NOW, TZ);
    for (const t of ticks) {
      const wall = new Date(t + 8 * HOUR);
      expect([wall.getUTCDate(), wall.getUTCHours()]).toEqual([1, 0]);
    }
  });

  it('keeps wall-clock hours across a DST change', () => {
    const from = Date.UTC(2026, 2, 28, 12); // Europe/Berlin goes to summer time on 29 March 2026
    const ticks = timeTicks(from, from + 2 * DAY, 'Europe/Berlin', 8);
    const hours = ticks.map((t) => Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', hourCycle: 'h23' }).format(t)));
    expect(hours.every((h) => h % 6 === 0)).toBe(true);
  });

  it('gives more ticks when the chart is wide', () => {
    expect(timeTicks(NOW - 7 * DAY, NOW, TZ, 12).length).toBeGreaterThan(timeTicks(NOW - 7 * DAY, NOW, TZ, 4).length);
  });
});
