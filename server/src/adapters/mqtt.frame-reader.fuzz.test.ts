// The hand-written frame reader and decoders (mqtt.frame-reader.ts, mqtt.wire.ts) against
// mqtt-packet, the parser inside mqtt.js, on random streams of what a broker sends a subscriber
// (PUBLISH, CONNACK, SUBACK, PINGRESP; OASIS MQTT 3.1.1 §2–3): split into random chunks, cut short,
// and corrupted. Both must decode the same packets, need more bytes at the same points, and refuse
// the same malformed input.
//
// Where the two differ, the reader is the stricter one, on frames the standard calls malformed and
// mqtt-packet does not check (it reads such fields from the next frame's bytes):
// - a CONNACK whose remaining length is not 2 (§3.2.1: "This is the length of the variable header.
//   For the CONNACK Packet this has the value 2");
// - a SUBACK without a return code (§3.9.3: one per topic filter of the SUBSCRIBE, which has ≥ 1);
// - a QoS 1 or 2 PUBLISH too short for its packet id (§3.3.2.2).
// Any other difference fails. A failing case prints its seed: FUZZ_SEED=<seed> reproduces it.
import mqttPacket, { type Packet } from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { FrameReader } from './mqtt.frame-reader.ts';
import { MqttProtocolError, PACKET, decodeConnack, decodePublish, decodeSuback, newFrameHeader, readFixedHeader, type FrameHeader } from './mqtt.wire.ts';

/** Small, seedable PRNG (mulberry32): a failure is reproducible from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = ReturnType<typeof prng>;
const int = (r: Rand, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

/** Decoded packets in one shape for both parsers. */
type Decoded =
  | { cmd: 'publish'; topic: string; qos: number; messageId: number | undefined; dup: boolean; retain: boolean; payload: string }
  | { cmd: 'connack'; sessionPresent: boolean; returnCode: number }
  | { cmd: 'suback'; messageId: number; granted: number[] }
  | { cmd: 'pingresp' }
  /** A packet a broker never sends this subscriber (it never publishes or unsubscribes): the subscriber refuses it. */
  | { cmd: 'other'; type: string };

interface Outcome {
  packets: Decoded[];
  error: string | null;
}

/** The reader and decoders as the subscriber uses them, fed the same chunks. */
function ours(chunks: readonly Buffer[], maxFrameBytes = Number.MAX_SAFE_INTEGER): Outcome & { frames: Buffer[] } {
  const out: Outcome & { frames: Buffer[] } = { packets: [], error: null, frames: [] };
  const reader = new FrameReader(maxFrameBytes, {
    frame(buf: Buffer, h: FrameHeader) {
      out.frames.push(Buffer.from(buf.subarray(h.offset, h.end)));
      if (h.type === PACKET.publish) {
        const p = decodePublish(buf, h);
        out.packets.push({
          cmd: 'publish',
          topic: p.topic,
          qos: p.qos,
          messageId: p.packetId,
          dup: p.dup,
          retain: p.retain,
          payload: p.payload.toString('hex'),
        });
      } else if (h.type === PACKET.connack) out.packets.push({ cmd: 'connack', ...decodeConnack(buf, h) });
      else if (h.type === PACKET.suback) {
        const s = decodeSuback(buf, h);
        out.packets.push({ cmd: 'suback', messageId: s.packetId, granted: s.granted });
      } else if (h.type === PACKET.pingresp) out.packets.push({ cmd: 'pingresp' });
      else throw new MqttProtocolError(`unexpected packet type ${h.type}`);
    },
    oversizedPublish() {
      throw new Error('no frame is over the limit here');
    },
  });
  try {
    for (const c of chunks) reader.push(c);
  } catch (err) {
    if (!(err instanceof MqttProtocolError)) throw err;
    out.error = err.message;
  }
  return out;
}

