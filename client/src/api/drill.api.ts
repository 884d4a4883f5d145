/** Drill routes (contract/drill.ts): list, start, end, report. */
import type { Drill, DrillListResponse, DrillReport, DrillStartBody } from '../../../contract/drill.ts';
import { postJson, request } from './api.client.ts';

/** `GET /api/drills` (alarm.view): the recorded drills, newest first, and the scenarios a drill may run. */

export function fetchDrills(signal?: AbortSignal): Promise<DrillListResponse> {
  return request<DrillListResponse>('/api/drills', { signal });
}

/** The dashboard always asks the server to run the scenario (`run: true`); the CLI registers its own. */
export type DrillRunRequest = Pick<DrillStartBody, 'scenario' | 'siteId' | 'speed'>;

/** `POST /api/drills` (drill.run) → 201 `{ drill }`. */
export async function startDrill(body: DrillRunRequest): Promise<Drill> {
  const res = await postJson<{ drill: Drill }>('/api/drills', { ...body, run: true });
  return res.drill;
}

/** `POST /api/drills/:id/end` (drill.run) → `{ drill }`; ending an ended drill answers it as it is. */
export async function endDrill(drillId: string): Promise<Drill> {
  const res = await postJson<{ drill: Drill }>(`/api/drills/${encodeURIComponent(drillId)}/end`, {});
  return res.drill;
}

/** `GET /api/drills/:id/report` (report.view). */
export function fetchDrillReport(drillId: string, signal?: AbortSignal): Promise<DrillReport> {
  return request<DrillReport>(`/api/drills/${encodeURIComponent(drillId)}/report`, { signal });
}
