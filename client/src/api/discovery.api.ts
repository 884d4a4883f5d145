/** Devices found on the gateways (contract/discovery.ts): `GET /api/discovery` (admin.devices). */
import type { DiscoveryResponse } from '../../../contract/discovery.ts';
import { request } from './api.client.ts';

export function fetchDiscovery(signal?: AbortSignal): Promise<DiscoveryResponse> {
  return request<DiscoveryResponse>('/api/discovery', { signal });
}
