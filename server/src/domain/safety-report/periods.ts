/**
 * Report periods in a site's time zone: a week runs Monday 00:00 to Monday 00:00 (ISO 8601), a
 * month from the 1st 00:00 to the next 1st, both on the site's wall clock, so a Shanghai report
 * never starts at 08:00 and a month ends on its own last day (28, 29, 30 or 31). Times are epoch
 * ms; a period is [from, to).
 */
import { WEEKDAYS, zonedParts, type DrillInterval, type SafetyReportPeriod as ReportPeriod, type SafetyReportSchedule } from '../../../../contract/index.ts';

export type { ReportPeriod };

export interface Period {
  from: number;
  to: number;
}

const DAY_MS = 86_400_000;

/**
 * The instant the site's wall clock reads this date and time. Months and days out of range roll
 * over as Date.UTC does (month 13 is January next year). A wall time a DST change skips is taken
 * an hour later; one it repeats, at its first occurrence.
 */
export function zonedInstant(timeZone: string, year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  const wanted = Date.UTC(year, month - 1, day, hour, minute, second);
  let t = wanted;
  // Two corrections settle every offset change (the second one only near a DST transition).
  for (let i = 0; i < 2; i++) {
    const p = zonedParts(timeZone, t);
    t += wanted - Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  }
  return t;
}

/** The week or month (site time) that holds the instant `at`. */
export function periodOf(period: ReportPeriod, timeZone: string, at: number): Period {
  const p = zonedParts(timeZone, at);
  if (period === 'month') return { from: zonedInstant(timeZone, p.year, p.month, 1), to: zonedInstant(timeZone, p.year, p.month + 1, 1) };
  const back = WEEKDAYS.indexOf(p.weekday);
  return { from: zonedInstant(timeZone, p.year, p.month, p.day - back), to: zonedInstant(timeZone, p.year, p.month, p.day - back + 7) };
}

/** The period just before `p` (same kind, same zone). */
export function previousPeriod(period: ReportPeriod, timeZone: string, p: Period): Period {
  return periodOf(period, timeZone, p.from - 1);
}

/** The last complete period before the instant `at` (what a report made at `at` covers). */
export function lastCompletePeriod(period: ReportPeriod, timeZone: string, at: number): Period {
  return previousPeriod(period, timeZone, periodOf(period, timeZone, at));
}

const MONTHS: Readonly<Record<DrillInterval, number>> = { week: 0, month: 1, quarter: 3, 'half-year': 6, year: 12 };

/**
 * One drill interval after `t`, on the site's calendar: a month after 31 January is the last day
 * of February, a week is seven calendar days (23 or 25 hours across a DST change count as one day).
 */
export function addInterval(timeZone: string, t: number, every: DrillInterval): number {
  const p = zonedParts(timeZone, t);
  if (every === 'week') return zonedInstant(timeZone, p.year, p.month, p.day + 7, p.hour, p.minute, p.second);
  const months = p.month - 1 + MONTHS[every];
  const year = p.year + Math.floor(months / 12);
  const month = (months % 12) + 1;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return zonedInstant(timeZone, year, month, Math.min(p.day, lastDay), p.hour, p.minute, p.second);
}

export const DEFAULT_REPORT_TIME = '07:00';

/** The resolved schedule of one period kind, or null when the site makes none. */
export function scheduleOf(schedule: SafetyReportSchedule | undefined, period: ReportPeriod): { day: string | number; time: string } | null {
  const s = schedule?.[period];
  if (s === false) return null;
  if (period === 'week') return { day: (s as { day?: string } | undefined)?.day ?? 'mon', time: s?.time ?? DEFAULT_REPORT_TIME };
  return { day: (s as { day?: number } | undefined)?.day ?? 1, time: s?.time ?? DEFAULT_REPORT_TIME };
}

function timeParts(time: string): [number, number, number] {
  const [h = 0, m = 0, s = 0] = time.split(':').map(Number);
  return [h, m, s];
}

/**
 * The first scheduled run strictly after `after`: the week's `day` at `time`, or the month's day
 * `day` at `time`, on the site's wall clock. Null when the site makes no report of that kind.
 */
export function nextRun(schedule: SafetyReportSchedule | undefined, period: ReportPeriod, timeZone: string, after: number): number | null {
  const s = scheduleOf(schedule, period);
  if (s === null) return null;
  const [h, m, sec] = timeParts(s.time);
  const p = zonedParts(timeZone, after);
  if (period === 'week') {
    const ahead = (WEEKDAYS.indexOf(s.day as (typeof WEEKDAYS)[number]) - WEEKDAYS.indexOf(p.weekday) + 7) % 7;
    for (const extra of [0, 7]) {
      const t = zonedInstant(timeZone, p.year, p.month, p.day + ahead + extra, h, m, sec);
      if (t > after) return t;
    }
  } else {
    for (const extra of [0, 1]) {
      const t = zonedInstant(timeZone, p.year, p.month + extra, s.day as number, h, m, sec);
      if (t > after) return t;
    }
  }
  // Unreachable for valid schedules; a week ahead is the safe answer.
  return after + 7 * DAY_MS;
}

/** The latest scheduled run at or before `at` (a run missed while the server was down is caught up). */
export function lastRun(schedule: SafetyReportSchedule | undefined, period: ReportPeriod, timeZone: string, at: number): number | null {
  const span = period === 'week' ? 8 * DAY_MS : 32 * DAY_MS;
  const t = nextRun(schedule, period, timeZone, at - span);
  if (t === null) return null;
  let last = t;
  for (let n = nextRun(schedule, period, timeZone, last); n !== null && n <= at; n = nextRun(schedule, period, timeZone, last)) last = n;
  return last <= at ? last : null;
}
