/**
 * decode → validate → normalise: raw native input (an MQTT topic + payload, or one HTTP ingest
 * item) becomes `Observation`s or `Rejection`s with a reason. Pure: the registry and the clock
 * come in as arguments.
 */
import {
  CHANNELS,
  ID_PATTERN,
  MAX_FUTURE_SKEW_MS,
  MAX_PAYLOAD_BYTES,
  UNITS,
  UNREGISTERED,
  isPlausible,
  payloadSchemas,
  type Channel,
  type EventPayload,
  type Observation,
  type ObservationBase,
  type ObservationSource,
  type ReadingPayload,
  type RejectionReason,
  type StatusPayload,
} from '../../../contract/index.ts';
import type { Registry } from './registry.ts';
import { MAX_JSON_DEPTH, jsonDepthOver } from '../../../contract/json-depth.ts';

/** A JSON array payload may carry at most this many observations. */
export const MAX_ITEMS_PER_PAYLOAD = 1000;

export interface DecodeContext {
  registry: Registry;
  now: number;
  /** Observations older than this many ms fall outside the raw retention policy. */
  maxAgeMs: number;
  source: ObservationSource;
}

export interface Rejected {
  reason: RejectionReason;
  detail: string;
  /** Index in a JSON array payload, when the payload was one. */
  index?: number;
}

export interface Decoded {
  observations: Observation[];
  rejected: Rejected[];
}

export class DecodeError extends Error {
  constructor(
    readonly reason: RejectionReason,
    message: string,
  ) {
    super(message);
  }
}

export interface NativeTopic {
  siteId: string;
  sensorId: string;
  channel: Channel;
}

const channelSet: ReadonlySet<string> = new Set(CHANNELS);

/**
 * Parsed topics by name: a facility has a few thousand topics and every message names one, so
 * each is split and checked once. Bounded: cleared when full (unregistered devices, typos).
 */
const topicCache = new Map<string, NativeTopic>();
const TOPIC_CACHE_MAX = 50_000;

/** `vigil/<siteId>/<sensorId>/<channel>`, or a reason why not. */
export function parseNativeTopic(topic: string): NativeTopic {
  const cached = topicCache.get(topic);
  if (cached) return cached;
  const parsed = Object.freeze(checkNativeTopic(topic));
  if (topicCache.size >= TOPIC_CACHE_MAX) topicCache.clear();
  topicCache.set(topic, parsed);
  return parsed;
}

/** What every bad_topic rejection of a native topic says was expected. */
const NATIVE_SHAPE = `expected vigil/<siteId>/<sensorId>/<channel>, four levels, channel one of ${CHANNELS.join(', ')}`;

function checkNativeTopic(topic: string): NativeTopic {
  const parts = topic.split('/');
  if (parts.length !== 4 || parts[0] !== 'vigil')
    throw new DecodeError('bad_topic', `topic has ${parts.length} level${parts.length === 1 ? '' : 's'}; ${NATIVE_SHAPE}`);
  const [, siteId = '', sensorId = '', channel = ''] = parts;
  if (!ID_PATTERN.test(siteId)) throw new DecodeError('bad_topic', `site id "${siteId}" is not an id (1-64 letters, digits, "_", "." or "-"); ${NATIVE_SHAPE}`);
  if (!ID_PATTERN.test(sensorId))
    throw new DecodeError('bad_topic', `sensor id "${sensorId}" is not an id (1-64 letters, digits, "_", "." or "-"); ${NATIVE_SHAPE}`);
  if (!channelSet.has(channel)) throw new DecodeError('bad_topic', `channel "${channel}" is not one; ${NATIVE_SHAPE}`);
  return { siteId, sensorId, channel: channel as Channel };
}

