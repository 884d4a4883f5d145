/**
 * Is access expected at instant t? Schedules are written in the site's local time (weekday
 * windows, windows running past midnight, holidays) and evaluated with Intl's IANA time zone
 * data — no library. One implementation for both sides: the server's alarm rules (access granted
 * outside the schedule) and the simulator's normal door traffic (which badges in only when this
 * says yes, so it never raises after-hours alarms).
 *
 * A window belongs to the day it starts on: `fri 22:00–06:00` covers Friday 22:00 to Saturday
 * 06:00, and a holiday on that Friday cancels the whole night; a holiday on Saturday does not.
 * `from` equal to `to` means the whole 24 h from `from`.
 */
import { WEEKDAYS, type Schedule } from './facility.ts';

type Weekday = (typeof WEEKDAYS)[number];

export interface LocalTime {
  /** YYYY-MM-DD in the zone. */
  date: string;
  weekday: Weekday;
  /** Minutes since local midnight. */
  minutes: number;
  /** The local day before, for windows that started yesterday. */
  prevDate: string;
  prevWeekday: Weekday;
}

const SHORT_DAYS: Readonly<Record<string, Weekday>> = { Mon: 'mon', Tue: 'tue', Wed: 'wed', Thu: 'thu', Fri: 'fri', Sat: 'sat', Sun: 'sun' };

// Building an Intl.DateTimeFormat costs tens of microseconds; one per zone is kept (a memo, not state).
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall clock in a time zone at one instant; `month` 1–12, `hour` 0–23. */
export interface ZonedParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: Weekday;
}

/**
 * The wall clock of `t` (epoch ms) in `timeZone` (IANA name; throws RangeError if unknown), read
 * with Intl. Schedules use it here; the server's device adapters use it to read zone-less device
 * timestamps.
 */
export function zonedParts(timeZone: string, t: number): ZonedParts {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(t)) parts[p.type] = p.value;
  const weekday = SHORT_DAYS[parts.weekday ?? ''];
  if (weekday === undefined) throw new Error(`unexpected weekday ${parts.weekday} from Intl`);
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday,
  };
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** Local calendar date, weekday and minute of `t` (epoch ms) in `timeZone` (IANA name; throws RangeError if unknown). */
export function localTime(timeZone: string, t: number): LocalTime {
  const { year: y, month: mo, day: d, hour, minute, weekday } = zonedParts(timeZone, t);
  const prev = new Date(Date.UTC(y, mo - 1, d - 1));
  const prevWeekday = WEEKDAYS[(WEEKDAYS.indexOf(weekday) + 6) % 7] ?? weekday;
  return {
    date: `${y}-${pad(mo)}-${pad(d)}`,
    weekday,
    minutes: hour * 60 + minute,
    prevDate: `${prev.getUTCFullYear()}-${pad(prev.getUTCMonth() + 1)}-${pad(prev.getUTCDate())}`,
    prevWeekday,
  };
}

const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** True when the schedule expects access at `t` in `timeZone`. */
export function isAccessExpected(schedule: Schedule, timeZone: string, t: number): boolean {
  const lt = localTime(timeZone, t);
  const holidays = schedule.holidays;
  const today = !holidays.includes(lt.date);
  const yesterday = !holidays.includes(lt.prevDate);
  for (const w of schedule.windows) {
    const from = minutesOf(w.from);
    const to = minutesOf(w.to);
    if (from < to) {
      if (today && w.days.includes(lt.weekday) && lt.minutes >= from && lt.minutes < to) return true;
    } else {
      if (today && w.days.includes(lt.weekday) && lt.minutes >= from) return true;
      if (yesterday && w.days.includes(lt.prevWeekday) && lt.minutes < to) return true;
    }
  }
  return false;
}
