/**
 * Normal readings of a sprinkler riser's pressure (bar): a static pressure per riser with the
 * small saw-tooth of a jockey pump keeping it up, inside the band that raises nothing
 * (docs/contracts.md#sprinkler-supervision: pressure_low / pressure_high).
 */
import type { Sensor } from '../../../contract/index.ts';
import { emission, round1, type Emission } from './emission.ts';
import type { Rng } from './prng.ts';
import { READING_INTERVAL_S } from './normal.analog.ts';

/** A riser's static pressure when nobody draws water: a typical 6–8 bar system. */
export const TYPICAL_RISER_BAR = 7;

export function* pressureReadings(sensor: Sensor, rng: Rng, start: number): Generator<Emission> {
  const intervalMs = Math.min(READING_INTERVAL_S, sensor.heartbeatS / 3) * 1000;
  const base = rng.between(TYPICAL_RISER_BAR - 0.3, TYPICAL_RISER_BAR + 0.3);
  let at = start + rng.between(0, intervalMs);
  for (;;) {
    // A jockey pump restores a few tenths of a bar lost to small leaks: the reading wanders by ±0.1.
    yield emission(Math.round(at), sensor, 'reading', { value: round1(base + rng.normal(0, 0.05)), unit: 'bar' });
    at += intervalMs * rng.between(0.9, 1.1);
  }
}
