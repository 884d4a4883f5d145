import { describe, expect, it } from 'vitest';
import type { AlarmStatsRow } from '../../../contract/api.ts';
import { cellText, COLUMNS, rangeOf } from './report.columns.ts';

const row: AlarmStatsRow = {
  siteId: 'hq',
  zoneId: 'kitchen',
  alarms: 4,
  critical: 1,
  medianAckS: 12.5,
  p90AckS: null,
  medianResolveS: 600,
  unacknowledged: 0,
  escalated: 2,
  chattering: 0,
};
const duration = (ms: number) => `${ms}ms`;
const column = (label: string) => COLUMNS.find((c) => c.label === label)!;

describe('report cells', () => {
  it('shows counts as they are and times as durations', () => {
    expect(cellText(column('reports.col.alarms'), row, duration)).toBe('4');
    expect(cellText(column('reports.col.escalated'), row, duration)).toBe('2');
    expect(cellText(column('reports.col.medianAck'), row, duration)).toBe('12500ms');
    expect(cellText(column('reports.col.medianResolve'), row, duration)).toBe('600000ms');
  });

  it('shows a dash, not zero, where nothing was acknowledged to measure', () => {
    expect(cellText(column('reports.col.p90Ack'), row, duration)).toBe('–');
    // zero is a measurement, not "nothing"
    expect(cellText(column('reports.col.unacknowledged'), row, duration)).toBe('0');
  });

  it('covers every figure of a row', () => {
    expect(COLUMNS.map((c) => c.value(row))).toEqual([4, 1, 12.5, null, 600, 0, 2, 0]);
  });

  it('ends a range now', () => {
    expect(rangeOf('7d', 1_000_000_000_000)).toEqual({ from: 1_000_000_000_000 - 7 * 86_400_000, to: 1_000_000_000_000 });
  });
});
