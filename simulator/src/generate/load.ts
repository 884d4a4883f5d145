/**
 * Load generation (`load`): N synthetic gas sensors reporting at a fixed total rate, for
 * benchmarks. Their ids (`LOAD-00001`, …) are not in the registry: the server stores them as
 * unregistered (its site raises one low "unknown devices" trouble), within the rate limit of a
 * site's unregistered devices (`INGEST_UNREGISTERED_PER_SITE_PER_S`, 20/s by default: raise it on
 * the server for a benchmark).
 */
import { emission, round1, type Emission } from './emission.ts';
import { createRng } from './prng.ts';

export interface LoadOptions {
  sensors: number;
  /** Observations per second, all sensors together. */
  rate: number;
  durationS: number;
  siteId: string;
  /** Virtual start, epoch ms. */
  start: number;
  seed: number;
}

export function loadSensorId(index: number): string {
  return `LOAD-${String(index + 1).padStart(5, '0')}`;
}

export function loadCount(o: Pick<LoadOptions, 'rate' | 'durationS'>): number {
  return Math.round(o.rate * o.durationS);
}

/** Evenly spaced readings, round-robin over the sensors. */
export function* loadStream(o: LoadOptions): Generator<Emission> {
  const rng = createRng(o.seed, 'load');
  const devices = Array.from({ length: o.sensors }, (_, i) => ({ id: loadSensorId(i), siteId: o.siteId }));
  const count = loadCount(o);
  for (let i = 0; i < count; i++) {
    yield emission(o.start + Math.floor((i * 1000) / o.rate), devices[i % devices.length]!, 'reading', { value: round1(rng.between(0, 3)), unit: '%LEL' });
  }
}
