/** Shift handover routes (contract/handover.ts): list, open, sign, accept. */
import type { Handover, HandoverAcceptBody, HandoverListResponse, HandoverOpenBody, HandoverSignBody } from '../../../contract/handover.ts';
import { postJson, request } from './api.client.ts';

/** `GET /api/handovers?site=` (alarm.view): newest first; an open one carries its list as of now. */
export function fetchHandovers(siteId: string, signal?: AbortSignal): Promise<HandoverListResponse> {
  return request<HandoverListResponse>(`/api/handovers?site=${encodeURIComponent(siteId)}`, { signal });
}

const one = async (path: string, body: object): Promise<Handover> => (await postJson<{ handover: Handover }>(path, body)).handover;

/** `POST /api/handovers` (shift.handover) → 201. */
export const openHandover = (body: HandoverOpenBody): Promise<Handover> => one('/api/handovers', body);

/** `POST /api/handovers/:id/sign` (shift.handover): refused (409 SHELVED_UNDECIDED) until every shelved alarm has a decision. */
export const signHandover = (id: string, body: HandoverSignBody): Promise<Handover> => one(`/api/handovers/${encodeURIComponent(id)}/sign`, body);

/** `POST /api/handovers/:id/accept` (shift.handover): refused (403 SAME_OFFICER) to the officer who handed over. */
export const acceptHandover = (id: string, body: HandoverAcceptBody): Promise<Handover> => one(`/api/handovers/${encodeURIComponent(id)}/accept`, body);