/** Parses a JSON payload into items (a single object or an array of them). */
export function parseJsonPayload(payload: Buffer | string): unknown[] {
  const size = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
  if (size > MAX_PAYLOAD_BYTES) throw new DecodeError('oversized', `payload is ${size} bytes, the limit is ${MAX_PAYLOAD_BYTES}`);
  if (jsonDepthOver(typeof payload === 'string' ? Buffer.from(payload) : payload) >= 0)
    throw new DecodeError('invalid_payload', `payload nests deeper than ${MAX_JSON_DEPTH} levels`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof payload === 'string' ? payload : payload.toString('utf8'));
  } catch (err) {
    throw new DecodeError('not_json', `payload is not JSON: ${(err as Error).message}`);
  }
  if (Array.isArray(parsed)) {
    if (parsed.length === 0) throw new DecodeError('invalid_payload', 'payload is an empty array');
    if (parsed.length > MAX_ITEMS_PER_PAYLOAD)
      throw new DecodeError('too_many_items', `payload has ${parsed.length} items, the limit is ${MAX_ITEMS_PER_PAYLOAD}`);
    return parsed;
  }
  return [parsed];
}

function toMillis(ts: number | string | undefined, now: number): number {
  if (ts === undefined) return now;
  return typeof ts === 'number' ? ts : Date.parse(ts);
}

type ChannelBuilder = (base: ObservationBase, payload: unknown) => Observation;

// Dispatch by channel through a table, not an if-ladder. Payloads were validated already.
// Object literals rather than spreads: this runs for every observation.
const builders: Record<Channel, ChannelBuilder> = {
  reading: (b, p) => {
    const r = p as ReadingPayload;
    return {
      channel: 'reading',
      siteId: b.siteId,
      sensorId: b.sensorId,
      zoneId: b.zoneId,
      kind: b.kind,
      ts: b.ts,
      receivedAt: b.receivedAt,
      source: b.source,
      drill: b.drill,
      value: r.value,
      unit: r.unit,
    };
  },
  event: (b, p) => {
    const e = p as EventPayload;
    const obs: Observation = {
      channel: 'event',
      siteId: b.siteId,
      sensorId: b.sensorId,
      zoneId: b.zoneId,
      kind: b.kind,
      ts: b.ts,
      receivedAt: b.receivedAt,
      source: b.source,
      drill: b.drill,
      type: e.type,
    };
    if (e.credential !== undefined) obs.credential = e.credential;
    if (e.reader !== undefined) obs.reader = e.reader;
    if (e.detail !== undefined) obs.detail = e.detail;
    return obs;
  },
  status: (b, p) => {
    const s = p as StatusPayload;
    const obs: Observation = {
      channel: 'status',
      siteId: b.siteId,
      sensorId: b.sensorId,
      zoneId: b.zoneId,
      kind: b.kind,
      ts: b.ts,
      receivedAt: b.receivedAt,
      source: b.source,
      drill: b.drill,
    };
    if (s.online !== undefined) obs.online = s.online;
    if (s.battery !== undefined) obs.battery = s.battery;
    if (s.rssi !== undefined) obs.rssi = s.rssi;
    return obs;
  },
};

const unitSet: ReadonlySet<string> = new Set(UNITS);

/**
 * The common well-formed reading (`{"ts": <epoch ms>, "value": <finite>, "unit": <known>}`),
 * checked by hand without allocating. It accepts a strict subset of what the zod schema accepts
 * (the unit tests check the two agree); anything else goes through zod, which gives the reason.
 */
export function fastReading(item: unknown): ReadingPayload | null {
  if (typeof item !== 'object' || item === null) return null;
  const o = item as Record<string, unknown>;
  const value = o.value;
  const unit = o.unit;
  const ts = o.ts;
  if (typeof value !== 'number' || !Number.isFinite(value)) return null;
  if (typeof unit !== 'string' || !unitSet.has(unit)) return null;
  if (ts !== undefined && !(typeof ts === 'number' && Number.isSafeInteger(ts) && ts >= 0)) return null;
  if (o.drill !== undefined) return null;
  return o as ReadingPayload;
}

function validate(channel: Channel, item: unknown): { ts?: number | string; drill?: string; unit?: string } {
  if (channel === 'reading') {
    const fast = fastReading(item);
    if (fast) return fast;
  }
  const parsed = payloadSchemas[channel].safeParse(item);
  if (!parsed.success) throw new DecodeError('invalid_payload', parsed.error.issues.map(describeZodIssue).join('; '));
  return parsed.data;
}

