/** The time axis and tooltip frame every chart shares, so the sensor and zone charts read alike. */
import type { CSSProperties } from 'react';
import type { XAxisProps } from 'recharts';
import { zoneOffsetMs, type TimeFormatters } from '../format/time.format.ts';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Tick spacings that read well on a clock or a calendar, finest first; months are handled apart. */
const STEPS_MS = [
  10 * SECOND,
  15 * SECOND,
  30 * SECOND,
  MINUTE,
  2 * MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  2 * DAY,
  7 * DAY,
];
const MONTH_STEPS = [1, 2, 3, 6, 12];

/** The instant a wall-clock time (as epoch ms of the same digits in UTC) is in `timeZone`; two passes settle DST. */
function wallToEpoch(wall: number, timeZone: string): number {
  const guess = wall - zoneOffsetMs(wall, timeZone);
  return wall - zoneOffsetMs(guess, timeZone);
}

/**
 * Tick instants for a time axis over [from, to]: at most `maxTicks`, on round wall-clock times at
 * the site (whole hours, midnights, first days of months), so that every span — 7 and 30 days
 * included — gets several labels. The chart library's own ticks for a time scale on a numeric axis
 * are spread over the data, not the calendar, and a week came out with one label.
 */
export function timeTicks(from: number, to: number, timeZone: string, maxTicks = 6): number[] {
  const span = to - from;
  if (!(span > 0) || maxTicks < 1) return [];
  const step = STEPS_MS.find((s) => span / s <= maxTicks);
  const ticks: number[] = [];
  if (step !== undefined) {
    const wallFrom = from + zoneOffsetMs(from, timeZone);
    for (let wall = Math.ceil(wallFrom / step) * step; ticks.length <= maxTicks + 1; wall += step) {
      const t = wallToEpoch(wall, timeZone);
      if (t > to) break;
      if (t >= from && t !== ticks[ticks.length - 1]) ticks.push(t);
    }
    return ticks;
  }
  const months = MONTH_STEPS.find((m) => span / (m * 30.44 * DAY) <= maxTicks) ?? Math.ceil(span / (maxTicks * 365.25 * DAY)) * 12;
  const start = new Date(from + zoneOffsetMs(from, timeZone));
  let month = start.getUTCFullYear() * 12 + start.getUTCMonth();
  month = Math.ceil(month / months) * months;
  for (; ; month += months) {
    const t = wallToEpoch(Date.UTC(Math.floor(month / 12), month % 12, 1), timeZone);
    if (t > to) break;
    if (t >= from) ticks.push(t);
  }
  return ticks;
}

/** Rows keyed by `t` (epoch ms) on a time scale fixed to [from, to], ticks on round times at the site. */
export function timeAxisProps(from: number, to: number, fmt: TimeFormatters, timeZone: string, maxTicks?: number): XAxisProps {
  const span = to - from;
  return {
    dataKey: 't',
    type: 'number',
    scale: 'time',
    domain: [from, to],
    allowDataOverflow: true,
    ticks: timeTicks(from, to, timeZone, maxTicks),
    tickFormatter: (v: number) => fmt.tick(v, span),
    stroke: 'var(--text-muted)',
    tick: { fill: 'var(--text-muted)' },
    minTickGap: 8,
  };
}

/** The themed tooltip box, headed by the point's date and time in the site's zone. */
export function tooltipFrameProps(fmt: TimeFormatters): { contentStyle: CSSProperties; labelFormatter: (label: unknown) => string } {
  return {
    contentStyle: { background: 'var(--surface-2)', border: '1px solid var(--border)', color: 'var(--text)' },
    labelFormatter: (v) => (typeof v === 'number' ? fmt.dateTime(v) : String(v)),
  };
}
