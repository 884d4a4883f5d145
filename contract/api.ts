/** Shapes of the REST API's answers, shared by server, dashboard and simulator. */
import { z } from 'zod';
import type { Facility, SensorState } from './facility.ts';

export interface HealthPart {
  ok: boolean;
  detail: string;
}
/**
 * `GET /api/health` without a session (monitoring probes, the container health check): 200 when
 * every part is ok, else 503; each part's ok and a detail naming no address, count or version.
 */
export interface PublicHealthResponse {
  ok: boolean;
  /**
   * `drops`: not ok while the broker dropped messages in the last minutes (its count covers all its clients).
   * `redis`: only on a node configured with Redis (REDIS_URL); not ok while live events reach only this node's consoles.
   * `cluster`: only on a node of several (NODE_ID); not ok while a site has no node running its alarms and ingest.
   * `store`: only when the operational store needs the operator's attention (a PostgreSQL collation other than C).
   */
  parts: { broker: HealthPart; influx: HealthPart; outbox: HealthPart; drops: HealthPart; redis?: HealthPart; cluster?: HealthPart; store?: HealthPart };
}

/** A node of several: the sites it runs (lease token and time since its last renewal), the peers it hears, sites nobody runs. */
export interface ClusterHealth extends HealthPart {
  node: string;
  held: { site: string; token: number; ageMs: number }[];
  peers: string[];
  unheld: string[];
}
/**
 * `GET /api/health` for a signed-in user (`alarm.view`): the same, plus the broker's address, the
 * outbox depth, the messages the broker dropped since Vigil started, uptime and version.
 */
export interface HealthResponse extends PublicHealthResponse {
  parts: {
    broker: HealthPart;
    influx: HealthPart;
    outbox: HealthPart & { depth: number };
    drops: HealthPart & { dropped: number };
    redis?: HealthPart;
    cluster?: ClusterHealth;
    store?: HealthPart;
  };
  uptimeS: number;
  version: string;
}

/**
 * The latest time a request may name: 2100-01-01 UTC. A later one is a typo (20260 for 2026); it
 * would reach past the dates JavaScript and InfluxDB hold (a report period beyond them fails deep
 * inside) and show as an invalid date wherever it is stored, so it is refused up front.
 */
export const LATEST_TIME_MS = Date.UTC(2100, 0, 1);

/** A time in a query: epoch milliseconds or ISO 8601 with an offset, from 1970 to LATEST_TIME_MS. @example `?from=2026-01-01T00:00:00Z` */
export const queryTime = z
  .union([z.coerce.number().int(), z.iso.datetime({ offset: true }).transform((s) => Date.parse(s))])
  .pipe(z.number().min(0, 'must not be before 1970').max(LATEST_TIME_MS, 'must be before 2100'));

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

/**
 * `GET /api/sensors/:id/events?from=&to=` (`alarm.view`): the sensor's discrete events in the
 * range (default the last 24 h, at most 31 days), newest first, at most SENSOR_EVENTS_LIMIT — a
 * door's open / closed / granted / denied timeline with the badge.
 */
export interface SensorEventPoint {
  /** Epoch ms. */
  t: number;
  type: import('./observation.ts').EventType;
  /** Badge or credential, when the reader sent one. */
  credential?: string;
  detail?: string;
  /** Drill id when a drill played it. */
  drill?: string;
}
export interface SensorEventsResponse {
  sensorId: string;
  from: number;
  to: number;
  events: SensorEventPoint[];
  /** More events than SENSOR_EVENTS_LIMIT in the range: the oldest are left out. */
  truncated: boolean;
}
export const SENSOR_EVENTS_LIMIT = 500;
export const SENSOR_EVENTS_MAX_RANGE_MS = 31 * 86_400_000;

/** `GET /api/ingest/rejections` */
export interface RejectionsResponse {
  total: Record<string, number>;
  recent: import('./observation.ts').Rejection[];
}

/** Errors answer `{ error: { code, message, details? } }` with a matching HTTP status. */
export interface ApiError {
  error: { code: string; message: string; details?: unknown };
}

