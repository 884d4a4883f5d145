/**
 * Alarm-system performance KPIs for the facility manager and the periodic safety report: reads
 * the alarm store (alarms and their annunciations, drills left out), InfluxDB (whether each
 * sensor reported) and the live state (what is shelved or out of service now), and hands them to
 * the pure arithmetic in domain/kpi. Definitions: docs/kpis.md.
 */
import type { Alarm, KpiOutOfService, KpiReport, KpiShelved, Sensor, SensorLiveState, Site } from '../../../contract/index.ts';
import { computeKpis, type Annunciation, type KpiAlarm, type KpiPeriod } from '../domain/kpi/index.ts';
import type { Clock } from './clock.ts';

/** The alarm store as the KPIs read it. */
export interface KpiAlarmSource {
  /** Non-drill alarms raised before `to` and not closed before `from` (of `siteId`, or all). */
  alarmsOverlapping(period: KpiPeriod, siteId: string | null): Promise<KpiAlarm[]>;
  /** When non-drill alarms were raised or re-activated within the period (of `siteId`, or all), in time order. */
  annunciations(period: KpiPeriod, siteId: string | null): Promise<Annunciation[]>;
}

/** History (InfluxDB): in which buckets each sensor stored anything. */
export interface KpiPresenceQuery {
  /** Per sensor id, the starts of the `bucketMs` buckets (aligned to the epoch) holding any non-drill point. */
  presence(period: KpiPeriod, bucketMs: number, siteId: string | null): Promise<Map<string, number[]>>;
}

/** The engine's state now. */
export interface KpiLiveState {
  snapshot(): Promise<{ alarms: Alarm[]; sensors: SensorLiveState[] }>;
}

/** What the KPIs need of the facility registry. */
export interface KpiRegistry {
  readonly facility: { sites: readonly Pick<Site, 'id'>[] };
  allSensors(): readonly Sensor[];
  sensor(id: string): Sensor | undefined;
  sensorsBehind(gatewayId: string): readonly Sensor[];
}

export interface KpiQuery {
  /** One site, or null for all sites. */
  siteId: string | null;
  from: number;
  to: number;
}

const HOUR_MS = 3_600_000;
/**
 * The presence grid has at most this many buckets a sensor: a month at one per hour. Finer would
 * make the InfluxDB answer large for a year; coarser hides short silences (offline alarms still
 * count them).
 */
const MAX_PRESENCE_BUCKETS = 720;
/** The watchdog raises offline after this many heartbeats of silence; a bucket is at least that long. */
const OFFLINE_HEARTBEATS = 3;

export class KpiService {
  constructor(
    private readonly deps: {
      alarms: KpiAlarmSource;
      presence: KpiPresenceQuery;
      live: KpiLiveState;
      registry: KpiRegistry;
      clock: Clock;
      /** Raw history is kept this long; presence is not judged before it (docs/kpis.md#sensor-availability). */
      rawRetentionMs: number;
    },
  ) {}

  /** The KPI report of one site (or all, `siteId` null) over [from, to). JSON as it is. */
  async compute(query: KpiQuery): Promise<KpiReport> {
    const { registry, clock } = this.deps;
    const now = clock.now();
    const period = { from: query.from, to: query.to };
    const inSite = (siteId: string) => query.siteId === null || siteId === query.siteId;
    const sensors = registry.allSensors().filter((s) => inSite(s.siteId));
    const alarms = await this.deps.alarms.alarmsOverlapping(period, query.siteId);
    const end = Math.min(period.to, now);
    const bucketMs = presenceBucket(sensors, period);
    const present = await this.presence(period, end, now, bucketMs, query.siteId);
    const live = await this.deps.live.snapshot();
    const annunciations = await this.deps.alarms.annunciations(period, query.siteId);
    return computeKpis({
      siteId: query.siteId,
      period,
      now,
      siteIds: registry.facility.sites.map((s) => s.id).filter(inSite),
      alarms,
      annunciations,
      availability: {
        sensors: sensors.map((s) => ({ id: s.id, siteId: s.siteId, name: s.name })),
        bucketMs,
        present,
        offline: offlinePeriods(alarms, registry, end),
      },
      shelved: shelvedNow(live.alarms, inSite),
      outOfService: outOfServiceNow(live.sensors, registry, inSite),
    });
  }

