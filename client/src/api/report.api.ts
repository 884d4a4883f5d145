/** `GET /api/reports/alarms?from=&to=&site=` (managers: `report.view`): alarm statistics, drills excluded. */
import type { AlarmStatsResponse } from '../../../contract/api.ts';
import { request } from './api.client.ts';

export function fetchAlarmStats(from: number, to: number, site: string | null, signal?: AbortSignal): Promise<AlarmStatsResponse> {
  const query = new URLSearchParams({ from: String(from), to: String(to), drill: 'exclude' });
  if (site !== null) query.set('site', site);
  return request<AlarmStatsResponse>(`/api/reports/alarms?${query.toString()}`, { signal });
}
