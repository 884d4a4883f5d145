/** CSV export of corrective actions, with the alarm log's RFC 4180 and formula-injection rules (log/alarm.csv.ts). */
import type { CorrectiveAction } from '../../../contract/actions.ts';
import { csvLine } from '../log/alarm.csv.ts';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

const COLUMNS: readonly [string, (a: CorrectiveAction) => string | number | boolean | null][] = [
  ['id', (a) => a.id],
  ['status', (a) => a.status],
  ['overdue', (a) => a.overdue],
  ['severity', (a) => a.severity],
  ['site', (a) => a.siteId],
  ['zone', (a) => a.zoneId],
  ['sensor_id', (a) => a.sensorId],
  ['alarm_id', (a) => a.alarmId],
  ['cause_category', (a) => a.causeCategory],
  ['finding', (a) => a.finding],
  ['action', (a) => a.action],
  ['owner', (a) => a.owner],
  ['due_utc', (a) => iso(a.dueAt)],
  ['escalation_level', (a) => a.escalationLevel],
  ['created_by', (a) => a.createdBy],
  ['created_utc', (a) => iso(a.createdAt)],
  ['closed_utc', (a) => iso(a.closedAt)],
];

export function actionsCsv(actions: readonly CorrectiveAction[]): string {
  const lines = [csvLine(COLUMNS.map(([name]) => name)), ...actions.map((a) => csvLine(COLUMNS.map(([, get]) => get(a))))];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
