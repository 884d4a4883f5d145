/**
 * Is access expected at instant t? The same semantics as the server's alarm rules (which the
 * simulator may not import): windows in the site's local time, evaluated with Intl's IANA data; a
 * window belongs to the day it starts on, so `fri 22:00–06:00` runs into Saturday and a holiday on
 * the Friday cancels the whole night. Normal traffic only badges in when this says yes, so it
 * never raises after-hours alarms.
 */
import { WEEKDAYS, type Schedule } from '../../../contract/index.ts';

type Weekday = (typeof WEEKDAYS)[number];

export interface LocalTime {
  date: string;
  weekday: Weekday;
  /** Minutes since local midnight. */
  minutes: number;
  prevDate: string;
  prevWeekday: Weekday;
}

const SHORT_DAYS: Readonly<Record<string, Weekday>> = { Mon: 'mon', Tue: 'tue', Wed: 'wed', Thu: 'thu', Fri: 'fri', Sat: 'sat', Sun: 'sun' };
const formatters = new Map<string, Intl.DateTimeFormat>();
const pad = (n: number): string => String(n).padStart(2, '0');

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', weekday: 'short', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f;
}

export function localTime(timeZone: string, t: number): LocalTime {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(t)) parts[p.type] = p.value;
  const y = Number(parts.year);
  const mo = Number(parts.month);
  const d = Number(parts.day);
  const weekday = SHORT_DAYS[parts.weekday ?? ''] ?? 'mon';
  const prev = new Date(Date.UTC(y, mo - 1, d - 1));
  return {
    date: `${y}-${pad(mo)}-${pad(d)}`,
    weekday,
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
    prevDate: `${prev.getUTCFullYear()}-${pad(prev.getUTCMonth() + 1)}-${pad(prev.getUTCDate())}`,
    prevWeekday: WEEKDAYS[(WEEKDAYS.indexOf(weekday) + 6) % 7] ?? weekday,
  };
}

const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export function isAccessExpected(schedule: Schedule, timeZone: string, t: number): boolean {
  const lt = localTime(timeZone, t);
  const today = !schedule.holidays.includes(lt.date);
  const yesterday = !schedule.holidays.includes(lt.prevDate);
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

/** Daytime (07:00–20:00 local) for doors without a schedule: lobbies and dormitories are busy then. */
export function isDaytime(timeZone: string, t: number): boolean {
  const { minutes } = localTime(timeZone, t);
  return minutes >= 7 * 60 && minutes < 20 * 60;
}
