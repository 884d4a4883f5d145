/**
 * KPIs over individual alarms: the most frequent and the chattering ones, standing and stale
 * ones, response times by priority and the priority distribution (ISA-18.2 §16.5 and §16.6,
 * EEMUA 191 §6). Definitions and their reasons: docs/kpis.md.
 */
import {
  ACK_TARGET_S,
  ALARM_CLASSES,
  CHATTER_COUNT,
  CHATTER_WINDOW_MS,
  PRIORITIES,
  RESOLVE_TARGET_S,
  STANDING_AFTER_MS,
  type KpiClassShare,
  type KpiFrequentAlarm,
  type KpiLongAlarm,
  type KpiPriorityShare,
  type KpiResponseTime,
  type Priority,
} from '../../../../contract/index.ts';
import { signalCounts } from '../alarm/sprinkler.ts';
import type { Annunciation, KpiAlarm, KpiPeriod } from './history.ts';
import { quantile, share } from './stats.ts';

/** The most frequent alarms listed. */
export const TOP_ALARMS = 10;

/** The most annunciations inside any window of `windowMs` (ascending `times`). */
export function maxWithin(times: readonly number[], windowMs: number): number {
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < times.length; hi++) {
    while (times[hi]! - times[lo]! >= windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

/**
 * Annunciations in the period grouped by sensor and condition (one "alarm" in the ISA-18.2
 * sense: one tag, one alarm type): the TOP_ALARMS most frequent (ties by sensor id), and every
 * chattering one — at least CHATTER_COUNT within CHATTER_WINDOW_MS, or flagged by the engine.
 */
export function frequentAlarms(
  alarms: readonly KpiAlarm[],
  annunciations: readonly Annunciation[],
  period: KpiPeriod,
): { top: KpiFrequentAlarm[]; chattering: KpiFrequentAlarm[] } {
  const byId = new Map(alarms.map((a) => [a.id, a]));
  const groups = new Map<string, { alarm: KpiAlarm; times: number[]; flagged: boolean }>();
  for (const n of annunciations) {
    const a = byId.get(n.alarmId);
    if (a === undefined || n.at < period.from || n.at >= period.to) continue;
    const key = `${a.sensorId}\u0000${a.condition}`;
    const g = groups.get(key) ?? { alarm: a, times: [], flagged: false };
    g.times.push(n.at);
    g.flagged ||= a.chattering;
    groups.set(key, g);
  }
  const rows = [...groups.values()]
    .map(({ alarm: a, times, flagged }) => {
      const maxPerMinute = maxWithin(
        times.sort((x, y) => x - y),
        CHATTER_WINDOW_MS,
      );
      const row: KpiFrequentAlarm = {
        siteId: a.siteId,
        sensorId: a.sensorId,
        sensorName: a.sensorName,
        condition: a.condition,
        priority: a.priority,
        count: times.length,
        maxPerMinute,
      };
      return { row, chattering: flagged || maxPerMinute >= CHATTER_COUNT };
    })
    .sort((x, y) => y.row.count - x.row.count || x.row.sensorId.localeCompare(y.row.sensorId) || x.row.condition.localeCompare(y.row.condition));
  return { top: rows.slice(0, TOP_ALARMS).map((g) => g.row), chattering: rows.filter((g) => g.chattering).map((g) => g.row) };
}

const longAlarm = (a: KpiAlarm, since: number, end: number): KpiLongAlarm => ({
  alarmId: a.id,
  siteId: a.siteId,
  sensorId: a.sensorId,
  sensorName: a.sensorName,
  condition: a.condition,
  priority: a.priority,
  since,
  durationS: Math.round((end - since) / 1000),
});

const openAt = (a: KpiAlarm, end: number): boolean => a.raisedAt <= end && (a.closedAt === null || a.closedAt > end);

/**
 * Standing at `end`: open, its condition present since its last activation, and that more than
 * STANDING_AFTER_MS before `end`. Longest first.
 */
export function standingAlarms(alarms: readonly KpiAlarm[], end: number): KpiLongAlarm[] {
  return alarms
    .filter((a) => openAt(a, end) && a.activatedAt <= end - STANDING_AFTER_MS)
    .filter((a) => a.clearedAt === null || a.clearedAt < a.activatedAt || a.clearedAt > end)
    .map((a) => longAlarm(a, a.activatedAt, end))
    .sort((x, y) => y.durationS - x.durationS);
}

/** Stale at `end`: open and still unacknowledged more than STANDING_AFTER_MS after it was raised. Longest first. */
export function staleAlarms(alarms: readonly KpiAlarm[], end: number): KpiLongAlarm[] {
  return alarms
    .filter((a) => openAt(a, end) && a.raisedAt <= end - STANDING_AFTER_MS && (a.ackedAt === null || a.ackedAt > end))
    .map((a) => longAlarm(a, a.raisedAt, end))
    .sort((x, y) => y.durationS - x.durationS);
}

/** The alarms raised in the period. */
const raisedIn = (alarms: readonly KpiAlarm[], period: KpiPeriod): KpiAlarm[] => alarms.filter((a) => a.raisedAt >= period.from && a.raisedAt < period.to);

/** When an alarm was resolved: its resolution, else its closing. */
export const resolvedAt = (a: KpiAlarm): number | null => a.resolution?.at ?? a.closedAt;

/**
 * Time from raise to `doneAt` for the alarms raised in the period, per priority, against
 * `targets`. An alarm not done whose target has passed by `now` counts as missed; one not done
 * still inside its target counts neither way.
 */
export function responseTimes(
  alarms: readonly KpiAlarm[],
  period: KpiPeriod,
  now: number,
  doneAt: (a: KpiAlarm) => number | null,
  targets: Readonly<Record<Priority, number>>,
): KpiResponseTime[] {
  const raised = raisedIn(alarms, period);
  return PRIORITIES.map((priority) => {
    const targetS = targets[priority];
    const mine = raised.filter((a) => a.priority === priority);
    const done = mine.filter((a) => doneAt(a) !== null).map((a) => (doneAt(a)! - a.raisedAt) / 1000);
    const sorted = [...done].sort((x, y) => x - y);
    const within = done.filter((s) => s <= targetS).length;
    const overdue = mine.filter((a) => doneAt(a) === null && (now - a.raisedAt) / 1000 > targetS).length;
    const judged = done.length + overdue;
    return {
      priority,
      count: done.length,
      medianS: quantile(sorted, 0.5),
      p90S: quantile(sorted, 0.9),
      targetS,
      withinTarget: judged === 0 ? null : share(within, judged),
    };
  });
}

export const ackTimes = (alarms: readonly KpiAlarm[], period: KpiPeriod, now: number): KpiResponseTime[] =>
  responseTimes(alarms, period, now, (a) => a.ackedAt, ACK_TARGET_S);

export const resolveTimes = (alarms: readonly KpiAlarm[], period: KpiPeriod, now: number): KpiResponseTime[] =>
  responseTimes(alarms, period, now, resolvedAt, RESOLVE_TARGET_S);

/** Alarms raised in the period by priority (the priority they ended with: a gas alarm that rose to critical counts as critical). */
export function priorityShares(alarms: readonly KpiAlarm[], period: KpiPeriod): KpiPriorityShare[] {
  const raised = raisedIn(alarms, period);
  return PRIORITIES.map((priority) => {
    const count = raised.filter((a) => a.priority === priority).length;
    return { priority, count, share: share(count, raised.length) };
  });
}

/** Alarms raised in the period by NFPA 72 signal class, counted as the drill report counts them. */
export function classShares(alarms: readonly KpiAlarm[], period: KpiPeriod): KpiClassShare[] {
  const raised = raisedIn(alarms, period);
  const { byClass } = signalCounts(raised);
  return ALARM_CLASSES.map((cls) => ({ class: cls, count: byClass[cls], share: share(byClass[cls], raised.length) }));
}
