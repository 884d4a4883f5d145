/** Sensor maintenance (contract/api.ts): `POST|DELETE /api/sensors/:id/out-of-service` (sensor.out_of_service). */
import type { SensorLiveState } from '../../../contract/alarm.ts';
import type { SensorEventsResponse } from '../../../contract/api.ts';
import { postJson, request } from './api.client.ts';

/** `POST /api/sensors/:id/out-of-service {reason, until}` (sensor.out_of_service); `until` epoch ms. */
export async function takeOutOfService(sensorId: string, reason: string, until: number): Promise<SensorLiveState> {
  const res = await postJson<{ sensor: SensorLiveState }>(`/api/sensors/${encodeURIComponent(sensorId)}/out-of-service`, { reason, until });
  return res.sensor;
}

/** `DELETE /api/sensors/:id/out-of-service` (sensor.out_of_service). */
export async function returnToService(sensorId: string): Promise<SensorLiveState> {
  const res = await request<{ sensor: SensorLiveState }>(`/api/sensors/${encodeURIComponent(sensorId)}/out-of-service`, { method: 'DELETE' });
  return res.sensor;
}

/** `GET /api/sensors/:id/events?from=&to=` (alarm.view): the door timeline, newest first. */
export function fetchSensorEvents(sensorId: string, from: number, to: number, signal?: AbortSignal): Promise<SensorEventsResponse> {
  const q = new URLSearchParams({ from: String(Math.round(from)), to: String(Math.round(to)) });
  return request<SensorEventsResponse>(`/api/sensors/${encodeURIComponent(sensorId)}/events?${q.toString()}`, { signal });
}
