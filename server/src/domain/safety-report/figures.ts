/**
 * The arithmetic of the safety report, pure: trends against the period before, alarms by type
 * and zone, escalations, sensor availability and troubles, drills held against the plan. Drill
 * alarms never count here (they are exercises, not events at the site).
 */
import {
  ALARM_CLASSES,
  type Alarm,
  type DrillPlanItem,
  type DrillPlanStatus,
  type ReportDrill,
  type SafetyReport,
  type SensorIssue,
  type Trend,
  type TrendRow,
} from '../../../../contract/index.ts';
import { signalCounts } from '../alarm/sprinkler.ts';
import { addInterval, type Period } from './periods.ts';

export function trend(current: number, previous: number): Trend {
  return { current, previous, delta: current - previous, percent: previous === 0 ? null : Math.round(((current - previous) / previous) * 1000) / 10 };
}

const within = (t: number, p: Period): boolean => t >= p.from && t < p.to;

/** Rows of `key` with this period's and the previous period's counts, most now first, then by key. */
function trendRows(current: Alarm[], previous: Alarm[], key: (a: Alarm) => string, name: (k: string) => { name: string; nameZh?: string }): TrendRow[] {
  const count = (alarms: Alarm[]) => {
    const m = new Map<string, number>();
    for (const a of alarms) m.set(key(a), (m.get(key(a)) ?? 0) + 1);
    return m;
  };
  const now = count(current);
  const before = count(previous);
  const keys = [...new Set([...now.keys(), ...before.keys()])];
  return keys
    .map((k) => ({ key: k, ...name(k), ...trend(now.get(k) ?? 0, before.get(k) ?? 0) }))
    .sort((a, b) => b.current - a.current || b.previous - a.previous || a.key.localeCompare(b.key));
}

export interface AlarmInputs {
  /** Real alarms of the site raised in either period (more are ignored). */
  alarms: readonly Alarm[];
  period: Period;
  previous: Period;
  zoneName(zoneId: string): { name: string; nameZh?: string };
  conditionName(condition: string): { name: string; nameZh?: string };
}

export function alarmFigures(i: AlarmInputs): Pick<SafetyReport, 'alarms' | 'escalations'> {
  const real = i.alarms.filter((a) => a.drill === null);
  const now = real.filter((a) => within(a.raisedAt, i.period));
  const before = real.filter((a) => within(a.raisedAt, i.previous));
  const classesNow = signalCounts(now).byClass;
  const classesBefore = signalCounts(before).byClass;
  const escalated = (list: Alarm[]) => list.filter((a) => a.escalationLevel > 0);
  return {
    alarms: {
      total: trend(now.length, before.length),
      byCondition: trendRows(now, before, (a) => a.condition, i.conditionName),
      byZone: trendRows(now, before, (a) => a.zoneId, i.zoneName),
      lifeSafety: trend(classesNow.alarm, classesBefore.alarm),
      byClass: ALARM_CLASSES.map((cls) => ({ class: cls, ...trend(classesNow[cls], classesBefore[cls]) })),
    },
    escalations: {
      alarms: trend(escalated(now).length, escalated(before).length),
      highestLevel: Math.max(0, ...escalated(now).map((a) => a.escalationLevel)),
    },
  };
}

/** Sensor troubles the report lists per sensor: power, device faults, a detector that reads nonsense or sticks in test. */
export const SENSOR_ISSUE_CONDITIONS: ReadonlySet<string> = new Set(['battery_low', 'fault', 'tamper', 'implausible_value', 'self_test_stuck']);

export interface SensorInputs {
  /** Real alarms of the site that may overlap the period (an offline alarm raised before it still counts for its overlap). */
  alarms: readonly Alarm[];
  period: Period;
  sensorCount: number;
  sensorName(sensorId: string): string;
}

/**
 * Availability: the share of sensor-time in the period not inside an `offline` alarm (from its
 * raise to its return to normal, or to the period's end when it has not returned). A gateway's
 * own outage counts through its sensors' offline alarms, not twice.
 */
