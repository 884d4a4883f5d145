/** The periodic safety report (managers: `report.view`): kept reports, links to print them, the drill plan's overdue drills. */
import type { OverdueDrillsResponse, SafetyReportHistoryResponse, SafetyReportLang, SafetyReportPeriod } from '../../../contract/safety-report.ts';
import { request } from './api.client.ts';

export function fetchSafetyReports(site: string | null, signal?: AbortSignal): Promise<SafetyReportHistoryResponse> {
  const query = new URLSearchParams({ limit: '200' });
  if (site !== null) query.set('site', site);
  return request<SafetyReportHistoryResponse>(`/api/reports/safety/history?${query.toString()}`, { signal });
}

export function fetchOverdueDrills(site: string, signal?: AbortSignal): Promise<OverdueDrillsResponse> {
  return request<OverdueDrillsResponse>(`/api/reports/safety/overdue-drills?site=${encodeURIComponent(site)}`, { signal });
}

/** A kept report, printable (html) or as PDF, in the viewer's language. */
export function keptReportUrl(id: number, format: 'html' | 'pdf', lang: SafetyReportLang): string {
  return `/api/reports/safety/history/${id}?${new URLSearchParams({ format, lang }).toString()}`;
}

/** A report made now for the period holding `at` (the current one so far), or without `at` the last complete one. */
export function reportNowUrl(site: string, period: SafetyReportPeriod, at: number | null, format: 'html' | 'pdf', lang: SafetyReportLang): string {
  const query = new URLSearchParams({ site, period, format, lang });
  if (at !== null) query.set('at', String(at));
  return `/api/reports/safety?${query.toString()}`;
}
