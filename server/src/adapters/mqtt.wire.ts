/**
 * The MQTT 3.1.1 packets the ingest subscriber needs, encoded and decoded by hand (OASIS MQTT
 * 3.1.1, section 2 "MQTT Control Packet format" and section 3 "MQTT Control Packets"). Why Vigil
 * has its own ingest client rather than mqtt.js: docs/decisions/0001-own-mqtt-ingest-client.md.
 * Pure: no sockets, no timers.
 */

export const PACKET = {
  connect: 1,
  connack: 2,
  publish: 3,
  puback: 4,
  pubrec: 5,
  pubrel: 6,
  pubcomp: 7,
  subscribe: 8,
  suback: 9,
  unsubscribe: 10,
  unsuback: 11,
  pingreq: 12,
  pingresp: 13,
  disconnect: 14,
} as const;

/** Largest remaining length the protocol can express (4 bytes of varint). */
export const MAX_REMAINING_LENGTH = 268_435_455;

export class MqttProtocolError extends Error {}

/** Fixed header of the frame at an offset; reused by the caller to avoid allocating per frame. */
export interface FrameHeader {
  type: number;
  flags: number;
  /** Offset of the frame's first byte. */
  offset: number;
  /** Offset of the variable header (after the fixed header). */
  start: number;
  /** Offset just past the frame. */
  end: number;
}

export function newFrameHeader(): FrameHeader {
  return { type: 0, flags: 0, offset: 0, start: 0, end: 0 };
}

/**
 * Reads the fixed header at `offset` into `out` (type, flags, and where the frame's body starts and
 * ends). Returns false while the header itself is incomplete; throws on a malformed remaining
 * length. The body may still be arriving: `out.end` can lie past the buffer, which is how a reader
 * learns a frame's size — and can refuse it — before gathering it.
 */
export function readFixedHeader(buf: Buffer, offset: number, out: FrameHeader): boolean {
  if (offset + 2 > buf.length) return false;
  const first = buf[offset]!;
  let length = 0;
  let multiplier = 1;
  let pos = offset + 1;
  for (let i = 0; ; i++) {
    // [MQTT-2.2.3]: at most four bytes; a fifth continuation is malformed, whatever follows.
    if (i === 4) throw new MqttProtocolError('malformed remaining length (more than 4 bytes)');
    if (pos >= buf.length) return false;
    const byte = buf[pos++]!;
    length += (byte & 0x7f) * multiplier;
    if ((byte & 0x80) === 0) break;
    multiplier *= 128;
  }
  out.type = first >> 4;
  out.flags = first & 0x0f;
  out.offset = offset;
  out.start = pos;
  out.end = pos + length;
  return true;
}

/**
 * Reads the frame at `offset` into `out`. Returns false when the frame is not complete yet (read
 * more bytes and call again; `out.end` tells how far once the fixed header is readable); throws on
 * a malformed remaining length.
 */
export function readFrame(buf: Buffer, offset: number, out: FrameHeader): boolean {
  out.end = 0;
  return readFixedHeader(buf, offset, out) && out.end <= buf.length;
}

/**
 * Fixed-header flags per packet type, table 2.2 of the standard; anything else means the
 * connection must be closed [MQTT-2.2.2-2]. PUBLISH carries DUP/QoS/RETAIN there instead. (15 is
 * reserved in 3.1.1 and AUTH, flags 0, in MQTT 5.)
 */
const REQUIRED_FLAGS: Partial<Record<number, number>> = { 1: 0, 2: 0, 4: 0, 5: 0, 6: 2, 7: 0, 8: 2, 9: 0, 10: 2, 11: 0, 12: 0, 13: 0, 14: 0, 15: 0 };

/**
 * Throws unless a frame's first byte has the flags its packet type requires (and a PUBLISH a QoS
 * of 0–2 [MQTT-3.3.1-4]): checkable from that byte alone, before the rest of the frame arrives.
 */
