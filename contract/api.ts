/** Shapes of the REST API's answers, shared by server, dashboard and simulator. */
import { z } from 'zod';
import type { Facility, SensorState } from './facility.ts';

export interface HealthPart {
  ok: boolean;
  detail: string;
}
/** `GET /api/health`: 200 when every part is ok, else 503 naming the failing parts. */
export interface HealthResponse {
  ok: boolean;
  parts: { broker: HealthPart; influx: HealthPart; outbox: HealthPart & { depth: number } };
  uptimeS: number;
  version: string;
}

export type FacilityResponse = Facility;
export type SensorsResponse = SensorState[];

/** Query of `GET /api/sensors/:id/readings`; times are epoch ms or ISO 8601. */
export const readingsQuerySchema = z.object({
  from: z.union([z.coerce.number().int(), z.iso.datetime({ offset: true })]).optional(),
  to: z.union([z.coerce.number().int(), z.iso.datetime({ offset: true })]).optional(),
  /** Bucket width in seconds; chosen from the range when absent (about 500 points). */
  step: z.coerce.number().int().positive().optional(),
});

export type ReadingsResolution = 'raw' | '1m' | '1h';
export interface ReadingPoint {
  /** Epoch ms: the point's time, or the bucket start when aggregated. */
  t: number;
  /** Raw value, or the bucket mean. */
  value: number;
  min?: number;
  max?: number;
}
export interface ReadingsResponse {
  sensorId: string;
  unit: string | null;
  from: number;
  to: number;
  /** Bucket width in seconds; null for raw points. */
  stepS: number | null;
  resolution: ReadingsResolution;
  points: ReadingPoint[];
}

/** `GET /api/ingest/rejections` */
export interface RejectionsResponse {
  total: Record<string, number>;
  recent: import('./observation.ts').Rejection[];
}

/** Errors answer `{ error: { code, message, details? } }` with a matching HTTP status. */
export interface ApiError {
  error: { code: string; message: string; details?: unknown };
}
