/** The audit trail (managers: `audit.view`): `GET /api/audit` pages and `GET /api/audit/verify`. */
import type { AuditEntry, AuditVerifyResponse } from '../../../contract/api.ts';
import { request } from './api.client.ts';

export function fetchAuditPage(query: URLSearchParams, signal?: AbortSignal): Promise<AuditEntry[]> {
  return request<AuditEntry[]>(`/api/audit?${query.toString()}`, { signal });
}

export function verifyAudit(signal?: AbortSignal): Promise<AuditVerifyResponse> {
  return request<AuditVerifyResponse>('/api/audit/verify', { signal });
}
