/** The alarm log's filter and sort, and the `GET /api/alarms` query they become (contract/api.ts). */
import type { AlarmState, Priority } from '../../../contract/alarm.ts';
import type { AlarmSortColumn, SortOrder } from '../../../contract/api.ts';
import type { SensorKind } from '../../../contract/facility.ts';

export type DrillFilter = 'include' | 'exclude' | 'only';
export type StateFilter = '' | AlarmState | 'open' | 'closed';

export interface LogFilter {
  /** Epoch ms. */
  from: number;
  to: number;
  site: string;
  zone: string;
  /** A sensor id; '' for any. */
  sensor: string;
  kind: '' | SensorKind;
  priority: '' | Priority;
  state: StateFilter;
  drill: DrillFilter;
}

export const PAGE_SIZE = 50;

/** The server sorts the whole result (not just the page shown), so paging and the CSV export agree with the table. */
export interface LogSort {
  column: AlarmSortColumn;
  dir: SortOrder;
}
/** The server's own order: newest first. */
export const DEFAULT_SORT: LogSort = { column: 'raised', dir: 'desc' };

/** A click on a column's header: the same column flips, another starts descending. */
export function nextSort(current: LogSort, column: AlarmSortColumn): LogSort {
  return current.column === column ? { column, dir: current.dir === 'asc' ? 'desc' : 'asc' } : { column, dir: 'desc' };
}

export function defaultFilter(now: number): LogFilter {
  return { from: now - 7 * 86_400_000, to: now, site: '', zone: '', sensor: '', kind: '', priority: '', state: '', drill: 'include' };
}

/** Only the filters that are set are sent; `drill=include` and the default sort are the API's defaults and are left out too. */
export function logQuery(filter: LogFilter, sort: LogSort, offset: number, limit = PAGE_SIZE): URLSearchParams {
  const q = new URLSearchParams({ from: String(Math.round(filter.from)), to: String(Math.round(filter.to)) });
  if (filter.site) q.set('site', filter.site);
  if (filter.site && filter.zone) q.set('zone', filter.zone);
  if (filter.sensor) q.set('sensor', filter.sensor);
  if (filter.kind) q.set('kind', filter.kind);
  if (filter.priority) q.set('priority', filter.priority);
  if (filter.state) q.set('state', filter.state);
  if (filter.drill !== 'include') q.set('drill', filter.drill);
  if (sort.column !== DEFAULT_SORT.column || sort.dir !== DEFAULT_SORT.dir) {
    q.set('sort', sort.column);
    q.set('order', sort.dir);
  }
  q.set('limit', String(limit));
  q.set('offset', String(offset));
  return q;
}

export interface PageInfo {
  /** 1-based row numbers shown, 0 when empty. */
  first: number;
  last: number;
  hasPrev: boolean;
  hasNext: boolean;
}

export function pageInfo(offset: number, shown: number, total: number): PageInfo {
  return { first: shown === 0 ? 0 : offset + 1, last: offset + shown, hasPrev: offset > 0, hasNext: offset + shown < total };
}