  /**
   * Buckets before raw retention began cannot be judged (their points are gone): they are
   * counted as present, so only offline alarms make those times unavailable.
   */
  private async presence(period: KpiPeriod, end: number, now: number, bucketMs: number, siteId: string | null): Promise<Map<string, number[]>> {
    const kept = Math.floor((now - this.deps.rawRetentionMs) / bucketMs) * bucketMs + bucketMs;
    const read = { from: Math.max(period.from, kept), to: end };
    const present = read.from < read.to ? await this.deps.presence.presence(read, bucketMs, siteId) : new Map<string, number[]>();
    if (kept <= period.from) return present;
    const unjudged: number[] = [];
    for (let t = Math.floor(period.from / bucketMs) * bucketMs; t < Math.min(kept, end); t += bucketMs) unjudged.push(t);
    const out = new Map<string, number[]>();
    for (const s of this.deps.registry.allSensors()) out.set(s.id, [...unjudged, ...(present.get(s.id) ?? [])]);
    return out;
  }
}

/**
 * The presence bucket: a whole number of hours at least as long as the slowest sensor's offline
 * limit (heartbeatS × 3), so a sensor silent for a whole bucket would have been declared offline;
 * longer when the period needs it to stay within MAX_PRESENCE_BUCKETS.
 */
export function presenceBucket(sensors: readonly Pick<Sensor, 'heartbeatS'>[], period: KpiPeriod): number {
  const slowest = Math.max(0, ...sensors.map((s) => s.heartbeatS * 1000 * OFFLINE_HEARTBEATS));
  const wanted = Math.max(slowest, (period.to - period.from) / MAX_PRESENCE_BUCKETS);
  return Math.max(1, Math.ceil(wanted / HOUR_MS)) * HOUR_MS;
}

/**
 * When each sensor was offline: its own offline alarms and those of its gateway, from raise to
 * the condition's return (or close; still open: up to `end`). An alarm that cleared and came back
 * counts from its first raise to its last clearing.
 */
export function offlinePeriods(alarms: readonly KpiAlarm[], registry: Pick<KpiRegistry, 'sensorsBehind'>, end: number): Map<string, [number, number][]> {
  const out = new Map<string, [number, number][]>();
  const add = (sensorId: string, span: [number, number]) => out.set(sensorId, [...(out.get(sensorId) ?? []), span]);
  for (const a of alarms) {
    if (a.condition !== 'offline' && a.condition !== 'gateway_offline') continue;
    const cleared = a.clearedAt !== null && a.clearedAt >= a.activatedAt ? a.clearedAt : null;
    const span: [number, number] = [a.raisedAt, cleared ?? a.closedAt ?? end];
    if (a.condition === 'offline') add(a.sensorId, span);
    else for (const s of registry.sensorsBehind(a.sensorId)) add(s.id, span);
  }
  return out;
}

function shelvedNow(alarms: readonly Alarm[], inSite: (siteId: string) => boolean): KpiShelved[] {
  return alarms
    .filter((a) => a.drill === null && a.shelved !== null && inSite(a.siteId))
    .map((a) => ({
      alarmId: a.id,
      siteId: a.siteId,
      sensorId: a.sensorId,
      sensorName: a.sensorName,
      condition: a.condition,
      by: a.shelved!.by,
      reason: a.shelved!.reason,
      until: a.shelved!.until,
    }))
    .sort((x, y) => x.until - y.until);
}

function outOfServiceNow(states: readonly SensorLiveState[], registry: Pick<KpiRegistry, 'sensor'>, inSite: (siteId: string) => boolean): KpiOutOfService[] {
  const out: KpiOutOfService[] = [];
  for (const s of states) {
    const sensor = registry.sensor(s.sensorId);
    if (s.outOfService === null || sensor === undefined || !inSite(sensor.siteId)) continue;
    const o = s.outOfService;
    out.push({ siteId: sensor.siteId, sensorId: sensor.id, sensorName: sensor.name, by: o.by, reason: o.reason, since: o.since, until: o.until ?? null });
  }
  return out.sort((x, y) => (x.until ?? Infinity) - (y.until ?? Infinity));
}
