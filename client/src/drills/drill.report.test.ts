import { describe, expect, it } from 'vitest';
import { DRILL_TARGETS, type DrillReportItem } from '../../../contract/drill.ts';
import { indexFacility } from '../domain/facility.index.ts';
import { translator } from '../i18n/dictionary.ts';
import { makeAlarm, makeDrill, makeDrillReport, makeFacility, missedItem, T0 } from '../../../test/support/client.fixtures.ts';
import {
  ackTargetS,
  drillDurationMs,
  formatSeconds,
  formatTarget,
  MARK_SYMBOL,
  notesReached,
  reportRows,
  scoreSummary,
  unexpectedRows,
} from './drill.report.ts';

const en = translator('en');
const zh = translator('zh');
const index = indexFacility(makeFacility());

/** A raised expectation, with the flags the server would set for these timings. */
function raisedItem(opts: {
  displayS: number | null;
  ackS: number | null;
  priority?: 'critical' | 'high';
  by?: string;
  resolvedS?: number | null;
  /** How the server judged a missing acknowledgement (default: its target passed). */
  unacked?: 'not_acked' | 'pending' | 'not_played';
}): DrillReportItem {
  const priority = opts.priority ?? 'critical';
  const alarm = makeAlarm({
    id: `al-${priority}-${opts.displayS}-${opts.ackS}`,
    priority,
    drill: 'drill-x',
    ackedAt: opts.ackS === null ? null : T0 + opts.ackS * 1000,
    ackedBy: opts.ackS === null ? null : (opts.by ?? 'officer'),
  });
  const ackLimit = priority === 'critical' ? DRILL_TARGETS.criticalAckS : DRILL_TARGETS.ackS;
  const ackOk = opts.ackS !== null && opts.ackS <= ackLimit;
  return {
    expectation: { sensorId: 'KIT-GAS-01', condition: 'gas', priority },
    outcome: 'raised',
    dueAt: null,
    raised: true,
    alarm,
    triggerAt: opts.displayS === null ? null : T0 - opts.displayS * 1000,
    displayedAt: T0,
    displayS: opts.displayS,
    ackedBy: alarm.ackedBy,
    ackS: opts.ackS,
    resolvedS: opts.resolvedS ?? null,
    displayOk: opts.displayS !== null && opts.displayS <= DRILL_TARGETS.displayS,
    ackOk,
    ack: opts.ackS === null ? (opts.unacked ?? 'not_acked') : ackOk ? 'in_time' : 'late',
    closedByDrillEnd: false,
  };
}

describe('drill report durations', () => {
  it('shows hundredths below a second and tenths below a minute, so a 40 ms display is not "0.0 s"', () => {
    expect(formatSeconds(0.043, en)).toBe('0.04 s');
    expect(formatSeconds(0.003, en)).toBe('< 0.01 s');
    expect(formatSeconds(0, en)).toBe('< 0.01 s');
    expect(formatSeconds(0.996, en)).toBe('1.0 s');
    expect(formatSeconds(9.96, en)).toBe('10.0 s');
    expect(formatSeconds(12.34, en)).toBe('12.3 s');
  });
  it('switches to minutes from a minute on, never printing "60.0 s" or "59 s" for 59.97 s', () => {
    expect(formatSeconds(59.97, en)).toBe('1 min');
    expect(formatSeconds(75, en)).toBe('1 min 15 s');
    expect(formatSeconds(3 * 3600 + 120, en)).toBe('3 h 2 min');
  });
  it('prints a dash when there is nothing to time, and never a negative figure', () => {
    expect(formatSeconds(null, en)).toBe('—');
    expect(formatSeconds(Number.NaN, en)).toBe('—');
    expect(formatSeconds(-0.2, en)).toBe('< 0.01 s'); // device clock a little ahead of the server's
  });
  it('speaks Chinese too', () => {
    expect(formatSeconds(2.5, zh)).toBe('2.5秒');
    expect(formatSeconds(75, zh)).toBe('1分钟15秒');
    expect(formatTarget(DRILL_TARGETS.criticalAckS, zh)).toBe('1分钟');
  });
  it('prints the targets as the dashboard prints durations', () => {
    expect(formatTarget(DRILL_TARGETS.displayS, en)).toBe('10 s');
    expect(formatTarget(DRILL_TARGETS.ackS, en)).toBe('5 min');
  });
  it('measures a running drill up to now and an ended one up to its end', () => {
    expect(drillDurationMs(makeDrill({ endedAt: T0 + 90_000 }), T0 + 999_999)).toBe(90_000);
    expect(drillDurationMs(makeDrill({ endedAt: null, state: 'running' }), T0 + 42_000)).toBe(42_000);
  });
});