export function checkFirstByte(first: number): void {
  const type = first >> 4;
  const flags = first & 0x0f;
  const required = REQUIRED_FLAGS[type];
  if (required !== undefined && flags !== required) throw new MqttProtocolError(`packet type ${type} with reserved flags 0x${flags.toString(16)}`);
  if (type === PACKET.publish && (flags & 0x06) === 0x06) throw new MqttProtocolError('PUBLISH with QoS 3');
}

function varintLength(n: number): number {
  return n < 128 ? 1 : n < 16_384 ? 2 : n < 2_097_152 ? 3 : 4;
}

function writeVarint(buf: Buffer, offset: number, n: number): number {
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    buf[offset++] = byte;
  } while (n > 0);
  return offset;
}

function frame(first: number, body: Buffer): Buffer {
  if (body.length > MAX_REMAINING_LENGTH) throw new MqttProtocolError('packet too large');
  const out = Buffer.allocUnsafe(1 + varintLength(body.length) + body.length);
  out[0] = first;
  body.copy(out, writeVarint(out, 1, body.length));
  return out;
}

function utf8Field(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length > 0xffff) throw new MqttProtocolError('string longer than 65535 bytes');
  const out = Buffer.allocUnsafe(2 + bytes.length);
  out.writeUInt16BE(bytes.length, 0);
  bytes.copy(out, 2);
  return out;
}

export interface ConnectOptions {
  clientId: string;
  clean: boolean;
  keepaliveS: number;
  username?: string;
  password?: string;
}

export function encodeConnect(o: ConnectOptions): Buffer {
  let flags = o.clean ? 0x02 : 0;
  const parts = [utf8Field('MQTT'), Buffer.from([4, 0, (o.keepaliveS >> 8) & 0xff, o.keepaliveS & 0xff]), utf8Field(o.clientId)];
  if (o.username !== undefined) {
    flags |= 0x80;
    parts.push(utf8Field(o.username));
    if (o.password !== undefined) {
      flags |= 0x40;
      parts.push(utf8Field(o.password));
    }
  }
  parts[1]![1] = flags;
  return frame(PACKET.connect << 4, Buffer.concat(parts));
}

export const CONNACK_REFUSALS: Record<number, string> = {
  1: 'unacceptable protocol version',
  2: 'client identifier rejected',
  3: 'server unavailable',
  4: 'bad user name or password',
  5: 'not authorized',
};

export function decodeConnack(buf: Buffer, h: FrameHeader): { sessionPresent: boolean; returnCode: number } {
  if (h.end - h.start !== 2) throw new MqttProtocolError('CONNACK must have 2 bytes');
  const flags = buf[h.start]!;
  // Connect acknowledge flags: bits 7-1 are reserved and must be 0 (3.2.2.1).
  if (flags > 1) throw new MqttProtocolError('CONNACK with reserved flags set');
  return { sessionPresent: flags === 1, returnCode: buf[h.start + 1]! };
}

export function encodeSubscribe(packetId: number, topics: { filter: string; qos: 0 | 1 }[]): Buffer {
  const parts: Buffer[] = [Buffer.from([packetId >> 8, packetId & 0xff])];
  for (const t of topics) parts.push(utf8Field(t.filter), Buffer.from([t.qos]));
  // SUBSCRIBE's fixed-header flags are 0b0010 [MQTT-3.8.1-1].
  return frame((PACKET.subscribe << 4) | 0x02, Buffer.concat(parts));
}

export function decodeSuback(buf: Buffer, h: FrameHeader): { packetId: number; granted: number[] } {
  if (h.end - h.start < 3) throw new MqttProtocolError('SUBACK too short');
  const granted: number[] = [];
  for (let i = h.start + 2; i < h.end; i++) {
    const code = buf[i]!;
    // [MQTT-3.9.3-2]: return codes other than 0x00, 0x01, 0x02 and 0x80 are reserved.
    if (code > 2 && code !== 0x80) throw new MqttProtocolError(`SUBACK return code 0x${code.toString(16)}`);
    granted.push(code);
  }
  return { packetId: buf.readUInt16BE(h.start), granted };
}

