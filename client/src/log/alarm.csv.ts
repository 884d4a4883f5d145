/**
 * CSV export of the alarm log (for the facility manager). RFC 4180 quoting, CRLF
 * line ends and a UTF-8 byte-order mark so spreadsheet programs read Chinese names correctly.
 * Text from devices, config and users is neutralised against formula injection (OWASP "CSV
 * Injection"): a cell that starts with = + - @ or a control character gets a leading apostrophe.
 */
import type { Alarm } from '../../../contract/alarm.ts';

const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell: numbers as they are, text quoted when needed and defused when it looks like a formula. */
export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(cells: readonly (string | number | boolean | null | undefined)[]): string {
  return cells.map(csvCell).join(',');
}

/** A column of an exported table: its name in the header, and how a row gives its cell. */
export type CsvColumn<T> = readonly [string, (row: T) => string | number | boolean | null];

/** A whole file: the header, one CRLF line per row, and a byte-order mark for spreadsheet programs. */
export function csvTable<T>(columns: readonly CsvColumn<T>[], rows: readonly T[]): string {
  const lines = [csvLine(columns.map(([name]) => name)), ...rows.map((r) => csvLine(columns.map(([, get]) => get(r))))];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
const seconds = (from: number, to: number | null): number | null => (to === null ? null : Math.round((to - from) / 1000));

const COLUMNS: readonly CsvColumn<Alarm>[] = [
  ['id', (a) => a.id],
  ['raised_utc', (a) => iso(a.raisedAt)],
  ['site', (a) => a.siteId],
  ['zone', (a) => a.zoneId],
  ['sensor_id', (a) => a.sensorId],
  ['sensor_name', (a) => a.sensorName],
  ['sensor_kind', (a) => a.sensorKind],
  ['condition', (a) => a.condition],
  ['class', (a) => a.class],
  ['priority', (a) => a.priority],
  ['state', (a) => a.state],
  ['drill', (a) => a.drill],
  ['value', (a) => a.lastValue],
  ['peak', (a) => a.peakValue],
  ['unit', (a) => a.unit],
  ['acked_utc', (a) => iso(a.ackedAt)],
  ['acked_by', (a) => a.ackedBy],
  ['time_to_ack_s', (a) => seconds(a.raisedAt, a.ackedAt)],
  ['cleared_utc', (a) => iso(a.clearedAt)],
  ['closed_utc', (a) => iso(a.closedAt)],
  ['time_to_close_s', (a) => seconds(a.raisedAt, a.closedAt)],
  ['assigned_to', (a) => a.assignedTo],
  ['escalation_level', (a) => a.escalationLevel],
  ['cause_category', (a) => a.resolution?.causeCategory ?? null],
  ['cause', (a) => a.resolution?.cause ?? null],
  ['corrective_action', (a) => a.resolution?.correctiveAction ?? null],
  ['resolved_by', (a) => a.resolution?.by ?? null],
  ['message', (a) => a.message],
];

export function alarmsCsv(alarms: readonly Alarm[]): string {
  return csvTable(COLUMNS, alarms);
}
