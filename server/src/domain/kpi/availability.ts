/**
 * Sensor availability: the share of the period a sensor was online and reporting. A sensor is
 * unavailable while it is offline — an offline alarm of its own, or its gateway's — and over
 * every bucket of the presence grid in which history holds nothing from it. Definition and the
 * choice of bucket: docs/kpis.md#sensor-availability.
 */
import type { KpiAvailability } from '../../../../contract/index.ts';
import type { KpiPeriod } from './history.ts';
import { share, unionLength } from './stats.ts';

export interface AvailabilityInput {
  sensors: readonly { id: string; siteId: string; name: string }[];
  /** Buckets of the presence grid: [t, t + bucketMs), t a multiple of bucketMs from the epoch (InfluxDB's GROUP BY time). */
  bucketMs: number;
  /** Per sensor, the starts of the buckets in which something of it was stored. */
  present: ReadonlyMap<string, readonly number[]>;
  /** Per sensor, when it was offline: [start, end). */
  offline: ReadonlyMap<string, readonly (readonly [number, number])[]>;
}

/** Worst first (then by sensor id). */
export function sensorAvailability(input: AvailabilityInput, period: KpiPeriod): KpiAvailability[] {
  const span = period.to - period.from;
  const firstBucket = Math.floor(period.from / input.bucketMs) * input.bucketMs;
  const clip = ([s, e]: readonly [number, number]): [number, number] => [Math.max(s, period.from), Math.min(e, period.to)];
  return input.sensors
    .map((sensor) => {
      const present = new Set(input.present.get(sensor.id) ?? []);
      const down: [number, number][] = (input.offline.get(sensor.id) ?? []).map(clip);
      for (let t = firstBucket; t < period.to; t += input.bucketMs) if (!present.has(t)) down.push(clip([t, t + input.bucketMs]));
      const unavailable = unionLength(down);
      return {
        siteId: sensor.siteId,
        sensorId: sensor.id,
        sensorName: sensor.name,
        available: span > 0 ? share(span - unavailable, span) : 1,
        unavailableS: Math.round(unavailable / 1000),
      };
    })
    .sort((a, b) => a.available - b.available || a.sensorId.localeCompare(b.sensorId));
}
