/** Alarm routes (contract/api.ts, comment above AlarmListResponse). */
import type { AlarmDetailResponse, AlarmListResponse, AuditEntry } from '../../../contract/api.ts';
import type { AlarmAction } from '../../../contract/alarm-actions.ts';
import type { ResolveWithFollowUpResponse } from '../../../contract/actions.ts';
import type { ResolveFollowUpDraft } from './actions.api.ts';
import { postJson, request } from './api.client.ts';

export function fetchAlarm(alarmId: string, signal?: AbortSignal): Promise<AlarmDetailResponse> {
  return request<AlarmDetailResponse>(`/api/alarms/${encodeURIComponent(alarmId)}`, { signal });
}

/** `GET /api/alarms?…&limit=&offset=`; the query is built by `log/log.query.ts`. */
export function fetchAlarms(query: URLSearchParams, signal?: AbortSignal): Promise<AlarmListResponse> {
  return request<AlarmListResponse>(`/api/alarms?${query.toString()}`, { signal });
}

/** `POST /api/alarms/:id/<action>` with the action's body; answers the alarm as it is now. */
/** `followUp` (resolve only): the corrective action the server opens in the same request, or refuses with the resolve. */
export function postAlarmAction(alarmId: string, action: AlarmAction, followUp?: ResolveFollowUpDraft): Promise<ResolveWithFollowUpResponse> {
  const { type, ...body } = action;
  return postJson<ResolveWithFollowUpResponse>(`/api/alarms/${encodeURIComponent(alarmId)}/${type}`, followUp ? { ...body, followUp } : body);
}

/** Acknowledge from the queue: the new state arrives as a live event, the answer is not needed. */
export function acknowledgeAlarm(alarmId: string): Promise<unknown> {
  return postAlarmAction(alarmId, { type: 'ack' });
}

/** `POST /api/incidents/:id/ack`: acknowledges every member of a flood incident. */
export function acknowledgeIncident(incidentId: string): Promise<unknown> {
  return postJson<unknown>(`/api/incidents/${encodeURIComponent(incidentId)}/ack`, {});
}

/** `GET /api/audit?from=&to=&limit=&target=` (managers: `audit.view`); `target` e.g. `alarm:<id>`. */
export function fetchAudit(from: number, to: number, limit: number, target: string, signal?: AbortSignal): Promise<AuditEntry[]> {
  const query = new URLSearchParams({ from: String(Math.round(from)), to: String(Math.round(to)), limit: String(limit), target });
  return request<AuditEntry[]>(`/api/audit?${query.toString()}`, { signal });
}
