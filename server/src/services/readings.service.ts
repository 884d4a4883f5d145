/** Sensor history: turns a requested range into a plan (resolution, step) and asks the store. */
import type { ReadingPoint, ReadingsResolution, ReadingsResponse, Sensor } from '../../../contract/index.ts';

export interface ReadingsPlan {
  from: number;
  to: number;
  stepS: number | null;
  resolution: ReadingsResolution;
  maxPoints: number;
}

export interface ReadingsQuery {
  readings(sensorId: string, plan: ReadingsPlan): Promise<ReadingPoint[]>;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** About this many points per chart: enough detail for a wide screen, cheap to draw. */
const TARGET_POINTS = 600;
const MAX_RAW_POINTS = 20_000;
const NICE_STEPS_S = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

export const MAX_RANGE_MS = 400 * DAY_MS;

/**
 * Raw points up to 2 h; beyond that a step near range/600, read from raw data up to 2 days,
 * from the 1-minute roll-up up to 60 days, and from the hourly roll-up beyond.
 */
export function planReadings(from: number, to: number, stepS?: number): ReadingsPlan {
  const span = to - from;
  if (stepS === undefined && span <= 2 * HOUR_MS) {
    return { from, to, stepS: null, resolution: 'raw', maxPoints: MAX_RAW_POINTS };
  }
  const wanted = stepS ?? span / 1000 / TARGET_POINTS;
  const resolution: ReadingsResolution = span <= 2 * DAY_MS && wanted < 60 ? 'raw' : span <= 60 * DAY_MS || wanted < 3600 ? '1m' : '1h';
  const floor = resolution === 'raw' ? 1 : resolution === '1m' ? 60 : 3600;
  const nice = NICE_STEPS_S.find((s) => s >= wanted) ?? Math.ceil(wanted);
  return { from, to, stepS: Math.max(floor, stepS ?? nice), resolution, maxPoints: MAX_RAW_POINTS };
}

export class ReadingsService {
  constructor(private readonly store: ReadingsQuery) {}

  async readings(sensor: Pick<Sensor, 'id' | 'unit'>, from: number, to: number, stepS?: number): Promise<ReadingsResponse> {
    const plan = planReadings(from, to, stepS);
    const points = await this.store.readings(sensor.id, plan);
    return { sensorId: sensor.id, unit: sensor.unit, from, to, stepS: plan.stepS, resolution: plan.resolution, points };
  }
}