/**
 * Alarm routes:
 * - `GET /api/alarms?state=&site=&zone=&sensor=&priority=&kind=&from=&to=&drill=&sort=&order=&limit=&offset=` → AlarmListResponse
 *   (`drill`: `only` | `exclude` | `include` (default include); `state`: a state, or `open` / `closed`;
 *   `sort`: one of ALARM_SORT_COLUMNS (default `raised`), `order`: `asc` | `desc` (default `desc`))
 * - `GET /api/alarms/:id` → AlarmDetailResponse
 * - `POST /api/alarms/:id/{ack,comment,assign,shelve,unshelve,reset,resolve,sop_step}` with the body from
 *   ACTION_BODY_SCHEMAS → `{ alarm }`; 404 NOT_FOUND, 409 INVALID_TRANSITION / CONDITION_ACTIVE,
 *   400 for a bad body or SHELVE_TOO_LONG / REASON_REQUIRED, 401 without a session, 403 for the role
 * - `POST /api/incidents/:id/{ack,comment,assign,shelve,unshelve,reset,resolve}` → `{ incident }`
 * - `POST /api/sensors/:id/out-of-service` `{ reason, until }` (outOfServiceBodySchema), `DELETE /api/sensors/:id/out-of-service`
 * - `GET /api/users/assignable` → AssignableUser[] (`alarm.assign`)
 * - `GET /api/audit?from=&to=&limit=&before=&user=&action=&alarm=&target=` → AuditEntry[] (newest first;
 *   `user` is who acted, `action` an exact action or a family such as `user.*`, `alarm` an alarm id,
 *   `target` e.g. `user:<name>`; `before` an entry id, for the next page)
 * - `GET /api/audit/verify` → AuditVerifyResponse
 */
/**
 * Columns `GET /api/alarms` sorts by, over the whole filtered result (then `limit`/`offset` page it):
 * raise time, priority (descending = most urgent first), condition, sensor (its name, else its id),
 * state, time to acknowledge, close time, resolution cause. Alarms without the value (never
 * acknowledged, still open, no resolution) come last in either order; ties go newest raised first.
 * @example `GET /api/alarms?sort=priority&order=desc&limit=50&offset=50`
 */
export const ALARM_SORT_COLUMNS = ['raised', 'priority', 'alarm', 'sensor', 'state', 'acked', 'closed', 'cause'] as const;
export type AlarmSortColumn = (typeof ALARM_SORT_COLUMNS)[number];
export type SortOrder = 'asc' | 'desc';

export interface AlarmListResponse {
  total: number;
  alarms: import('./alarm.ts').Alarm[];
}
export interface AlarmDetailResponse {
  alarm: import('./alarm.ts').Alarm;
  /** Every lifecycle event and action on this alarm, oldest first. */
  history: import('./alarm.ts').AlarmEvent[];
}
export interface AuditEntry {
  id: number;
  at: number;
  actor: string;
  action: string;
  target: string;
  detail: unknown;
  /** sha256 over the previous entry's hash and this entry's content. */
  hash: string;
}
export interface AuditVerifyResponse {
  ok: boolean;
  entries: number;
  /** The first entry whose hash does not match, when the chain is broken. */
  brokenAt?: number;
  /** When the chain was walked, epoch ms: a verification is only as good as its date. */
  checkedAt: number;
}

/**
 * `GET /api/reports/alarms?from=&to=&site=&drill=` — the facility manager's alarm statistics.
 * Real statistics exclude drills unless `drill=only` asks for a drill's own.
 */
export interface AlarmStatsRow {
  siteId: string;
  zoneId: string;
  alarms: number;
  critical: number;
  /** Median seconds from raise to acknowledgement, over acknowledged alarms. */
  medianAckS: number | null;
  /** 90th percentile seconds to acknowledgement. */
  p90AckS: number | null;
  /** Median seconds from raise to close (or resolution). */
  medianResolveS: number | null;
  unacknowledged: number;
  escalated: number;
  chattering: number;
}
export interface AlarmStatsResponse {
  from: number;
  to: number;
  drill: 'exclude' | 'only';
  total: AlarmStatsRow;
  byZone: AlarmStatsRow[];
  /** The same figures per alarm type (condition), all zones together; `siteId`/`zoneId` are `*`. */
  byCondition: (AlarmStatsRow & { condition: import('./alarm.ts').Condition })[];
  /** The same figures per NFPA 72 signal class (alarm, supervisory, trouble), all zones together. */
  byClass?: (AlarmStatsRow & { class: import('./alarm.ts').AlarmClass })[];
  /** Sensors with the most alarms in the range (bad actors: chattering, faulty). */
  topSensors: { sensorId: string; alarms: number; chattering: number }[];
  /** Sensors that went offline in the range, with how often. */
  offlineSensors: { sensorId: string; times: number }[];
}