function describeZodIssue(issue: { path: PropertyKey[]; message: string }): string {
  return issue.path.length ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message;
}

/**
 * Validates one payload item for a sensor and channel and normalises it.
 * Throws `DecodeError` with the reason when the item must be rejected.
 */
export function normaliseItem(topic: NativeTopic, item: unknown, ctx: DecodeContext): Observation {
  const payload = validate(topic.channel, item);
  const deviceTs = toMillis(payload.ts, ctx.now);
  // A device time too far ahead or older than the retention is a wrong clock, not a reason to
  // lose the observation: an alarm must never be refused for its timestamp, and a reading
  // refused would blind the gas rules. It is kept at its receive time, the device time beside it
  // (docs/contracts.md#device-time-and-plausibility).
  const clockWrong = deviceTs > ctx.now + MAX_FUTURE_SKEW_MS || deviceTs < ctx.now - ctx.maxAgeMs;
  const ts = clockWrong ? ctx.now : deviceTs;
  const sensor = ctx.registry.sensor(topic.sensorId);
  if (sensor && sensor.siteId !== topic.siteId) {
    throw new DecodeError('unknown_site', `sensor ${topic.sensorId} belongs to site ${sensor.siteId}, not ${topic.siteId}`);
  }
  if (sensor && topic.channel === 'reading' && sensor.unit !== null && payload.unit !== sensor.unit) {
    throw new DecodeError('unit_mismatch', `sensor ${sensor.id} reports in ${sensor.unit}, got ${String(payload.unit)}`);
  }
  const base: ObservationBase = {
    siteId: topic.siteId,
    sensorId: topic.sensorId,
    zoneId: sensor?.zoneId ?? UNREGISTERED,
    kind: sensor?.kind ?? UNREGISTERED,
    ts,
    receivedAt: ctx.now,
    source: ctx.source,
    drill: payload.drill,
  };
  const obs = builders[topic.channel](base, payload);
  if (clockWrong) obs.deviceTs = deviceTs;
  if (obs.channel === 'reading' && !isPlausible(obs.value, obs.unit)) obs.implausible = true;
  return obs;
}

/** A whole native MQTT message: topic + payload → observations and per-item rejections. */
export function decodeNativeMessage(topicName: string, payload: Buffer | string, ctx: DecodeContext): Decoded {
  const topic = parseNativeTopic(topicName);
  const items = parseJsonPayload(payload);
  const observations: Observation[] = [];
  const rejected: Rejected[] = [];
  const many = items.length > 1;
  for (let i = 0; i < items.length; i++) {
    try {
      observations.push(normaliseItem(topic, items[i], ctx));
    } catch (err) {
      if (!(err instanceof DecodeError)) throw err;
      rejected.push(many ? { reason: err.reason, detail: err.message, index: i } : { reason: err.reason, detail: err.message });
    }
  }
  return { observations, rejected };
}

/**
 * A family of MQTT topics and how to read them: the native `vigil/...` topics, or a device
 * adapter (Zigbee2MQTT, Tasmota, ...) bound to sensors in the registry.
 */
export interface TopicDecoder {
  readonly name: string;
  /** Topic filters to subscribe to (QoS 1). */
  subscriptions(registry: Registry): string[];
  /** Whether a topic belongs to this decoder (checked in order; the first match decodes). */
  matches(topic: string): boolean;
  /** Throws DecodeError for a message that must be rejected whole. */
  decode(topic: string, payload: Buffer, ctx: DecodeContext): Decoded;
}

export const nativeDecoder: TopicDecoder = {
  name: 'native',
  // The whole tree, not `vigil/+/+/+`: a device may publish anywhere under its own
  // `vigil/<site>/<sensor>/#`, and a message on a topic of the wrong shape must be received to be
  // rejected (`bad_topic`, in the rejection log) rather than dropped unseen by the broker.
  subscriptions: () => ['vigil/#'],
  matches: (topic) => topic === 'vigil' || topic.startsWith('vigil/'),
  decode: decodeNativeMessage,
};
