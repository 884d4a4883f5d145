/**
 * What the printable drill report shows, worked out from `GET /api/drills/:id/report`:
 * each expected alarm raised or missed, display time against NFPA 72's 10 s, acknowledgement time
 * and by whom against 60 s for critical alarms, resolution time; the overall score
 * (docs/contracts.md#drills).
 *
 * Pass and fail come from the server's own `displayOk` / `ackOk`: the report scores, the page only
 * shows. Pure, so the marks and durations are unit-tested without a browser.
 */
import type { Alarm, Condition, Priority } from '../../../contract/alarm.ts';
import type { Drill, DrillAckOutcome, DrillItemOutcome, DrillReport, DrillReportItem } from '../../../contract/drill.ts';
import type { FacilityIndex } from '../domain/facility.index.ts';
import { alarmSubject } from '../i18n/alarm.labels.ts';
import { formatDuration } from '../format/duration.format.ts';
import type { Locale, Translate } from '../i18n/dictionary.ts';

/** A figure against its target: met, missed, or nothing to judge (not raised, no trigger found). */
export type Mark = 'pass' | 'fail' | 'none';

/** Symbols printed next to the words, so a mark never rests on colour alone (and prints in black). */
export const MARK_SYMBOL: Readonly<Record<Mark, string>> = { pass: '✓', fail: '✗', none: '—' };

/**
 * Seconds as the report prints them: hundredths below a second (Vigil displays within tens of
 * milliseconds; "0.0 s" would hide the figure the NFPA 72 column is about), tenths below a
 * minute, then the dashboard's usual "4 min 05 s"; "—" when there is nothing.
 */
export function formatSeconds(seconds: number | null, t: Translate): string {
  if (seconds === null || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, seconds);
  // Through a local broker a display takes a few milliseconds: "< 0.01 s", not a flat "0.00 s".
  if (s < 0.005) return t('dur.s', { n: '< 0.01' });
  if (s < 0.995) return t('dur.s', { n: s.toFixed(2) });
  if (s < 59.95) return t('dur.s', { n: s.toFixed(1) });
  return formatDuration(Math.round(s) * 1000, t);
}

/** A target in whole seconds, in the dashboard's duration words: "10 s", "1 min", "5 min". */
export function formatTarget(seconds: number, t: Translate): string {
  return formatDuration(seconds * 1000, t);
}

/** The acknowledgement target that applies to an alarm of this priority (as the server scores it). */
export function ackTargetS(priority: Priority | null, targets: DrillReport['targets']): number {
  return priority === 'critical' ? targets.criticalAckS : targets.ackS;
}

export interface ReportRow {
  key: string;
  /** Sensor name, or the zone for an expectation that names a zone only. */
  where: { kind: 'sensor'; name: string; id: string; zone: string | null } | { kind: 'zone'; zone: string };
  condition: Condition;
  /** The raised alarm's priority, else the expected one. */
  priority: Priority | null;
  /** Set when the scenario expected another priority than the alarm has. */
  expectedPriority: Priority | null;
  raised: boolean;
  /** Raised, missed, still pending (the drill runs, its time has not come) or not played (the drill ended first). */
  outcome: DrillItemOutcome;
  /** When it was due at the latest (for a pending one). */
  dueAt: number | null;
  raisedAt: number | null;
  display: { seconds: number | null; mark: Mark };
  ack: { seconds: number | null; by: string | null; targetS: number; mark: Mark; outcome: DrillAckOutcome | null };
  resolvedS: number | null;
  /** Still open when the drill ended, and closed with it. */
  closedByDrillEnd: boolean;
  drillAlarmId: string | null;
}

/** One row per expected alarm, in the scenario's order. */
export function reportRows(report: DrillReport, index: FacilityIndex, locale: Locale): ReportRow[] {
  return report.items.map((item, i) => reportRow(item, i, report, index, locale));
}

