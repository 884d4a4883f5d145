/** `GET /api/reports/kpis?from=&to=&site=` (managers: `report.view`): alarm-system performance KPIs, drills excluded. */
import type { KpiReport } from '../../../contract/kpi.ts';
import { request } from './api.client.ts';

export function fetchKpis(from: number, to: number, site: string | null, signal?: AbortSignal): Promise<KpiReport> {
  const query = new URLSearchParams({ from: String(from), to: String(to) });
  if (site !== null) query.set('site', site);
  return request<KpiReport>(`/api/reports/kpis?${query.toString()}`, { signal });
}
