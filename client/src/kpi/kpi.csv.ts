/**
 * CSV export of the KPI page: one row per figure (section, site, sensor, alarm type, priority,
 * metric, value, note), so every table of the page fits one sheet a spreadsheet can pivot. Same
 * RFC 4180 quoting and formula-injection defence as the alarm log export (csvTable).
 */
import type { KpiLongAlarm, KpiRate, KpiReport, KpiResponseTime } from '../../../contract/kpi.ts';
import { csvTable, type CsvColumn } from '../log/alarm.csv.ts';

export interface KpiCsvRow {
  section: string;
  site: string | null;
  sensor: string | null;
  condition: string | null;
  priority: string | null;
  metric: string;
  value: string | number | null;
  note: string | null;
}

const COLUMNS: readonly CsvColumn<KpiCsvRow>[] = [
  ['section', (r) => r.section],
  ['site', (r) => r.site],
  ['sensor', (r) => r.sensor],
  ['condition', (r) => r.condition],
  ['priority', (r) => r.priority],
  ['metric', (r) => r.metric],
  ['value', (r) => r.value],
  ['note', (r) => r.note],
];

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
const row = (section: string, metric: string, value: KpiCsvRow['value'], more: Partial<KpiCsvRow> = {}): KpiCsvRow => ({
  section,
  site: null,
  sensor: null,
  condition: null,
  priority: null,
  note: null,
  ...more,
  metric,
  value,
});

const RATE_METRICS = ['alarms', 'avgPer10Min', 'peakPer10Min', 'avgPerHour', 'peakPerHour', 'slots', 'floodSlots', 'floodShare'] as const;
const rateRows = (site: string, r: KpiRate): KpiCsvRow[] => RATE_METRICS.map((m) => row('rate', m, r[m], { site }));
const longRows = (section: string, list: readonly KpiLongAlarm[]): KpiCsvRow[] =>
  list.map((a) =>
    row(section, 'durationS', a.durationS, { site: a.siteId, sensor: a.sensorId, condition: a.condition, priority: a.priority, note: `since ${iso(a.since)}` }),
  );
const timeRows = (section: string, list: readonly KpiResponseTime[]): KpiCsvRow[] =>
  list.flatMap((x) => (['count', 'medianS', 'p90S', 'targetS', 'withinTarget'] as const).map((m) => row(section, m, x[m], { priority: x.priority })));

export function kpiRows(k: KpiReport): KpiCsvRow[] {
  return [
    row('period', 'from', iso(k.from)),
    row('period', 'to', iso(k.to)),
    row('period', 'positions', k.positions),
    ...rateRows(k.siteId ?? '*', k.rate),
    ...(k.siteId === null ? k.sites.flatMap((s) => rateRows(s.siteId, s)) : []),
    ...k.topAlarms.map((a) => row('top', 'count', a.count, { site: a.siteId, sensor: a.sensorId, condition: a.condition, priority: a.priority })),
    ...k.chattering.map((a) =>
      row('chattering', 'maxPerMinute', a.maxPerMinute, { site: a.siteId, sensor: a.sensorId, condition: a.condition, priority: a.priority }),
    ),
    ...longRows('standing', k.standing),
    ...longRows('stale', k.stale),
    ...k.shelved.map((s) =>
      row('shelved', 'until', iso(s.until), { site: s.siteId, sensor: s.sensorId, condition: s.condition, note: `${s.reason} (${s.by})` }),
    ),
    ...k.outOfService.map((s) => row('outOfService', 'until', iso(s.until), { site: s.siteId, sensor: s.sensorId, note: `${s.reason} (${s.by})` })),
    ...timeRows('ack', k.ack),
    ...timeRows('resolve', k.resolve),
    ...k.priorities.map((p) => row('priority', 'share', p.share, { priority: p.priority, note: `${p.count} alarms` })),
    ...k.classes.map((c) => row('class', c.class, c.count, { note: `share ${c.share}` })),
    ...k.availability.map((a) =>
      row('availability', 'available', a.available, { site: a.siteId, sensor: a.sensorId, note: `${a.unavailableS} s offline or silent` }),
    ),
  ];
}

export function kpiCsv(k: KpiReport): string {
  return csvTable(COLUMNS, kpiRows(k));
}
