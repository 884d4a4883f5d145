/** Corrective action routes (contract/actions.ts). */
import type {
  ActionCounts,
  ActionCreateBody,
  ActionDetailResponse,
  ActionFilter,
  ActionListResponse,
  ActionMove,
  ActionPatchBody,
} from '../../../contract/actions.ts';
import { postJson, request } from './api.client.ts';

/** A body as the form has it: the due date absent when the input holds none, for the server to name. */
export type ActionDraftBody = Omit<ActionCreateBody, 'dueAt'> & { dueAt?: number };
/** The resolve form's follow-up: the alarm gives the place. */
export type ResolveFollowUpDraft = Omit<ActionDraftBody, 'alarmId' | 'siteId' | 'zoneId' | 'sensorId'>;

/** The detail plus the moves the signed-in user may make now. */
export type ActionDetail = ActionDetailResponse & { moves: ActionMove[] };

export interface ActionListFilters {
  filter: ActionFilter;
  site?: string;
  zone?: string;
}

/** `GET /api/actions` → newest first, with the counts. */
export function fetchActions(f: ActionListFilters, signal?: AbortSignal): Promise<ActionListResponse> {
  const q = new URLSearchParams({ filter: f.filter });
  if (f.site) q.set('site', f.site);
  if (f.zone) q.set('zone', f.zone);
  return request<ActionListResponse>(`/api/actions?${q.toString()}`, { signal });
}

export function fetchActionCounts(signal?: AbortSignal): Promise<ActionCounts> {
  return request<ActionCounts>('/api/actions/counts', { signal });
}

export function fetchAction(id: number, signal?: AbortSignal): Promise<ActionDetail> {
  return request<ActionDetail>(`/api/actions/${id}`, { signal });
}

/** `POST /api/actions` → 201 with the new action. */
export function openAction(body: ActionDraftBody): Promise<ActionDetail> {
  return postJson<ActionDetail>('/api/actions', body);
}

/** `PATCH /api/actions/:id`: a move, or a manager's change of owner or due date. */
export function changeAction(id: number, body: ActionPatchBody): Promise<ActionDetail> {
  return request<ActionDetail>(`/api/actions/${id}`, { method: 'PATCH', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}

/** `POST /api/actions/:id/attachments?name=`: the image file as the body (the server judges it by its bytes). */
export function uploadAttachment(id: number, file: File): Promise<ActionDetail> {
  return request<ActionDetail>(`/api/actions/${id}/attachments?name=${encodeURIComponent(file.name)}`, {
    method: 'POST',
    headers: { 'Content-Type': file.type || 'application/octet-stream' },
    body: file,
  });
}

export const attachmentUrl = (id: number, attachmentId: number): string => `/api/actions/${id}/attachments/${attachmentId}`;