export function sensorFigures(i: SensorInputs): Pick<SafetyReport['sensors'], 'total' | 'availabilityPct' | 'offlineHours' | 'issues'> {
  const real = i.alarms.filter((a) => a.drill === null);
  let offlineMs = 0;
  for (const a of real) {
    if (a.condition !== 'offline') continue;
    const end = a.clearedAt !== null && a.clearedAt >= a.raisedAt ? a.clearedAt : (a.closedAt ?? i.period.to);
    offlineMs += Math.max(0, Math.min(end, i.period.to) - Math.max(a.raisedAt, i.period.from));
  }
  const spanMs = i.sensorCount * (i.period.to - i.period.from);
  const issues = new Map<string, SensorIssue>();
  for (const a of real) {
    if (!SENSOR_ISSUE_CONDITIONS.has(a.condition) || !within(a.raisedAt, i.period)) continue;
    const k = `${a.sensorId}\u0000${a.condition}`;
    const row = issues.get(k) ?? { sensorId: a.sensorId, sensorName: i.sensorName(a.sensorId), condition: a.condition, alarms: 0 };
    row.alarms++;
    issues.set(k, row);
  }
  return {
    total: i.sensorCount,
    availabilityPct: spanMs === 0 ? null : Math.round((1 - offlineMs / spanMs) * 10_000) / 100,
    offlineHours: Math.round((offlineMs / 3_600_000) * 10) / 10,
    issues: [...issues.values()].sort((a, b) => b.alarms - a.alarms || a.sensorId.localeCompare(b.sensorId) || a.condition.localeCompare(b.condition)),
  };
}

export interface HeldDrill {
  id: string;
  scenario: string;
  title: string;
  titleZh?: string;
  siteId: string;
  startedAt: number;
  endedAt: number | null;
}

/**
 * Each planned scenario against the drills of the site: how many were held in the period, the
 * last one before `asOf`, when the next is due (one interval later, site calendar) and whether it
 * is overdue at `asOf`. A scenario never drilled is due at once.
 */
export function drillPlanStatus(
  plan: readonly DrillPlanItem[],
  drills: readonly HeldDrill[],
  siteId: string,
  timeZone: string,
  period: Period,
  asOf: number,
  title: (scenario: string) => string,
  titleZh: (scenario: string) => string | undefined = () => undefined,
): DrillPlanStatus[] {
  return plan.map((item) => {
    const mine = drills.filter((d) => d.siteId === siteId && d.scenario === item.scenario && d.startedAt < asOf);
    const last = mine.reduce<number | null>((t, d) => (t === null || d.startedAt > t ? d.startedAt : t), null);
    const dueAt = last === null ? null : addInterval(timeZone, last, item.every);
    const zh = titleZh(item.scenario);
    return {
      scenario: item.scenario,
      title: title(item.scenario),
      ...(zh !== undefined && { titleZh: zh }),
      every: item.every,
      held: mine.filter((d) => within(d.startedAt, period)).length,
      lastHeldAt: last,
      dueAt,
      overdue: dueAt === null || dueAt <= asOf,
    };
  });
}

/** The site's drills held in the period, oldest first, each marked planned when its scenario is in the plan. */
export function drillsHeld(
  plan: readonly DrillPlanItem[],
  drills: readonly HeldDrill[],
  siteId: string,
  period: Period,
  score: (id: string) => number | null,
): ReportDrill[] {
  const planned = new Set(plan.map((p) => p.scenario));
  return drills
    .filter((d) => d.siteId === siteId && within(d.startedAt, period))
    .sort((a, b) => a.startedAt - b.startedAt)
    .map((d) => ({
      id: d.id,
      scenario: d.scenario,
      title: d.title,
      ...(d.titleZh !== undefined && { titleZh: d.titleZh }),
      startedAt: d.startedAt,
      endedAt: d.endedAt,
      scorePercent: score(d.id),
      planned: planned.has(d.scenario),
    }));
}
