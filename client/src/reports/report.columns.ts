/**
 * What the Reports page shows, as data: the figure columns every table shares and the ranges on
 * offer. A new figure (a KPI) is one more entry in COLUMNS with its message keys; the tables
 * render whatever is listed.
 */
import type { AlarmStatsRow } from '../../../contract/api.ts';
import type { MessageKey } from '../i18n/dictionary.ts';

export interface Column {
  /** Header text. */
  label: MessageKey;
  /** Header tooltip: what the figure means. */
  hint: MessageKey;
  value: (row: AlarmStatsRow) => number | null;
  kind: 'count' | 'seconds';
}

export const COLUMNS: readonly Column[] = [
  { label: 'reports.col.alarms', hint: 'reports.hint.alarms', value: (r) => r.alarms, kind: 'count' },
  { label: 'reports.col.critical', hint: 'reports.hint.critical', value: (r) => r.critical, kind: 'count' },
  { label: 'reports.col.medianAck', hint: 'reports.hint.medianAck', value: (r) => r.medianAckS, kind: 'seconds' },
  { label: 'reports.col.p90Ack', hint: 'reports.hint.p90Ack', value: (r) => r.p90AckS, kind: 'seconds' },
  { label: 'reports.col.medianResolve', hint: 'reports.hint.medianResolve', value: (r) => r.medianResolveS, kind: 'seconds' },
  { label: 'reports.col.unacknowledged', hint: 'reports.hint.unacknowledged', value: (r) => r.unacknowledged, kind: 'count' },
  { label: 'reports.col.escalated', hint: 'reports.hint.escalated', value: (r) => r.escalated, kind: 'count' },
  { label: 'reports.col.chattering', hint: 'reports.hint.chattering', value: (r) => r.chattering, kind: 'count' },
];

/** A column's cell: counts as they are, times as a duration, "–" where there is nothing to measure. */
export function cellText(column: Column, row: AlarmStatsRow, duration: (ms: number) => string): string {
  const v = column.value(row);
  if (v === null) return '–';
  return column.kind === 'seconds' ? duration(v * 1000) : String(v);
}

export const RANGES = ['24h', '7d', '30d', '90d'] as const;
export type RangeKey = (typeof RANGES)[number];
const RANGE_MS: Readonly<Record<RangeKey, number>> = { '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000, '90d': 90 * 86_400_000 };

/** The window a preset covers, ending now. */
export function rangeOf(key: RangeKey, now: number): { from: number; to: number } {
  return { from: now - RANGE_MS[key], to: now };
}
