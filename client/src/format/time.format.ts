/**
 * Times as the site sees them: every displayed time uses the site's IANA time zone, whatever
 * the browser's zone is (the wall display may run in UTC).
 */
import type { Locale } from '../i18n/dictionary.ts';

const INTL_LOCALE: Record<Locale, string> = { en: 'en-GB', zh: 'zh-CN' };

export interface TimeFormatters {
  /** 14:03:07 */
  time: (ms: number) => string;
  /** 14:03 */
  hm: (ms: number) => string;
  /** 27 Nov 2026, 14:03:07 */
  dateTime: (ms: number) => string;
  /** Short tick label suited to the span shown on a chart axis. */
  tick: (ms: number, spanMs: number) => string;
}

export function timeFormatters(locale: Locale, timeZone: string): TimeFormatters {
  const loc = INTL_LOCALE[locale];
  const base = { timeZone, hourCycle: 'h23' } as const;
  const time = new Intl.DateTimeFormat(loc, { ...base, hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const dateTime = new Intl.DateTimeFormat(loc, {
    ...base,
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  const hm = new Intl.DateTimeFormat(loc, { ...base, hour: '2-digit', minute: '2-digit' });
  const dayHm = new Intl.DateTimeFormat(loc, { ...base, month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
  const day = new Intl.DateTimeFormat(loc, { ...base, month: 'short', day: 'numeric' });
  const month = new Intl.DateTimeFormat(loc, { ...base, year: 'numeric', month: 'short' });
  return {
    time: (ms) => time.format(ms),
    hm: (ms) => hm.format(ms),
    dateTime: (ms) => dateTime.format(ms),
    tick: (ms, spanMs) => {
      if (spanMs <= 2 * 3_600_000) return time.format(ms);
      if (spanMs <= 36 * 3_600_000) return hm.format(ms);
      if (spanMs <= 10 * 86_400_000) return dayHm.format(ms);
      if (spanMs <= 120 * 86_400_000) return day.format(ms);
      return month.format(ms);
    },
  };
}

/** Offset of a time zone from UTC at an instant, in ms (positive east of Greenwich). */
export function zoneOffsetMs(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(instant);
  const get = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** `YYYY-MM-DDTHH:mm` (a datetime-local input's value) read as wall time in `timeZone`. */
export function zonedInputToEpoch(value: string, timeZone: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (!m) return null;
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  // Two passes settle the offset across a DST change.
  let guess = wall - zoneOffsetMs(wall, timeZone);
  guess = wall - zoneOffsetMs(guess, timeZone);
  return guess;
}

/** The inverse: an instant as a datetime-local value in `timeZone`. */
export function epochToZonedInput(ms: number, timeZone: string): string {
  const wall = new Date(ms + zoneOffsetMs(ms, timeZone));
  return wall.toISOString().slice(0, 16);
}
