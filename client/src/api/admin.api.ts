/**
 * Administration (admins): accounts and sessions (`admin.users`), device and gateway MQTT
 * credentials and HTTP ingest API keys (`admin.devices`). The server writes the audit entry for
 * each change, the same ones the command line writes. Secrets are in a creation answer only.
 * Every state change goes out as JSON: the server refuses form bodies from the browser.
 */
import type { Role, SessionView, UserAdminView } from '../../../contract/auth.ts';
import type {
  ApiKeyCreatedResponse,
  ApiKeyScope,
  ApiKeyView,
  DeviceCreatedResponse,
  DeviceView,
  GatewayCredentialCreatedResponse,
  GatewayCredentialView,
} from '../../../contract/devices.ts';
import { postJson, request } from './api.client.ts';

const path = (...parts: string[]): string => parts.map(encodeURIComponent).join('/');
const remove = <T>(url: string): Promise<T> => request<T>(url, { method: 'DELETE' });

export const fetchUsers = (signal?: AbortSignal) => request<UserAdminView[]>('/api/users', { signal });
export const createUser = (body: { username: string; displayName?: string; role: Role; password: string }) => postJson<UserAdminView>('/api/users', body);
export type UserAction = 'disable' | 'enable' | 'unlock';
export const userAction = (username: string, action: UserAction) => postJson<UserAdminView>(`/api/users/${path(username, action)}`, {});
export const resetPassword = (username: string, password: string) => postJson<UserAdminView>(`/api/users/${path(username, 'reset-password')}`, { password });

export const fetchSessions = (signal?: AbortSignal) => request<SessionView[]>('/api/sessions', { signal });
export const revokeSession = (id: number) => remove<null>(`/api/sessions/${id}`);

export const fetchDevices = (signal?: AbortSignal) => request<DeviceView[]>('/api/devices', { signal });
export const addDevice = (sensorId: string) => postJson<DeviceCreatedResponse>('/api/devices', { sensorId });
export const revokeDevice = (sensorId: string) => remove<DeviceView>(`/api/devices/${path(sensorId)}`);

export const fetchGatewayCredentials = (signal?: AbortSignal) => request<GatewayCredentialView[]>('/api/gateway-credentials', { signal });
export const addGatewayCredential = (gatewayId: string) => postJson<GatewayCredentialCreatedResponse>('/api/gateway-credentials', { gatewayId });
export const revokeGatewayCredential = (gatewayId: string) => remove<GatewayCredentialView>(`/api/gateway-credentials/${path(gatewayId)}`);

export const fetchApiKeys = (signal?: AbortSignal) => request<ApiKeyView[]>('/api/apikeys', { signal });
export const createApiKey = (name: string, scope: ApiKeyScope) => postJson<ApiKeyCreatedResponse>('/api/apikeys', { name, ...scope });
export const revokeApiKey = (id: string) => remove<ApiKeyView>(`/api/apikeys/${path(id)}`);
