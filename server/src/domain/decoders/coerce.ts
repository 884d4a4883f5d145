/**
 * How gateways spell booleans and numbers: a boolean arrives as
 * true/false, "ON"/"OFF", 0/1, "true"/"false" or an enum word ("alarm"/"normal"); a number as a
 * number or a numeric string (a battery of "85"). `null` means unknown — never false — and comes
 * back as `null` for the caller to leave the last known state alone.
 */
import { MAX_PAYLOAD_BYTES, type Scale } from '../../../../contract/index.ts';
import { DecodeError } from '../observation.decode.ts';
import { MAX_JSON_DEPTH, jsonDepthOver } from '../../../../contract/json-depth.ts';

// Enum words seen on device pages: Zigbee2MQTT `gas_sensor_state: alarm|normal`, Tuya detectors'
// `smoke: alarm|none` and `smoke_state: alarm|normal|detecting|unknown`, ESPHome and Tasmota
// ON/OFF, esp-rfid's Home Assistant mode ON/OFF.
const TRUE_WORDS: ReadonlySet<string> = new Set(['true', 'on', '1', 'yes', 'alarm', 'detected', 'active']);
const FALSE_WORDS: ReadonlySet<string> = new Set(['false', 'off', '0', 'no', 'normal', 'clear', 'inactive', 'none']);
/** The device saying it does not know: like `null`, no state at all (Home Assistant's `unknown` too). */
const UNKNOWN_WORDS: ReadonlySet<string> = new Set(['unknown']);

/** A boolean in any of the spellings above; `null` for null and `unknown`. Throws `adapter_error` otherwise. */
export function toBool(value: unknown, field: string): boolean | null {
  if (value === null) return null;
  if (typeof value === 'boolean') return value;
  if (value === 0 || value === 1) return value === 1;
  if (typeof value === 'string') {
    const word = value.trim().toLowerCase();
    if (UNKNOWN_WORDS.has(word)) return null;
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
  }
  throw new DecodeError('adapter_error', `${field}: cannot read ${JSON.stringify(value)} as on/off`);
}

const NUMERIC = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

/**
 * A finite number, or a numeric string; `null` for null and for "nan" (ESPHome publishes `nan`
 * for a sensor without a valid state: unknown, not zero). Throws `adapter_error` otherwise.
 */
export function toNumber(value: unknown, field: string): number | null {
  if (value === null) return null;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string') {
    if (value.trim().toLowerCase() === 'nan') return null;
    if (NUMERIC.test(value)) return Number(value);
  }
  throw new DecodeError('adapter_error', `${field}: ${JSON.stringify(value)} is not a number`);
}

/** Maps a raw device value linearly through a configured scale (`from` → `to`). */
export function applyScale(raw: number, scale: Scale): number {
  const [f0, f1] = scale.from;
  const [t0, t1] = scale.to;
  const scaled = t0 + ((raw - f0) * (t1 - t0)) / (f1 - f0);
  // Readings are stored and charted: 12.3456789 %LEL claims a precision no MQ-2 has.
  return Math.round(scaled * 1000) / 1000;
}

/**
 * Smoke obscuration from optical density in dB/m (Aqara's `smoke_density_dbm`) to %obs/m:
 * optical density OD = −10·log10(1 − obs), so obs = 1 − 10^(−OD/10).
 */
export function dbPerMetreToObscuration(db: number): number {
  return Math.round((1 - 10 ** (-db / 10)) * 100 * 1000) / 1000;
}

/** A payload as text, after the same size limit native topics have. */
export function payloadText(payload: Buffer): string {
  if (payload.length > MAX_PAYLOAD_BYTES) throw new DecodeError('oversized', `payload is ${payload.length} bytes, the limit is ${MAX_PAYLOAD_BYTES}`);
  return payload.toString('utf8');
}

/** A JSON payload that must be an object (a device's state or telemetry), or an adapter_error. */
export function jsonObject(payload: Buffer, what: string): Record<string, unknown> {
  const text = payloadText(payload);
  if (jsonDepthOver(payload) >= 0) throw new DecodeError('invalid_payload', `${what} nests deeper than ${MAX_JSON_DEPTH} levels`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new DecodeError('not_json', `${what} is not JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new DecodeError('adapter_error', `${what} must be a JSON object, got ${Array.isArray(parsed) ? 'an array' : JSON.stringify(parsed)}`);
  }
  return parsed as Record<string, unknown>;
}

/** `online`/`offline` availability text (any case, surrounding spaces ignored), or an adapter_error. */
export function onlineWord(text: string, field: string): boolean {
  const word = text.trim().toLowerCase();
  if (word === 'online') return true;
  if (word === 'offline') return false;
  throw new DecodeError('adapter_error', `${field}: expected online or offline, got ${JSON.stringify(text.slice(0, 40))}`);
}