/** mqtt-packet's streaming parser (MQTT 3.1.1), fed the same chunks; stops at its first error. */
function theirs(chunks: readonly Buffer[]): Outcome {
  const out: Outcome = { packets: [], error: null };
  const parser = mqttPacket.parser({ protocolVersion: 4 });
  parser.on('packet', (p: Packet) => {
    if (out.error !== null) return;
    if (p.cmd === 'publish')
      out.packets.push({
        cmd: 'publish',
        topic: p.topic,
        qos: p.qos,
        messageId: p.qos > 0 ? p.messageId : undefined,
        dup: p.dup,
        retain: p.retain,
        payload: Buffer.from(p.payload).toString('hex'),
      });
    else if (p.cmd === 'connack') out.packets.push({ cmd: 'connack', sessionPresent: p.sessionPresent, returnCode: p.returnCode! });
    else if (p.cmd === 'suback') out.packets.push({ cmd: 'suback', messageId: p.messageId!, granted: p.granted as number[] });
    else if (p.cmd === 'pingresp') out.packets.push({ cmd: 'pingresp' });
    else out.packets.push({ cmd: 'other', type: p.cmd });
  });
  parser.on('error', (err: Error) => {
    out.error ??= err.message;
  });
  for (const c of chunks) {
    if (out.error !== null) break;
    try {
      parser.parse(c);
    } catch (err) {
      out.error = `threw ${(err as Error).message}`;
    }
  }
  return out;
}

/** The malformations only the reader catches (see the header), judged from the frame's own bytes. */
function malformedOnlyWeCheck(frame: Buffer): boolean {
  const h = newFrameHeader();
  if (!readFixedHeader(frame, 0, h)) return false;
  const length = h.end - h.start;
  if (h.type === PACKET.connack) return length !== 2;
  if (h.type === PACKET.suback) return length < 3;
  if (h.type === PACKET.publish) {
    const qos = (h.flags >> 1) & 3;
    return qos > 0 && length >= 2 && 2 + frame.readUInt16BE(h.start) + 2 > length && 2 + frame.readUInt16BE(h.start) <= length;
  }
  return false;
}

/** Bytes from a PUBLISH frame's start to the end of its packet id (0 for other packets). */
function publishHeadBytes(frame: Buffer): number {
  const h = newFrameHeader();
  readFixedHeader(frame, 0, h);
  return h.type === PACKET.publish ? h.start + 2 + frame.readUInt16BE(h.start) + 2 : 0;
}

/** Compares the two outcomes under the rules in the header. */
function agree(a: ReturnType<typeof ours>, b: Outcome, context: string): void {
  const n = a.packets.length;
  // Up to our first refusal (or the end), both decoded the same, except that we refuse what a
  // broker never sends us.
  const firstOther = b.packets.findIndex((p) => p.cmd === 'other');
  const comparable = firstOther === -1 ? b.packets : b.packets.slice(0, firstOther);
  expect(a.packets, context).toEqual(comparable.slice(0, n));
  if (a.error === null) {
    expect(b.error, `${context}: mqtt-packet refused what the reader accepted`).toBeNull();
    expect(b.packets.length, `${context}: mqtt-packet decoded more`).toBe(n);
    return;
  }
  // We refused the frame after the n-th: so did mqtt-packet, or it is a packet we refuse to take
  // from a broker, or one of the malformed frames only we check.
  if (b.error !== null && b.packets.length === n) return;
  if (b.packets[n]?.cmd === 'other') return;
  // (A refusal by the reader itself — flags, remaining length — leaves no frame: never excused.)
  const refused = a.frames[n];
  expect(b.packets.length, `${context}: we refused (${a.error}), mqtt-packet did not`).toBeGreaterThan(n);
  expect(
    refused !== undefined && malformedOnlyWeCheck(refused),
    `${context}: we refused (${a.error}), mqtt-packet decoded ${JSON.stringify(b.packets[n])}`,
  ).toBe(true);
}

// --- what a broker sends a subscriber, as mqtt-packet generates it ---

function randomTopic(r: Rand): string {
  const alphabet = ['a', 'b', 'vigil', '/', 'S-1', 'reading', '宿舍', 'é', '$SYS', ' ', '+'];
  const parts: string[] = [];
  const n = int(r, 1, 8);
  for (let i = 0; i < n; i++) parts.push(pick(r, alphabet));
  if (r() < 0.05) parts.push('x'.repeat(int(r, 100, 400)));
  return parts.join('');
}

