/**
 * Health heartbeats on the `status` channel: a birth message when the device comes up, then one
 * well within every heartbeat interval (at most 0.7 × heartbeatS apart), so the server's offline
 * watchdog (3 × heartbeatS of silence) stays quiet. Battery devices report a slowly draining
 * battery that never reaches their low-battery threshold in normal operations.
 */
import type { Sensor } from '../../../contract/index.ts';
import { emission, type Emission, type PayloadValue } from './emission.ts';
import type { Rng } from './prng.ts';

/** Longest gap between heartbeats, as a fraction of heartbeatS. */
export const MAX_HEARTBEAT_FRACTION = 0.7;
const MIN_HEARTBEAT_FRACTION = 0.4;
const DAY_MS = 86_400_000;

/**
 * Battery-powered: wireless and Zigbee devices, stand-alone smoke and leak detectors; mains-powered:
 * aspirating smoke systems (VESDA), gas detectors and wired door hardware.
 */
export function isBatteryPowered(sensor: Sensor): boolean {
  const text = `${sensor.model ?? ''} ${sensor.name}`;
  if (/vesda|aspirat/i.test(text)) return false;
  return sensor.kind === 'smoke' || sensor.kind === 'leak' || /zigbee|wireless/i.test(text);
}

export interface HeartbeatOptions {
  /** Battery level at start; drawn when absent. */
  battery?: number;
}

export function* heartbeats(sensor: Sensor, rng: Rng, start: number, opts: HeartbeatOptions = {}): Generator<Emission> {
  const battery = isBatteryPowered(sensor) ? { level: opts.battery ?? rng.between(55, 100), perDay: rng.between(0.05, 0.3) } : null;
  // Normal operations never go below the alarm threshold plus a margin (scenarios do that).
  const floor = sensor.batteryLowPct + 5;
  const rssiMean = rng.between(-85, -55);
  const beatMs = sensor.heartbeatS * 1000;
  let at = start + rng.between(0, 2000);
  let last = at;
  for (;;) {
    const payload: Record<string, PayloadValue> = { online: true };
    if (battery !== null) {
      battery.level = Math.max(floor, battery.level - (battery.perDay * (at - last)) / DAY_MS);
      payload.battery = Math.round(battery.level);
    }
    payload.rssi = Math.round(Math.min(-30, Math.max(-120, rng.normal(rssiMean, 2))));
    yield emission(Math.round(at), sensor, 'status', payload);
    last = at;
    at += beatMs * rng.between(MIN_HEARTBEAT_FRACTION, MAX_HEARTBEAT_FRACTION);
  }
}
