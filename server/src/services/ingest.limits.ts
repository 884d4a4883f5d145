/**
 * Observation rate limits (docs/contracts.md#ingest-limits): token buckets counting observations,
 * not requests or messages, so one request of 10,000 items or one MQTT array of 1,000 costs what
 * it carries.
 *
 * - per device (its sensor id), on every path: one device flooding cannot starve the others;
 * - per site for unregistered devices together: made-up ids get no fresh allowance each;
 * - per API key, for HTTP ingest.
 *
 * What is over a limit is rejected item by item (`rate_limited`) and the rest of the batch is
 * accepted. An alarm-bearing observation of a registered sensor (smoke, gas, CO or leak alarm,
 * forced door, tamper, a plausible gas/CO reading at or above its low threshold: `isAlarmBearing` in contract/observation.ts; not in a drill) is never
 * refused and costs nothing: a fire must get through however chatty its detector was. Ids are tracked in
 * least-recently-used maps of at most `maxTracked` each; forgetting an id only gives it a full
 * bucket again.
 */
import { UNREGISTERED, isAlarmBearing, type Observation } from '../../../contract/index.ts';
import type { Registry } from '../domain/registry.ts';
import { RateLimiter } from './auth.rate-limit.ts';
import type { Clock } from './clock.ts';

export interface IngestLimitOptions {
  /** Observations per second per API key (HTTP); bursts of BURST_S seconds' worth. */
  perKeyPerS: number;
  /** Observations per second per device. */
  perDevicePerS: number;
  /**
   * Observations a device may send at once: what it queued at the broker while Vigil was down
   * arrives in one go, and what is over this is rejected. Ten seconds of its rate at least.
   */
  deviceBurst: number;
  /** Observations per second of all unregistered devices of one site together. */
  unregisteredPerSitePerS: number;
  /** Ids (keys, devices, sites) each limiter tracks at most. */
  maxTracked: number;
}

/** A bucket holds this many seconds of its rate: a device's backlog after an outage, a full request. */
export const BURST_S = 10;

export const DEFAULT_INGEST_LIMITS: Readonly<IngestLimitOptions> = Object.freeze({
  perKeyPerS: 1000,
  perDevicePerS: 100,
  // About 3 h of a 1 Hz detector's backlog, 28 h of one reporting every 10 s.
  deviceBurst: 10_000,
  unregisteredPerSitePerS: 20,
  maxTracked: 10_000,
});

/** Events that carry an alarm (docs/contracts.md#alarm-model); their clears do not. */
export class IngestLimits {
  private readonly keys: RateLimiter;
  private readonly devices: RateLimiter;
  private readonly unregistered: RateLimiter;

  constructor(
    private readonly registry: Pick<Registry, 'sensor'>,
    private readonly options: IngestLimitOptions,
    clock: Clock,
  ) {
    const bucket = (perSecond: number, burst = perSecond * BURST_S) => ({ perSecond, burst, maxKeys: options.maxTracked });
    this.keys = new RateLimiter(bucket(options.perKeyPerS), clock);
    this.devices = new RateLimiter(bucket(options.perDevicePerS, Math.max(options.deviceBurst, options.perDevicePerS * BURST_S)), clock);
    this.unregistered = new RateLimiter(bucket(options.unregisteredPerSitePerS), clock);
  }

  /**
   * Admits one observation, spending from every bucket it counts against; `apiKey` for HTTP.
   * Null when admitted, else why not (the rejection's detail).
   */
  admit(o: Observation, apiKey?: string): string | null {
    if (this.alarmBearing(o)) return null;
    const site = o.kind === UNREGISTERED ? o.siteId : undefined;
    // Check every bucket before spending from any: a refusal must not cost the others.
    if (!this.devices.available(o.sensorId))
      return `device ${o.sensorId} is over its limit of ${this.options.perDevicePerS} observations/s (burst ${Math.max(this.options.deviceBurst, this.options.perDevicePerS * BURST_S)})`;
    if (site !== undefined && !this.unregistered.available(site))
      return `unregistered devices of site ${site} are over their limit of ${this.options.unregisteredPerSitePerS} observations/s together`;
    if (apiKey !== undefined && !this.keys.available(apiKey))
      return `this API key is over its limit of ${this.options.perKeyPerS} observations/s (burst ${this.options.perKeyPerS * BURST_S})`;
    this.devices.take(o.sensorId);
    if (site !== undefined) this.unregistered.take(site);
    if (apiKey !== undefined) this.keys.take(apiKey);
    return null;
  }

  /** Ids tracked now, per limiter (bounded by `maxTracked`). */
  tracked(): { keys: number; devices: number; unregisteredSites: number } {
    return { keys: this.keys.size, devices: this.devices.size, unregisteredSites: this.unregistered.size };
  }

  private alarmBearing(o: Observation): boolean {
    // A drill's alarm is no emergency, and its id comes from the device: made-up drill ids must
    // not open a way around the limits.
    if (o.kind === UNREGISTERED || o.drill !== undefined) return false;
    // What counts as alarm-bearing is defined once, in contract/observation.ts.
    const sensor = this.registry.sensor(o.sensorId);
    return isAlarmBearing(o, sensor?.thresholds?.low, sensor?.pressureLimits);
  }
}
