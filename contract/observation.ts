/**
 * Observations: the one normalised shape every input (native MQTT topics, HTTP ingest,
 * device adapters) becomes, and the wire payloads devices send.
 *
 * @example A native reading on `vigil/hq/KIT-GAS-01/reading`:
 * ```json
 * {"ts": 1764240000123, "value": 12.5, "unit": "%LEL"}
 * ```
 */
import { z } from 'zod';

/** Payloads larger than this are rejected before parsing (docs/contracts.md#mqtt-topics-native). */
export const MAX_PAYLOAD_BYTES = 16 * 1024;
/**
 * A device time further ahead than this of the server clock is not believed: the observation is
 * kept at its receive time, with the device time beside it (`deviceTs`), never rejected.
 */
export const MAX_FUTURE_SKEW_MS = 5 * 60 * 1000;

export const CHANNELS = ['reading', 'event', 'status'] as const;
export type Channel = (typeof CHANNELS)[number];

export const UNITS = ['%LEL', 'ppm', '°C', '%RH', '%obs/m', 'bar'] as const;
export type Unit = (typeof UNITS)[number];

export const EVENT_TYPES = [
  'open',
  'closed',
  'access_granted',
  'access_denied',
  'forced_open',
  'tamper',
  'tamper_clear',
  'smoke',
  'smoke_clear',
  'pre_alarm',
  'pre_alarm_clear',
  'gas',
  'gas_clear',
  /** A detector's self-test begins; `test_clear` ends it (a test lasts at most `selfTestMaxS`). */
  'test',
  'test_clear',
  'fault',
  'fault_clear',
  'dirty_chamber',
  /** A device sent a detector alarm no sensor is bound to receive (adapters; detail names it) / it stopped. */
  'unbound_signal',
  'unbound_signal_clear',
  /** Water-leak detectors: the probe is wet / dry again. */
  'leak',
  'leak_clear',
  /** A sprinkler riser's flow switch: water is flowing (sprinklers discharging) / it stopped. */
  'waterflow',
  'waterflow_clear',
  /** A control valve's supervisory (tamper) switch: the valve is not fully open / fully open again. */
  'valve_closed',
  'valve_open',
  /** A fire pump controller: the pump is running / stopped; its power failed / returned; its phases are reversed / correct. */
  'pump_running',
  'pump_running_clear',
  'pump_power_fail',
  'pump_power_fail_clear',
  'pump_phase_reversal',
  'pump_phase_reversal_clear',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/**
 * Alarm-bearing events: what a detector says when the room may be in danger, the detector is
 * attacked, or a detector alarm has nobody to receive it (`unbound_signal`). Defined here once
 * (with `isAlarmBearing`). Such an observation is never refused for its timestamp
 * (docs/contracts.md#device-time-and-plausibility) nor for a rate limit.
 */
export const ALARM_BEARING_EVENTS: ReadonlySet<EventType> = new Set<EventType>([
  'smoke',
  'pre_alarm',
  'gas',
  'leak',
  'waterflow',
  'valve_closed',
  // A fire pump starts when the riser's pressure falls: water is being drawn.
  'pump_running',
  'forced_open',
  'tamper',
  'unbound_signal',
]);

/**
 * Whether an observation carries an alarm: an alarm-bearing event, or a plausible reading at or
 * above the sensor's low threshold (`low`: undefined for sensors without thresholds), or outside
 * a riser's `pressureLimits` (a supervisory signal, like a closed valve).
 */
export function isAlarmBearing(o: Observation, low: number | undefined, pressureLimits?: { low: number; high: number }): boolean {
  if (o.channel === 'event') return ALARM_BEARING_EVENTS.has(o.type);
  if (o.channel !== 'reading' || o.implausible === true) return false;
  if (pressureLimits !== undefined && (o.value < pressureLimits.low || o.value > pressureLimits.high)) return true;
  return low !== undefined && o.value >= low;
}

/**
 * The range a healthy transmitter can report in each unit; a reading outside it is a sensor fault
 * (`implausible_value`), stored flagged, never compared with thresholds. The margins follow NAMUR
 * NE 43: a 4–20 mA transmitter signals a measurement between 3.8 and 20.5 mA, i.e. −1.25 % to
 * +103.125 % of its span; beyond that it is signalling a failure. Spans: %LEL 0–100 by
 * definition; CO 0–10,000 ppm, the widest full scale of electrochemical CO cells in use (most are
 * 0–500 to 0–2,000 ppm; a saturated cell reads its full scale, never more), chosen wide because a
 * real fire's CO must never be taken for a fault; °C −55–125 (DS18B20, the widest common digital
 * probe); %RH 0–100 and %obs/m 0–100 by definition; bar 0–25, the span of the pressure
 * transmitters on sprinkler risers (a riser works at up to 12 bar, 175 psi).
 */
export const PLAUSIBLE_RANGES: Readonly<Record<Unit, { min: number; max: number }>> = {
  '%LEL': ne43(0, 100),
  ppm: ne43(0, 10_000),
  '°C': ne43(-55, 125),
  '%RH': ne43(0, 100),
  '%obs/m': ne43(0, 100),
  bar: ne43(0, 25),
};

function ne43(lo: number, hi: number): { min: number; max: number } {
  const span = hi - lo;
  return { min: lo - 0.0125 * span, max: hi + 0.03125 * span };
}

export function isPlausible(value: number, unit: Unit): boolean {
  const r = PLAUSIBLE_RANGES[unit];
  return value >= r.min && value <= r.max;
}

/** Site and sensor ids travel in MQTT topics and InfluxDB tags: keep them tame. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
export const idSchema = z.string().regex(ID_PATTERN, 'must be 1-64 letters, digits, "_", "." or "-"');

/** Epoch milliseconds or an ISO 8601 string with a zone; absent means "now". */
export const timestampSchema = z.union([z.number().int('epoch milliseconds must be an integer').nonnegative(), z.iso.datetime({ offset: true, local: false })]);

const drillSchema = z.string().regex(ID_PATTERN, 'drill id must be 1-64 letters, digits, "_", "." or "-"');

export const readingPayloadSchema = z.object({
  ts: timestampSchema.optional(),
  value: z.number().refine(Number.isFinite, 'value must be a finite number'),
  unit: z.enum(UNITS, { error: `unit must be one of ${UNITS.join(', ')}` }),
  drill: drillSchema.optional(),
});

export const eventPayloadSchema = z.object({
  ts: timestampSchema.optional(),
  type: z.enum(EVENT_TYPES, { error: `type must be one of ${EVENT_TYPES.join(', ')}` }),
  credential: z.string().max(128).optional(),
  /** Access events at a door with readers on both sides: which one read the badge (default `in`). */
  reader: z.enum(['in', 'out']).optional(),
  detail: z.string().max(512).optional(),
  drill: drillSchema.optional(),
});

export const statusPayloadSchema = z
  .object({
    ts: timestampSchema.optional(),
    online: z.boolean().optional(),
    battery: z.number().min(0).max(100).optional(),
    rssi: z.number().min(-150).max(0).optional(),
    drill: drillSchema.optional(),
  })
  .refine((s) => s.online !== undefined || s.battery !== undefined || s.rssi !== undefined, {
    message: 'status needs at least one of online, battery, rssi',
  });

export type ReadingPayload = z.infer<typeof readingPayloadSchema>;
export type EventPayload = z.infer<typeof eventPayloadSchema>;
export type StatusPayload = z.infer<typeof statusPayloadSchema>;

export const payloadSchemas = {
  reading: readingPayloadSchema,
  event: eventPayloadSchema,
  status: statusPayloadSchema,
} as const satisfies Record<Channel, z.ZodType>;

export type ObservationSource = 'mqtt' | 'http' | 'adapter';

/** What every observation carries, whatever its channel. */
export interface ObservationBase {
  siteId: string;
  sensorId: string;
  /** Zone id from the registry, or `unregistered`. */
  zoneId: string;
  /** Sensor kind from the registry, or `unregistered`. */
  kind: string;
  /** Device time (ms since epoch); the receive time when the device sent none or one not believed (`deviceTs`). */
  ts: number;
  /** Server receive time (ms since epoch), always recorded. */
  receivedAt: number;
  /**
   * The device's own time when it was not believed (more than MAX_FUTURE_SKEW_MS ahead, or older
   * than the raw retention): `ts` is then the receive time, and the sensor's clock is wrong.
   */
  deviceTs?: number;
  source: ObservationSource;
  /** Set when the observation belongs to an emergency drill. */
  drill?: string | undefined;
}

export interface ReadingObservation extends ObservationBase {
  channel: 'reading';
  value: number;
  unit: Unit;
  /** Outside PLAUSIBLE_RANGES for its unit: a sensor fault, stored but never compared with thresholds. */
  implausible?: true;
}
export interface EventObservation extends ObservationBase {
  channel: 'event';
  type: EventType;
  credential?: string;
  /** Which of a door's readers read the credential (docs/contracts.md#presence-in-hazard-zones). */
  reader?: 'in' | 'out';
  detail?: string;
}
export interface StatusObservation extends ObservationBase {
  channel: 'status';
  online?: boolean;
  battery?: number;
  rssi?: number;
}

export type Observation = ReadingObservation | EventObservation | StatusObservation;

export const UNREGISTERED = 'unregistered';

/** Why an input was rejected. Counted per reason in metrics. */
export const REJECTION_REASONS = [
  'oversized',
  'not_json',
  'bad_topic',
  'invalid_payload',
  'unit_mismatch',
  'too_many_items',
  'unknown_site',
  'adapter_error',
  /** HTTP ingest: the API key is not scoped to this sensor or site. */
  'forbidden',
  /** Over an observation rate limit of its device, its site's unregistered devices or its API key. */
  'rate_limited',
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

export interface Rejection {
  at: number;
  source: ObservationSource;
  /** MQTT topic, or `POST /api/ingest` with the item index. */
  origin: string;
  reason: RejectionReason;
  detail: string;
  /** The first bytes of the offending payload, as text. */
  sample: string;
}

/** Body of `POST /api/ingest`. */
export const ingestItemSchema = z.looseObject({
  siteId: idSchema.optional(),
  sensorId: idSchema,
  channel: z.enum(CHANNELS),
});
export const ingestBodySchema = z.object({
  observations: z.array(z.unknown()).min(1, 'observations must not be empty').max(10_000, 'at most 10000 observations per request'),
});

export interface IngestResult {
  accepted: number;
  rejected: number;
  rejections: { index: number; reason: RejectionReason; detail: string }[];
}
