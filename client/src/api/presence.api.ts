/** Presence in hazard zones and the fire muster (contract/presence.ts, docs/contracts.md#presence-in-hazard-zones). */
import type { AlarmPresenceResponse, MusterResponse } from '../../../contract/presence.ts';
import { postJson, request } from './api.client.ts';

const alarmPath = (alarmId: string): string => encodeURIComponent(alarmId);

export function fetchAlarmPresence(alarmId: string, signal?: AbortSignal): Promise<AlarmPresenceResponse> {
  return request<AlarmPresenceResponse>(`/api/presence/alarms/${alarmPath(alarmId)}`, { signal });
}

export function fetchMuster(alarmId: string, signal?: AbortSignal): Promise<MusterResponse> {
  return request<MusterResponse>(`/api/muster/${alarmPath(alarmId)}`, { signal });
}

export function markAccounted(alarmId: string, key: string): Promise<MusterResponse> {
  return postJson<MusterResponse>(`/api/muster/${alarmPath(alarmId)}/accounted`, { key });
}
