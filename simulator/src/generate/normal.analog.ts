/**
 * Normal readings of gas (%LEL) and CO (ppm) detectors: a per-detector baseline, a slow
 * mean-reverting drift and measurement noise, kept inside a quiet band (gas 0–3 %LEL, CO
 * 0–5 ppm). The band is also capped below the sensor's low threshold and rate-of-rise limit, so
 * normal operations never raise an alarm, whatever the registry's thresholds.
 */
import type { Sensor } from '../../../contract/index.ts';
import { emission, round1, type Emission } from './emission.ts';
import type { Rng } from './prng.ts';

interface AnalogProfile {
  /** Quiet band upper bound in the kind's unit. */
  max: number;
  baseline: [number, number];
  noiseSd: number;
  /** Step size of the drift's random walk per reading. */
  driftSd: number;
}

const PROFILES: Readonly<Record<'gas' | 'co', AnalogProfile>> = {
  gas: { max: 3, baseline: [0.3, 1.5], noiseSd: 0.08, driftSd: 0.04 },
  co: { max: 5, baseline: [0.5, 3], noiseSd: 0.25, driftSd: 0.08 },
};

/** Catalytic and electrochemical detectors typically report every few seconds; 10 s keeps volume sane. */
export const READING_INTERVAL_S = 10;

export function quietMax(sensor: Sensor): number {
  const profile = PROFILES[sensor.kind === 'co' ? 'co' : 'gas'];
  const th = sensor.thresholds;
  return th === null ? profile.max : Math.min(profile.max, th.low * 0.6, th.riseRate * 0.8);
}

/** The detector's quiet baseline: where scenarios start their ramps when none is given. */
export function typicalBaseline(kind: Sensor['kind']): number {
  return kind === 'co' ? 2 : 1;
}

export function* analogReadings(sensor: Sensor, rng: Rng, start: number): Generator<Emission> {
  if (sensor.unit === null) return;
  const profile = PROFILES[sensor.kind === 'co' ? 'co' : 'gas'];
  const max = quietMax(sensor);
  const baseline = Math.min(rng.between(profile.baseline[0], profile.baseline[1]), max * 0.6);
  const intervalMs = Math.min(READING_INTERVAL_S, sensor.heartbeatS / 3) * 1000;
  let drift = 0;
  let at = start + rng.between(0, intervalMs);
  for (;;) {
    // Mean-reverting drift: wanders over minutes to hours, pulled back towards the baseline.
    drift = drift * 0.995 + rng.normal(0, profile.driftSd);
    const value = Math.min(max, Math.max(0, baseline + drift + rng.normal(0, profile.noiseSd)));
    yield emission(Math.round(at), sensor, 'reading', { value: round1(value), unit: sensor.unit });
    at += intervalMs * rng.between(0.9, 1.1);
  }
}
