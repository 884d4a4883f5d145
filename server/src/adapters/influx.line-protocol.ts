/**
 * History points → InfluxDB 1.x line protocol, built as strings directly: the ingest path runs at
 * tens of thousands of points per second, and this is the only per-point work between decoding
 * and the HTTP write.
 *
 * Escaping follows what InfluxDB 1.x's parser (models/points.go) undoes, no more:
 *  - tag values: `,`, ` ` and `=` get a backslash; a backslash itself is taken literally (InfluxDB
 *    does not unescape `\\` in tags, so doubling it would store two). Some values cannot be
 *    written at all, and a point holding one is refused, never stored altered: an empty one, one
 *    ending in a backslash (it would escape the delimiter after it), one holding a newline (it
 *    would end the line), and one with an odd run of backslashes before a space: InfluxDB splits
 *    a body into lines reading backslashes in pairs (scanLine), so it takes that escaped space for
 *    the start of the fields, counts quotes from there, and may run the line into the next.
 *  - string field values: quoted, `"` and `\` get a backslash; a newline goes in as it is (the
 *    parser keeps newlines inside quotes; `\n` would be stored as two characters).
 *
 * Timestamps are written in nanoseconds: the device millisecond plus a sub-millisecond offset, a
 * keyed hash (HMAC-SHA256 under a server secret) of the point's identity — measurement, tags,
 * fields without the arrival-dependent `lag`, and the device time. InfluxDB overwrites a point
 * with the same series and time, so a QoS 1 redelivery (same content) lands on the same point and
 * is harmless, while distinct messages get offsets nobody without the secret can predict: a
 * device cannot craft a message that lands on a stored point on purpose
 * (docs/decisions/0006-keyed-timestamp-offsets.md).
 */
import { createHmac } from 'node:crypto';
import { UNREGISTERED } from '../../../contract/index.ts';
import type { AlarmEventPoint, HistoryObservation, HistoryPoint } from '../services/history.ports.ts';

export const MEASUREMENTS = { reading: 'reading', event: 'event', status: 'status', alarmEvent: 'alarm_event' } as const;

/** A value line protocol cannot carry; the point holding it is refused (kept in the dead letter, not retried). */
export class LineProtocolError extends Error {
  readonly retryable = false;
}

const TAG_SPECIAL = /[,= \\\n]/;
const TAG_ESCAPED = /[,= ]/g;
const ODD_BACKSLASHES_BEFORE_SPACE = /(?<!\\)(?:\\\\)*\\ /;

export function escapeTag(value: string): string {
  if (value !== '' && !TAG_SPECIAL.test(value)) return value;
  const refuse = (why: string): never => {
    throw new LineProtocolError(`a tag value ${why} cannot be written to InfluxDB 1.x: ${JSON.stringify(value)}`);
  };
  if (value === '') refuse('that is empty');
  if (value.endsWith('\\')) refuse('ending in a backslash');
  if (value.includes('\n')) refuse('holding a newline');
  if (ODD_BACKSLASHES_BEFORE_SPACE.test(value)) refuse('with a backslash before a space');
  return value.replace(TAG_ESCAPED, '\\$&');
}

