/** The REST calls the dashboard makes; every error becomes an `ApiRequestError` with a code. */
import type { ApiError, HealthResponse, ReadingsResponse } from '../../../contract/api.ts';
import type { Facility, SensorState } from '../../../contract/facility.ts';

export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiRequestError';
  }
}

/** What to show of a failure: an Error's message, else the thrown value as text. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function isApiError(body: unknown): body is ApiError {
  if (typeof body !== 'object' || body === null || !('error' in body)) return false;
  const error = (body as { error: unknown }).error;
  return typeof error === 'object' && error !== null && 'code' in error && 'message' in error;
}

type UnauthorizedListener = () => void;
const unauthorizedListeners = new Set<UnauthorizedListener>();

/**
 * Called whenever the server answers 401 (session expired or revoked): the app goes back to the
 * login screen. Returns the unsubscribe function.
 */
export function onUnauthorized(listener: UnauthorizedListener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export interface RequestOptions extends RequestInit {
  /** Statuses whose body is an answer, not an error (health's 503). */
  acceptStatus?: number[];
  /** A 401 is expected here (login, "who am I"): do not announce a lost session. */
  quietUnauthorized?: boolean;
}

export async function request<T>(path: string, init?: RequestOptions): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, { credentials: 'same-origin', ...init, headers: { Accept: 'application/json', ...init?.headers } });
  } catch (err) {
    throw new ApiRequestError(0, 'network', messageOf(err));
  }
  const body: unknown = await res.json().catch((err: unknown) => {
    // Aborted while the body was read (a newer request replaced this one): that is no answer,
    // and must not reach the caller as a successful `null`.
    if (init?.signal?.aborted) throw err;
    return null;
  });
  if (res.status === 401 && !init?.quietUnauthorized) for (const l of unauthorizedListeners) l();
  if (res.ok || init?.acceptStatus?.includes(res.status)) return body as T;
  if (isApiError(body)) {
    // A refused body names each bad field in `details`: the forms show those, not just "invalid body".
    const { details } = body.error;
    const why = Array.isArray(details) && details.every((d) => typeof d === 'string') && details.length > 0 ? `: ${details.join('; ')}` : '';
    throw new ApiRequestError(res.status, body.error.code, body.error.message + why);
  }
  throw new ApiRequestError(res.status, 'http_error', `HTTP ${res.status} ${res.statusText}`.trim());
}

export function fetchFacility(signal?: AbortSignal): Promise<Facility> {
  return request<Facility>('/api/facility', { signal });
}

export function fetchSensors(signal?: AbortSignal): Promise<SensorState[]> {
  return request<SensorState[]>('/api/sensors', { signal });
}

/** 503 carries the same body naming the failing parts, so it is an answer, not an error. */
export function fetchHealth(signal?: AbortSignal): Promise<HealthResponse> {
  return request<HealthResponse>('/api/health', { signal, acceptStatus: [503] });
}

export function fetchReadings(sensorId: string, query: URLSearchParams, signal?: AbortSignal): Promise<ReadingsResponse> {
  return request<ReadingsResponse>(`/api/sensors/${encodeURIComponent(sensorId)}/readings?${query.toString()}`, { signal });
}

export function postJson<T>(path: string, body: object, options?: RequestOptions): Promise<T> {
  return request<T>(path, { ...options, method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}
