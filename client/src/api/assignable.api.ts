/** `GET /api/users/assignable` (contract/auth.ts AssignableUser): whom Assign can pick. */
import type { AssignableUser } from '../../../contract/auth.ts';
import { request } from './api.client.ts';

export function fetchAssignableUsers(signal?: AbortSignal): Promise<AssignableUser[]> {
  return request<AssignableUser[]>('/api/users/assignable', { signal });
}