const FIELD_SPECIAL = /["\\]/;
const FIELD_ESCAPED = /["\\]/g;

/** A string field value, quoted. */
export function quoteField(value: string): string {
  return FIELD_SPECIAL.test(value) ? `"${value.replace(FIELD_ESCAPED, '\\$&')}"` : `"${value}"`;
}

/** The sub-millisecond offset (ns, in [0, 1e6)) of a point, from its identity (the line without `lag`). */
export type OffsetOf = (identity: string) => number;

/** Bytes of the secret behind the offsets (kept in DATA_DIR by influx.offset-key.ts). */
export const OFFSET_KEY_BYTES = 32;

/**
 * HMAC-SHA256 of the identity under `key`, its first 48 bits reduced mod 1e6 (the bias of the
 * reduction, 1e6 / 2^48, is negligible). Deterministic for one key: a redelivery, even after a
 * restart, gets the offset its first delivery got.
 */
export function keyedOffset(key: Uint8Array): OffsetOf {
  if (key.length < OFFSET_KEY_BYTES) throw new Error(`the timestamp offset key must be at least ${OFFSET_KEY_BYTES} bytes`);
  const k = Buffer.from(key);
  return (identity) => createHmac('sha256', k).update(identity).digest().readUIntBE(0, 6) % 1_000_000;
}

function fieldsOf(o: HistoryObservation): string {
  switch (o.channel) {
    case 'reading':
      // A value outside the plausible range of its unit is a sensor fault: kept, under a field of
      // its own so that charts, queries of `value` and the roll-ups' means never take it for a
      // reading (docs/contracts.md#device-time-and-plausibility).
      return o.implausible === true ? `implausible_value=${o.value},implausible=true` : `value=${o.value}`;
    case 'event': {
      let f = `type=${quoteField(o.type)}`;
      if (o.credential !== undefined) f += `,credential=${quoteField(o.credential)}`;
      if (o.reader !== undefined) f += `,reader=${quoteField(o.reader)}`;
      if (o.detail !== undefined) f += `,detail=${quoteField(o.detail)}`;
      return f;
    }
    case 'status': {
      const parts: string[] = [];
      if (o.online !== undefined) parts.push(`online=${o.online}`);
      if (o.battery !== undefined) parts.push(`battery=${o.battery}`);
      if (o.rssi !== undefined) parts.push(`rssi=${o.rssi}`);
      return parts.join(',');
    }
  }
}

/** A field value as InfluxDB gives it back (JSON): what a stored point is compared with. */
export type FieldValue = string | number | boolean;

/**
 * An observation's fields (without `lag`) as values, the same as fieldsOf writes (a unit test
 * holds the two together); for comparing a point with one InfluxDB holds, off the hot path.
 */
export function observationFields(o: HistoryObservation): Record<string, FieldValue> {
  const f: Record<string, FieldValue> = {};
  switch (o.channel) {
    case 'reading':
      if (o.implausible === true) {
        f.implausible_value = o.value;
        f.implausible = true;
      } else f.value = o.value;
      break;
    case 'event':
      f.type = o.type;
      if (o.credential !== undefined) f.credential = o.credential;
      if (o.reader !== undefined) f.reader = o.reader;
      if (o.detail !== undefined) f.detail = o.detail;
      break;
    case 'status':
      if (o.online !== undefined) f.online = o.online;
      if (o.battery !== undefined) f.battery = o.battery;
      if (o.rssi !== undefined) f.rssi = o.rssi;
      break;
  }
  if (o.kind === UNREGISTERED) f.device = o.sensorId;
  if (o.deviceTs !== undefined) f.device_ts = o.deviceTs;
  return f;
}

/** The tag names observationLine writes (a point's series is its measurement and these). */
export const OBSERVATION_TAGS = ['drill', 'kind', 'sensor', 'site', 'unit', 'zone'] as const;

/** An observation's tags by name, absent ones null, as InfluxDB gives them back. */
export function observationTags(o: HistoryObservation): Record<(typeof OBSERVATION_TAGS)[number], string | null> {
  return { drill: o.drill ?? null, kind: o.kind, sensor: sensorTag(o), site: o.siteId, unit: o.channel === 'reading' ? o.unit : null, zone: o.zoneId };
}

/**
 * Unregistered devices share one series per site and channel, their ids (which a device makes up
 * at will) in the `device` field: a tag value per made-up id would grow InfluxDB's series index
 * without bound, and at its per-database series limit refuse every new series, real sensors' too.
 */
function sensorTag(o: HistoryObservation): string {
  return o.kind === UNREGISTERED ? UNREGISTERED : o.sensorId;
}

function withDevice(o: HistoryObservation, fields: string): string {
  return o.kind === UNREGISTERED ? `${fields},device=${quoteField(o.sensorId)}` : fields;
}

/** Nanosecond timestamp as a decimal string (exceeds 2^53, so built from ms and offset). */
function nanos(ms: number, offset: number): string {
  return `${ms}${String(offset).padStart(6, '0')}`;
}

/**
 * `probe`: 0 for the offset of the point's identity; 1, 2, … for the next candidates, when a
 * different point already holds that time (influx.history.ts, for late messages).
 */
export function observationLine(o: HistoryObservation, offsetOf: OffsetOf, probe = 0): string {
  // Tags in lexical key order, as InfluxDB recommends for write performance.
  const drill = o.drill === undefined ? '' : `,drill=${escapeTag(o.drill)}`;
  // The unit is a tag: constant per sensor, so it costs nothing per point (measured: +15-45%
  // InfluxDB write throughput over a string field).
  const unit = o.channel === 'reading' ? `,unit=${escapeTag(o.unit)}` : '';
  const series = `${o.channel}${drill},kind=${escapeTag(o.kind)},sensor=${escapeTag(sensorTag(o))},site=${escapeTag(o.siteId)}${unit},zone=${escapeTag(o.zoneId)}`;
  // A device time that was not believed is kept beside the receive time the point is stored at.
  const own = withDevice(o, fieldsOf(o));
  const fields = o.deviceTs === undefined ? own : `${own},device_ts=${o.deviceTs}i`;
  const identity = `${series} ${fields} ${o.ts}`;
  const offset = offsetOf(probe === 0 ? identity : `${identity} #${probe}`);
  // lag: server receive time minus device time (ms). Receive time = time + lag; a small integer
  // compresses far better than an absolute epoch (measured: ~+12% write throughput).
  return `${series} ${fields},lag=${o.receivedAt - o.ts}i ${nanos(o.ts, offset)}`;
}

/** An alarm lifecycle event as a point of `alarm_event`; the sequence number separates events of one millisecond. */
export function alarmEventLine(e: AlarmEventPoint): string {
  const a = e.alarm;
  const drill = a.drill === null ? '' : `,drill=${escapeTag(a.drill)}`;
  const tags = `condition=${escapeTag(a.condition)}${drill},kind=${escapeTag(a.sensorKind)},priority=${escapeTag(a.priority)},sensor=${escapeTag(a.sensorId)},site=${escapeTag(a.siteId)},zone=${escapeTag(a.zoneId)}`;
  const fields = `event=${quoteField(e.kind)},state=${quoteField(a.state)},alarm=${quoteField(a.id)},actor=${quoteField(e.actor)},seq=${e.seq}i`;
  return `${MEASUREMENTS.alarmEvent},${tags} ${fields} ${nanos(e.at, e.seq % 1_000_000)}`;
}

export function pointLine(p: HistoryPoint, offsetOf: OffsetOf): string {
  return p.type === 'observation' ? observationLine(p.observation, offsetOf) : alarmEventLine(p);
}

/** The body of one `/write`: one line per point. */
export function lineProtocol(points: readonly HistoryPoint[], offsetOf: OffsetOf): string {
  return points.map((p) => pointLine(p, offsetOf)).join('\n');
}