export function encodeUnsubscribe(packetId: number, filters: readonly string[]): Buffer {
  const parts: Buffer[] = [Buffer.from([packetId >> 8, packetId & 0xff])];
  for (const f of filters) parts.push(utf8Field(f));
  // UNSUBSCRIBE's fixed-header flags are 0b0010 [MQTT-3.10.1-1].
  return frame((PACKET.unsubscribe << 4) | 0x02, Buffer.concat(parts));
}

export function decodeUnsuback(buf: Buffer, h: FrameHeader): number {
  if (h.end - h.start !== 2) throw new MqttProtocolError('UNSUBACK must have 2 bytes');
  return buf.readUInt16BE(h.start);
}

/** What precedes a PUBLISH frame's payload. */
export interface PublishHead {
  topic: string;
  qos: number;
  /** Present for QoS 1 and 2. */
  packetId: number | undefined;
  dup: boolean;
  retain: boolean;
  /** Offset of the payload in the buffer. */
  payloadStart: number;
}

/**
 * Decodes the topic and packet id of a PUBLISH whose body starts at `h.start`, from `buf` even
 * when the rest of the frame (the payload) has not arrived: null when `buf` ends before the packet
 * id. Throws when the frame is malformed (QoS 3, a topic or packet id running past the frame).
 */
export function decodePublishHead(buf: Buffer, h: FrameHeader): PublishHead | null {
  const qos = (h.flags >> 1) & 0x03;
  if (qos === 3) throw new MqttProtocolError('PUBLISH with QoS 3');
  if (h.start + 2 > h.end) throw new MqttProtocolError('PUBLISH too short for its topic length');
  if (h.start + 2 > buf.length) return null;
  const topicLength = buf.readUInt16BE(h.start);
  let pos = h.start + 2 + topicLength;
  if (pos > h.end) throw new MqttProtocolError('PUBLISH topic runs past the packet');
  if (qos > 0 && pos + 2 > h.end) throw new MqttProtocolError('PUBLISH too short for its packet id');
  if (pos + (qos > 0 ? 2 : 0) > buf.length) return null;
  const topic = buf.toString('utf8', h.start + 2, pos);
  let packetId: number | undefined;
  if (qos > 0) {
    packetId = buf.readUInt16BE(pos);
    pos += 2;
  }
  return { topic, qos, packetId, dup: (h.flags & 0x08) !== 0, retain: (h.flags & 0x01) !== 0, payloadStart: pos };
}

/** A PUBLISH frame's fields; `payload` is a view into the frame's buffer (no copy). */
export interface Publish {
  topic: string;
  qos: number;
  /** Present for QoS 1 and 2. */
  packetId: number | undefined;
  dup: boolean;
  retain: boolean;
  payload: Buffer;
}

/** Decodes a whole PUBLISH frame (`readFrame` returned true for it). */
export function decodePublish(buf: Buffer, h: FrameHeader): Publish {
  const head = decodePublishHead(buf, h);
  if (!head) throw new MqttProtocolError('PUBLISH frame is not complete');
  return { topic: head.topic, qos: head.qos, packetId: head.packetId, dup: head.dup, retain: head.retain, payload: buf.subarray(head.payloadStart, h.end) };
}

/** Every PUBACK for `ids` in one buffer (one socket write for a whole batch). */
export function encodePubacks(ids: readonly number[]): Buffer {
  const out = Buffer.allocUnsafe(4 * ids.length);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    const o = 4 * i;
    out[o] = PACKET.puback << 4;
    out[o + 1] = 2;
    out[o + 2] = id >> 8;
    out[o + 3] = id & 0xff;
  }
  return out;
}

export function encodePublish(topic: string, payload: Buffer | string, qos: 0 | 1, packetId = 0, dup = false): Buffer {
  const body = [utf8Field(topic)];
  if (qos > 0) body.push(Buffer.from([packetId >> 8, packetId & 0xff]));
  body.push(typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload);
  return frame((PACKET.publish << 4) | (dup ? 0x08 : 0) | (qos << 1), Buffer.concat(body));
}

export const PINGREQ = Buffer.from([PACKET.pingreq << 4, 0]);
export const DISCONNECT = Buffer.from([PACKET.disconnect << 4, 0]);
