// The frame reader's memory bound and its buffering across chunks. Random and truncated input,
// compared with mqtt-packet's parser: mqtt.frame-reader.fuzz.test.ts.
import { describe, expect, it } from 'vitest';
import { FrameReader } from './mqtt.frame-reader.ts';
import { PACKET, decodePublish, encodePubacks, encodePublish, type FrameHeader, type PublishHead } from './mqtt.wire.ts';

interface Seen {
  frames: { type: number; body: Buffer; payload?: string }[];
  oversized: { head: PublishHead; bytes: number }[];
}

function reader(maxFrameBytes: number, onFrame?: (r: FrameReader) => void): { r: FrameReader; seen: Seen } {
  const seen: Seen = { frames: [], oversized: [] };
  const r: FrameReader = new FrameReader(maxFrameBytes, {
    frame(buf: Buffer, h: FrameHeader) {
      const body = Buffer.from(buf.subarray(h.start, h.end));
      seen.frames.push(h.type === PACKET.publish ? { type: h.type, body, payload: decodePublish(buf, h).payload.toString() } : { type: h.type, body });
      onFrame?.(r);
    },
    oversizedPublish(head, bytes) {
      seen.oversized.push({ head, bytes });
    },
  });
  return { r, seen };
}

function chunks(buf: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) out.push(buf.subarray(i, i + size));
  return out;
}

describe('FrameReader', () => {
  it('reads frames split at every byte, and several frames from one chunk', () => {
    const stream = Buffer.concat([encodePublish('a/b', 'one', 1, 1), encodePubacks([7]), encodePublish('c', 'two', 0)]);
    for (const size of [1, 2, 3, 5, stream.length]) {
      const { r, seen } = reader(1024);
      for (const c of chunks(stream, size)) r.push(c);
      expect(seen.frames.map((f) => f.payload ?? f.type)).toEqual(['one', PACKET.puback, 'two']);
      expect(r.bufferedBytes).toBe(0);
    }
  });

  it('gathers a large frame within the limit from many chunks and hands it over whole', () => {
    const payload = 'z'.repeat(500_000);
    const { r, seen } = reader(1024 * 1024);
    for (const c of chunks(Buffer.concat([encodePublish('big', payload, 1, 1), encodePublish('next', 'n', 1, 2)]), 65_536)) r.push(c);
    expect(seen.frames.map((f) => f.payload)).toEqual([payload, 'n']);
  });

  it('never holds more of a frame over the limit than its topic and packet id, however large it is', () => {
    const cap = 4096;
    const big = encodePublish('vigil/s/S-1/reading', Buffer.alloc(10_000_000, 0x78), 1, 0x1234);
    const after = encodePublish('vigil/s/S-1/reading', 'after', 1, 0x1235);
    const { r, seen } = reader(cap);
    let most = 0;
    // The next frame starts inside the last chunk of the large one.
    for (const c of chunks(Buffer.concat([big, after]), 65_536)) {
      r.push(c);
      most = Math.max(most, r.bufferedBytes);
    }
    expect(most).toBeLessThanOrEqual(cap);
    expect(seen.oversized).toEqual([{ head: expect.objectContaining({ topic: 'vigil/s/S-1/reading', qos: 1, packetId: 0x1234 }), bytes: big.length }]);
    expect(seen.frames.map((f) => f.payload)).toEqual(['after']);
  });

  it('waits for the topic and packet id of an oversized PUBLISH when they arrive in pieces', () => {
    const topic = `vigil/${'t'.repeat(3000)}/reading`;
    const big = encodePublish(topic, Buffer.alloc(50_000), 1, 9);
    const { r, seen } = reader(1024);
    for (const c of chunks(Buffer.concat([big, encodePublish('x', 'after', 1, 10)]), 100)) r.push(c);
    expect(seen.oversized.map((o) => [o.head.topic, o.head.packetId, o.bytes])).toEqual([[topic, 9, big.length]]);
    expect(seen.frames.map((f) => f.payload)).toEqual(['after']);
  });

  it('stops after the frame during which it was paused, and reads the rest on resume', () => {
    const stream = Buffer.concat(['1', '2', '3'].map((p, i) => encodePublish('t', p, 1, i + 1)));
    const { r, seen } = reader(1024, (self) => {
      if (seen.frames.length === 1) self.pause();
    });
    r.push(stream);
    expect(seen.frames.map((f) => f.payload)).toEqual(['1']);
    expect(r.bufferedBytes).toBe(stream.length - encodePublish('t', '1', 1, 1).length);
    r.push(encodePublish('t', '4', 1, 4)); // arrived before the socket paused
    expect(seen.frames).toHaveLength(1);
    r.resume();
    expect(seen.frames.map((f) => f.payload)).toEqual(['1', '2', '3', '4']);
  });
});
