/** The alarm log's filter and the `GET /api/alarms` query it becomes (contract/api.ts). */
import type { AlarmState, Priority } from '../../../contract/alarm.ts';
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

export function defaultFilter(now: number): LogFilter {
  return { from: now - 7 * 86_400_000, to: now, site: '', zone: '', sensor: '', kind: '', priority: '', state: '', drill: 'include' };
}

/** Only the filters that are set are sent; `drill=include` is the API's default and is left out too. */
export function logQuery(filter: LogFilter, offset: number, limit = PAGE_SIZE): URLSearchParams {
  const q = new URLSearchParams({ from: String(Math.round(filter.from)), to: String(Math.round(filter.to)) });
  if (filter.site) q.set('site', filter.site);
  if (filter.site && filter.zone) q.set('zone', filter.zone);
  if (filter.sensor) q.set('sensor', filter.sensor);
  if (filter.kind) q.set('kind', filter.kind);
  if (filter.priority) q.set('priority', filter.priority);
  if (filter.state) q.set('state', filter.state);
  if (filter.drill !== 'include') q.set('drill', filter.drill);
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