/**
 * Payload sizes around the remaining-length encoding's boundaries (127/128, 16383/16384), small
 * ones, and now and then one large enough for the reader to gather it from many chunks.
 */
function randomPayload(r: Rand): Buffer {
  const size = r() < 0.2 ? pick(r, [0, 1, 120, 121, 122, 123, 124, 125, 126, 127, 128, 16_370, 16_376, 16_380, 16_384, 16_390, 70_000]) : int(r, 0, 300);
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = int(r, 0, 255);
  return b;
}

function randomPacket(r: Rand): Buffer {
  const kind = r();
  if (kind < 0.6) {
    const qos = pick(r, [0, 1, 1, 2] as const);
    return mqttPacket.generate({
      cmd: 'publish',
      topic: randomTopic(r),
      payload: randomPayload(r),
      qos,
      messageId: qos > 0 ? int(r, 1, 65_535) : undefined,
      dup: qos > 0 && r() < 0.2,
      retain: r() < 0.2,
    });
  }
  if (kind < 0.75) return mqttPacket.generate({ cmd: 'connack', sessionPresent: r() < 0.5, returnCode: int(r, 0, 5) });
  if (kind < 0.9) {
    return mqttPacket.generate({ cmd: 'suback', messageId: int(r, 1, 65_535), granted: Array.from({ length: int(r, 1, 5) }, () => pick(r, [0, 1, 2, 0x80])) });
  }
  return mqttPacket.generate({ cmd: 'pingresp' });
}

function randomStream(r: Rand): Buffer[] {
  return Array.from({ length: int(r, 1, 12) }, () => randomPacket(r));
}

/** Random chunk boundaries, including 1-byte chunks and boundaries inside the fixed header. */
function split(r: Rand, stream: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let i = 0;
  while (i < stream.length) {
    const size = r() < 0.3 ? int(r, 1, 3) : int(r, 1, Math.max(1, Math.floor(stream.length / 3)));
    out.push(stream.subarray(i, i + size));
    i += size;
  }
  return out;
}

/** A corruption of one packet: its first byte, its remaining length, or a few body bytes. */
function corrupt(r: Rand, packet: Buffer): Buffer {
  const p = Buffer.from(packet);
  const what = r();
  if (what < 0.35) {
    p[0] = int(r, 0, 255);
    return p;
  }
  if (what < 0.7) {
    const h = newFrameHeader();
    readFixedHeader(p, 0, h);
    const bytes = int(r, 1, 5);
    const length = Buffer.from(Array.from({ length: bytes }, (_, i) => (i < bytes - 1 ? 0x80 | int(r, 0, 127) : int(r, 0, 127))));
    if (r() < 0.5) length[0] = int(r, 0, 10); // a short length, the rest of the frame then misread as further frames
    return Buffer.concat([p.subarray(0, 1), length.subarray(0, r() < 0.5 ? 1 : length.length), p.subarray(h.start)]);
  }
  for (let i = int(r, 1, 3); i > 0; i--) p[int(r, 1, p.length - 1)] = int(r, 0, 255);
  return p;
}

const BASE_SEED = Number(process.env.FUZZ_SEED ?? 0x5eed);
const CASES = process.env.FUZZ_SEED ? 1 : 400;