describe('drill report marks (DRILL_TARGETS)', () => {
  it('passes display at exactly 10 s and fails it above (NFPA 72 10.11.1: annunciate within 10 s)', () => {
    const [atLimit, over] = reportRows(makeDrillReport([raisedItem({ displayS: 10, ackS: 5 }), raisedItem({ displayS: 10.1, ackS: 5 })]), index, 'en');
    expect(atLimit?.display).toEqual({ seconds: 10, mark: 'pass' });
    expect(over?.display).toEqual({ seconds: 10.1, mark: 'fail' });
  });

  it('holds a critical acknowledgement to 60 s and a high one to 300 s, naming who acknowledged', () => {
    const rows = reportRows(
      makeDrillReport([
        raisedItem({ displayS: 1, ackS: 59, by: 'officer' }),
        raisedItem({ displayS: 1, ackS: 61 }),
        raisedItem({ displayS: 1, ackS: 120, priority: 'high' }),
      ]),
      index,
      'en',
    );
    expect(rows.map((r) => [r.ack.mark, r.ack.targetS])).toEqual([
      ['pass', 60],
      ['fail', 60],
      ['pass', 300],
    ]);
    expect(rows[0]?.ack.by).toBe('officer');
    expect(ackTargetS('critical', DRILL_TARGETS)).toBe(60);
    expect(ackTargetS(null, DRILL_TARGETS)).toBe(300);
  });

  it('fails a raised alarm nobody acknowledged', () => {
    const [row] = reportRows(makeDrillReport([raisedItem({ displayS: 2, ackS: null })]), index, 'en');
    expect(row?.ack).toMatchObject({ seconds: null, by: null, mark: 'fail', outcome: 'not_acked' });
  });

  it('does not fail an acknowledgement whose target has not passed yet, nor one the drill’s end cut short', () => {
    const rows = reportRows(
      makeDrillReport([raisedItem({ displayS: 2, ackS: null, unacked: 'pending' }), raisedItem({ displayS: 2, ackS: null, unacked: 'not_played' })]),
      index,
      'en',
    );
    expect(rows.map((r) => [r.ack.outcome, r.ack.mark])).toEqual([
      ['pending', 'none'],
      ['not_played', 'none'],
    ]);
  });

  it('marks a missed alarm MISSED once, without judging display or acknowledgement again', () => {
    const [row] = reportRows(makeDrillReport([missedItem({ zoneId: 'kitchen', condition: 'gas', priority: 'high' })]), index, 'en');
    expect(row).toMatchObject({ raised: false, raisedAt: null, priority: 'high', where: { kind: 'zone', zone: 'Hot kitchen' } });
    expect(row?.display.mark).toBe('none');
    expect(row?.ack.mark).toBe('none');
  });

  it('does not call a display time a failure when no trigger was found to time it from', () => {
    const [row] = reportRows(makeDrillReport([raisedItem({ displayS: null, ackS: 3 })]), index, 'en');
    expect(row?.display).toEqual({ seconds: null, mark: 'none' });
  });

  it('names the sensor and its zone, and notes a priority other than the expected one', () => {
    const item = raisedItem({ displayS: 1, ackS: 3 });
    const [row] = reportRows(makeDrillReport([{ ...item, expectation: { ...item.expectation, priority: 'high' } }]), index, 'en');
    expect(row?.where).toEqual({ kind: 'sensor', name: 'Kitchen gas detector', id: 'KIT-GAS-01', zone: 'Hot kitchen' });
    expect(row?.priority).toBe('critical');
    expect(row?.expectedPriority).toBe('high');
  });

  it('has a symbol for every mark, so pass and fail never rest on colour alone', () => {
    expect(MARK_SYMBOL).toEqual({ pass: '✓', fail: '✗', none: '—' });
  });
});

describe('drill score summary', () => {
  it('meets the targets only when every expected alarm was raised, displayed and acknowledged in time', () => {
    expect(scoreSummary(makeDrillReport([raisedItem({ displayS: 1, ackS: 10 })]))).toMatchObject({ percent: 100, met: true });
    const late = scoreSummary(makeDrillReport([raisedItem({ displayS: 1, ackS: 10 }), raisedItem({ displayS: 1, ackS: 90 })]));
    expect(late).toMatchObject({ expected: 2, raised: 2, ackedInTime: 1, percent: 83, met: false });
    const missed = scoreSummary(makeDrillReport([raisedItem({ displayS: 1, ackS: 10 }), missedItem({ sensorId: 'KIT-GAS-01', condition: 'gas_rise' })]));
    expect(missed).toMatchObject({ raised: 1, missed: 1, percent: 50, met: false });
  });
  it('counts a scenario with no expectations as met', () => {
    expect(scoreSummary(makeDrillReport([])).met).toBe(true);
  });
  it('scores a drill ended early on what it played, and says it is incomplete', () => {
    const notPlayed: DrillReportItem = { ...missedItem({ sensorId: 'KIT-GAS-01', condition: 'gas_rise' }), outcome: 'not_played' };
    const summary = scoreSummary(makeDrillReport([raisedItem({ displayS: 1, ackS: 10 }), notPlayed]));
    expect(summary).toMatchObject({ missed: 0, notPlayed: 1, percent: 100, met: true, complete: false });
    expect(scoreSummary(makeDrillReport([notPlayed]))).toMatchObject({ percent: null, complete: false });
  });
});

describe('coordinator notes', () => {
  it('shows the notes the scenario has reached, at the drill’s speed', () => {
    const notes = [
      { at: 0, text: 'A hose works loose' },
      { at: 150, text: 'The valve is shut' },
      { at: 270, text: 'Back to normal' },
    ];
    const drill = makeDrill({ state: 'running', endedAt: null, speed: 10 });
    expect(notesReached(notes, drill, T0).map((n) => n.at)).toEqual([0]);
    expect(notesReached(notes, drill, T0 + 14_999).map((n) => n.at)).toEqual([0]);
    expect(notesReached(notes, drill, T0 + 15_000).map((n) => n.at)).toEqual([0, 150]);
    expect(notesReached(notes, { ...drill, speed: 1 }, T0 + 15_000).map((n) => n.at)).toEqual([0]);
  });
});

describe('unexpected drill alarms', () => {
  it('lists sensor, condition, priority and acknowledgement time', () => {
    const alarm = makeAlarm({
      id: 'u1',
      sensorName: 'Steamer gas',
      condition: 'gas_rise',
      priority: 'medium',
      drill: 'drill-x',
      ackedAt: T0 + 4_500,
      ackedBy: 'officer',
    });
    expect(unexpectedRows([alarm], index, 'en')).toEqual([
      { id: 'u1', where: 'Steamer gas', condition: 'gas_rise', priority: 'medium', raisedAt: T0, ackS: 4.5, ackedBy: 'officer' },
    ]);
  });
});