function reportRow(item: DrillReportItem, i: number, report: DrillReport, index: FacilityIndex, locale: Locale): ReportRow {
  const { expectation, alarm } = item;
  const priority = alarm?.priority ?? expectation.priority ?? null;
  const expectedPriority = alarm && expectation.priority && expectation.priority !== alarm.priority ? expectation.priority : null;
  return {
    key: `${i}:${expectation.sensorId ?? ''}:${expectation.zoneId ?? ''}:${expectation.condition}`,
    where: whereOf(item, report.drill.siteId, index, locale),
    condition: expectation.condition,
    priority,
    expectedPriority,
    raised: item.raised,
    outcome: item.outcome,
    dueAt: item.dueAt,
    raisedAt: alarm?.raisedAt ?? null,
    display: {
      seconds: item.displayS,
      // A missed alarm is counted once, as missed; its display is not judged again. A raised
      // alarm with no trigger found cannot be timed: not a pass, and not shown as a fail either.
      mark: !item.raised || item.displayS === null ? 'none' : item.displayOk ? 'pass' : 'fail',
    },
    ack: {
      seconds: item.ackS,
      by: item.ackedBy,
      targetS: ackTargetS(priority, report.targets),
      // Late or never acknowledged fails the target; one whose target has not passed (still
      // pending, or the drill ended first) is not judged, and a missed alarm had nothing to acknowledge.
      mark: ackMark(item.ack),
      outcome: item.ack,
    },
    resolvedS: item.resolvedS,
    closedByDrillEnd: item.closedByDrillEnd,
    drillAlarmId: alarm?.id ?? null,
  };
}

function ackMark(ack: DrillAckOutcome | null): Mark {
  if (ack === 'in_time') return 'pass';
  if (ack === 'late' || ack === 'not_acked') return 'fail';
  return 'none';
}

function whereOf(item: DrillReportItem, siteId: string, index: FacilityIndex, locale: Locale): ReportRow['where'] {
  const { expectation, alarm } = item;
  const sensorId = alarm?.sensorId ?? expectation.sensorId;
  if (sensorId === undefined) {
    const zoneId = expectation.zoneId ?? '';
    return { kind: 'zone', zone: index.zoneOf(siteId, zoneId)?.zone.name ?? zoneId };
  }
  const sensor = index.sensorsById.get(sensorId);
  const zoneId = alarm?.zoneId ?? sensor?.zoneId ?? expectation.zoneId;
  const zone = zoneId === undefined ? null : (index.zoneOf(alarm?.siteId ?? sensor?.siteId ?? siteId, zoneId)?.zone.name ?? zoneId);
  return { kind: 'sensor', name: alarm ? alarmSubject(alarm, index, locale) : sensor?.name || sensorId, id: sensorId, zone };
}

/** The report's score, with what it adds up to. */
export type ScoreSummary = DrillReport['score'] & {
  /** Nothing judged failed: none missed, every raised alarm displayed in time, every judged acknowledgement in time. */
  met: boolean;
  /** Everything was judged: nothing pending, nothing (not even an acknowledgement target) cut short by an early end. */
  complete: boolean;
};

export function scoreSummary(report: DrillReport): ScoreSummary {
  const s = report.score;
  const met = s.missed === 0 && s.displayedInTime === s.raised && s.ackedInTime === s.acksJudged;
  const complete = s.pending === 0 && s.notPlayed === 0 && s.acksJudged === s.raised;
  return { ...s, met, complete };
}

export interface UnexpectedRow {
  id: string;
  where: string;
  condition: Condition;
  priority: Priority;
  raisedAt: number;
  ackS: number | null;
  ackedBy: string | null;
}

export function unexpectedRows(alarms: readonly Alarm[], index: FacilityIndex, locale: Locale): UnexpectedRow[] {
  return alarms.map((a) => ({
    id: a.id,
    where: alarmSubject(a, index, locale),
    condition: a.condition,
    priority: a.priority,
    raisedAt: a.raisedAt,
    ackS: a.ackedAt === null ? null : (a.ackedAt - a.raisedAt) / 1000,
    ackedBy: a.ackedBy,
  }));
}

/** How long the drill ran (or has run so far). */
export function drillDurationMs(drill: Drill, now: number): number {
  return Math.max(0, (drill.endedAt ?? now) - drill.startedAt);
}

/**
 * The notes of a running drill's scenario that have been reached, latest last: scenario seconds
 * run `speed` times faster than the clock from the drill's start.
 */
export function notesReached<N extends { at: number }>(notes: readonly N[], drill: Pick<Drill, 'startedAt' | 'speed'>, now: number): N[] {
  const scenarioS = ((now - drill.startedAt) / 1000) * drill.speed;
  return notes.filter((n) => n.at <= scenarioS);
}