describe('frame reader and decoders against mqtt-packet', () => {
  it('decode the same packets from valid streams split into random chunks, agreeing after every chunk (needs more bytes)', () => {
    for (let i = 0; i < CASES; i++) {
      const seed = BASE_SEED + i;
      const r = prng(seed);
      const chunks = split(r, Buffer.concat(randomStream(r)));
      for (let k = 1; k <= chunks.length; k++) {
        const a = ours(chunks.slice(0, k));
        const b = theirs(chunks.slice(0, k));
        expect(a.error, `seed ${seed}`).toBeNull();
        expect(b.error, `seed ${seed}`).toBeNull();
        expect(a.packets, `FUZZ_SEED=${seed}, after chunk ${k} of ${chunks.length}`).toEqual(b.packets);
      }
    }
  });

  it('decode the same complete packets from a stream cut short, and both wait for the rest', () => {
    for (let i = 0; i < CASES; i++) {
      const seed = BASE_SEED + 10_000 + i;
      const r = prng(seed);
      const packets = randomStream(r);
      const stream = Buffer.concat(packets);
      const cut = int(r, 0, stream.length - 1);
      const a = ours(split(r, stream.subarray(0, cut)));
      const b = theirs([stream.subarray(0, cut)]);
      let whole = 0;
      for (let end = 0, k = 0; k < packets.length && end + packets[k]!.length <= cut; k++) {
        end += packets[k]!.length;
        whole++;
      }
      expect({ error: a.error, n: a.packets.length }, `FUZZ_SEED=${seed}`).toEqual({ error: null, n: whole });
      expect(a.packets, `FUZZ_SEED=${seed}`).toEqual(b.packets);
      expect(b.error).toBeNull();
    }
  });

  it('refuse the same corrupted streams (or the reader alone refuses a frame the standard calls malformed)', () => {
    let refusedByBoth = 0;
    let refusedByUsAlone = 0;
    for (let i = 0; i < CASES * 5; i++) {
      const seed = BASE_SEED + 20_000 + i;
      const r = prng(seed);
      const packets = randomStream(r);
      const bad = int(r, 0, packets.length - 1);
      packets[bad] = corrupt(r, packets[bad]!);
      const stream = Buffer.concat(packets);
      const a = ours(split(r, stream));
      const b = theirs([stream]);
      agree(a, b, `FUZZ_SEED=${seed}`);
      if (a.error !== null && b.error !== null) refusedByBoth++;
      if (a.error !== null && b.error === null) refusedByUsAlone++;
    }
    // The corruptions exercise refusals, not only harmless byte flips inside payloads.
    expect(refusedByBoth).toBeGreaterThan(CASES / 2);
    expect(refusedByUsAlone).toBeGreaterThan(0);
  });

  it('with a frame limit, reads the heads of oversized PUBLISHes as mqtt-packet decodes them, and every other frame the same', () => {
    for (let i = 0; i < CASES; i++) {
      const seed = BASE_SEED + 30_000 + i;
      const r = prng(seed);
      const packets = randomStream(r);
      const chunks = split(r, Buffer.concat(packets));
      const cap = int(r, 16, 400);
      const expected = theirs(chunks).packets.map((p, k) =>
        packets[k]!.length > cap && p.cmd === 'publish' ? { oversized: [p.topic, p.qos, p.messageId] } : p,
      );
      const got: unknown[] = [];
      const reader = new FrameReader(cap, {
        frame(buf, h) {
          const a = ours([Buffer.from(buf.subarray(h.offset, h.end))]);
          got.push(a.error ?? a.packets[0]);
        },
        oversizedPublish(head) {
          got.push({ oversized: [head.topic, head.qos, head.packetId] });
        },
      });
      let error: string | null = null;
      let most = 0;
      try {
        for (const c of chunks) {
          reader.push(c);
          most = Math.max(most, reader.bufferedBytes);
        }
      } catch (err) {
        error = (err as Error).message;
      }
      const firstNonPublishOver = packets.findIndex((p) => p.length > cap && p[0]! >> 4 !== PACKET.publish);
      if (firstNonPublishOver === -1) {
        expect(error, `FUZZ_SEED=${seed}`).toBeNull();
        expect(got, `FUZZ_SEED=${seed}`).toEqual(expected);
      } else {
        // Only PUBLISH may exceed the limit; a CONNACK or SUBACK that large is refused.
        expect(error, `FUZZ_SEED=${seed}`).toMatch(/over the \d+-byte limit/);
        expect(got, `FUZZ_SEED=${seed}`).toEqual(expected.slice(0, firstNonPublishOver));
      }
      // Held at most: part of a frame within the limit, or the fixed header, topic and packet id of one over it.
      expect(most, `FUZZ_SEED=${seed}`).toBeLessThanOrEqual(Math.max(cap, ...packets.map(publishHeadBytes)));
    }
  });
});
