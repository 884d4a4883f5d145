/**
 * The rows the log shows: the fetched page, with any newer copy of an alarm the officer just
 * changed (the detail pane reports it), sorted by the column chosen.
 */
import { PRIORITIES, type Alarm } from '../../../contract/alarm.ts';

export const SORT_COLUMNS = ['raised', 'priority', 'alarm', 'sensor', 'state', 'acked', 'closed', 'cause'] as const;
export type SortColumn = (typeof SORT_COLUMNS)[number];
export interface LogSort {
  column: SortColumn;
  dir: 'asc' | 'desc';
}
/** The server's own order: newest first. */
export const DEFAULT_SORT: LogSort = { column: 'raised', dir: 'desc' };

/** A newer copy wins over the fetched row; an older one (a stale event) never does. */
export function withNewer(rows: readonly Alarm[], newer: ReadonlyMap<string, Alarm>): Alarm[] {
  return rows.map((a) => {
    const n = newer.get(a.id);
    return n !== undefined && n.updatedAt >= a.updatedAt ? n : a;
  });
}

type Key = number | string | null;
const KEY: Record<SortColumn, (a: Alarm) => Key> = {
  raised: (a) => a.raisedAt,
  // Most urgent first when descending.
  priority: (a) => PRIORITIES.length - PRIORITIES.indexOf(a.priority),
  alarm: (a) => a.condition,
  sensor: (a) => a.sensorName || a.sensorId,
  state: (a) => a.state,
  acked: (a) => (a.ackedAt === null ? null : a.ackedAt - a.raisedAt),
  closed: (a) => a.closedAt,
  cause: (a) => a.resolution?.causeCategory ?? (a.resolution ? '' : null),
};

/** Stable sort; rows without a value (not acknowledged, not closed) go last either way. */
export function sortRows(rows: readonly Alarm[], sort: LogSort): Alarm[] {
  const key = KEY[sort.column];
  const sign = sort.dir === 'asc' ? 1 : -1;
  return rows
    .map((a, i) => ({ a, i, k: key(a) }))
    .sort((x, y) => {
      if (x.k === null || y.k === null) return x.k === y.k ? x.i - y.i : x.k === null ? 1 : -1;
      const c = typeof x.k === 'number' && typeof y.k === 'number' ? x.k - y.k : String(x.k).localeCompare(String(y.k));
      return c !== 0 ? sign * c : x.i - y.i;
    })
    .map((r) => r.a);
}

/** A click on a column's header: the same column flips, another starts descending. */
export function nextSort(current: LogSort, column: SortColumn): LogSort {
  return current.column === column ? { column, dir: current.dir === 'asc' ? 'desc' : 'asc' } : { column, dir: 'desc' };
}
