/** Sessions: `POST /api/auth/login`, `POST /api/auth/logout`, `GET /api/auth/me`. */
import type { AuthConfigResponse, SessionInfo } from '../../../contract/auth.ts';
import { ApiRequestError, postJson, request } from './api.client.ts';

/** The current session, or null when there is none (401). */
export async function fetchSession(signal?: AbortSignal): Promise<SessionInfo | null> {
  try {
    return await request<SessionInfo>('/api/auth/me', { signal, quietUnauthorized: true });
  } catch (err) {
    if (err instanceof ApiRequestError && err.status === 401) return null;
    throw err;
  }
}

export function login(username: string, password: string): Promise<SessionInfo> {
  return postJson<SessionInfo>('/api/auth/login', { username, password }, { quietUnauthorized: true });
}

export async function logout(): Promise<void> {
  await postJson<unknown>('/api/auth/logout', {}, { quietUnauthorized: true });
}

/** `GET /api/auth/config`: whether the server runs in demo mode, and its demo accounts. Null when unknown. */
export async function fetchAuthConfig(signal?: AbortSignal): Promise<AuthConfigResponse | null> {
  try {
    return await request<AuthConfigResponse>('/api/auth/config', { signal, quietUnauthorized: true });
  } catch {
    // An older server, or none: then there is simply no hint.
    return null;
  }
}
