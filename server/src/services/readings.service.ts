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

/** The next finer source: what a roll-up is computed from, so it holds what the roll-up has not reached yet. */
const FINER: Record<ReadingsResolution, ReadingsResolution | null> = { '1h': '1m', '1m': 'raw', raw: null };

export class ReadingsService {
  constructor(private readonly store: ReadingsQuery) {}

  async readings(sensor: Pick<Sensor, 'id' | 'unit'>, from: number, to: number, stepS?: number): Promise<ReadingsResponse> {
    const plan = planReadings(from, to, stepS);
    const { points, resolution } = await this.withFinerEnds(sensor.id, plan);
    return { sensorId: sensor.id, unit: sensor.unit, from, to, stepS: plan.stepS, resolution, points };
  }

  /**
   * A roll-up lags its source: the hourly one is written once an hour by a continuous query, the
   * minute one once a minute. A sensor installed twenty minutes ago has nothing in the hourly
   * roll-up, and every sensor's last hour is missing from it. So the last bucket of the coarse
   * answer onwards (or the whole range when it is empty) is asked again of the finer source, at
   * the same step, and replaces the coarse buckets it has; a bucket only the coarse source still
   * holds (the finer one expired) stays. The resolution reported is the one that answered first.
   *
   * A roll-up also begins late: its continuous query rolls up only what arrives once it exists —
   * after an upgrade from raw-only history, a query created again at a start, or readings stored
   * before the schema setup finished. The readings before its first bucket are still history (a
   * 90 %LEL spike there must not vanish from a day's chart), so the range's start up to and
   * including the coarse answer's first bucket is asked of the finer source too, likewise.
   */
  private async withFinerEnds(sensorId: string, plan: ReadingsPlan): Promise<{ points: ReadingPoint[]; resolution: ReadingsResolution }> {
    const coarse = await this.store.readings(sensorId, plan);
    const finer = FINER[plan.resolution];
    if (plan.stepS === null || finer === null) return { points: coarse, resolution: plan.resolution };
    const first = coarse[0];
    const last = coarse[coarse.length - 1];
    const tailFrom = last ? Math.max(plan.from, last.t) : plan.from;
    const tail = await this.withFinerEnds(sensorId, { ...plan, from: tailFrom, resolution: finer });
    // Only a first bucket starting after the range does leaves buckets before it to the finer source.
    const headTo = first && first.t > plan.from ? Math.min(tailFrom - 1, first.t + plan.stepS * 1000 - 1) : null;
    const head = headTo === null || headTo < plan.from ? [] : (await this.withFinerEnds(sensorId, { ...plan, to: headTo, resolution: finer })).points;
    const byTime = new Map(coarse.map((p) => [p.t, p]));
    for (const p of [...head, ...tail.points]) byTime.set(p.t, p);
    const points = [...byTime.values()].sort((a, b) => a.t - b.t);
    return { points, resolution: coarse.length > 0 ? plan.resolution : tail.resolution };
  }
}
