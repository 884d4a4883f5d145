/**
 * Cuts the byte stream from the broker into MQTT frames, with a bound on the memory any one frame
 * may take. Pure: the subscriber feeds it socket chunks and reacts to what it reports.
 *
 * Frames are read in place from the chunk they arrived in; only a frame split across chunks is
 * copied, once. A frame whose fixed header announces more than `maxFrameBytes` is never gathered:
 * a PUBLISH's topic and packet id are read (at most 64 KiB in, the topic's 16-bit length bounds
 * it) and reported, and the rest of its bytes are skipped as they arrive. Anything else that large
 * no broker sends to a subscriber, and is a protocol error.
 */
import {
  MqttProtocolError,
  PACKET,
  checkFirstByte,
  decodePublishHead,
  newFrameHeader,
  readFixedHeader,
  type FrameHeader,
  type PublishHead,
} from './mqtt.wire.ts';

export interface FrameHandler {
  /** A whole frame; its body is `buf[h.start, h.end)`. `h` is reused for the next frame. */
  frame(buf: Buffer, h: FrameHeader): void;
  /** A PUBLISH over the limit: its head; its `frameBytes` are skipped without being held. */
  oversizedPublish(head: PublishHead, frameBytes: number): void;
}

/**
 * An incomplete frame at least this large is gathered chunk by chunk and copied once when whole,
 * instead of being re-joined with every chunk (quadratic for a frame of many chunks).
 */
const GATHER_FROM_BYTES = 65_536;

export class FrameReader {
  /** Bytes of an incomplete frame, or of frames not read yet while paused. */
  private rest: Buffer | null = null;
  /** Chunks of one large frame still arriving, and the length it needs in all. */
  private gathering: { chunks: Buffer[]; bytes: number; needed: number } | null = null;
  /** Bytes of an oversized frame still to skip. */
  private skipping = 0;
  private paused = false;
  private readonly header = newFrameHeader();

  constructor(
    private readonly maxFrameBytes: number,
    private readonly handler: FrameHandler,
  ) {}

  /** Reads the frames `chunk` completes, until paused. Throws MqttProtocolError on a malformed stream. */
  push(chunk: Buffer): void {
    if (this.skipping > 0) {
      const skipped = Math.min(this.skipping, chunk.length);
      this.skipping -= skipped;
      if (skipped === chunk.length) return;
      chunk = chunk.subarray(skipped);
    }
    const g = this.gathering;
    if (g) {
      g.chunks.push(chunk);
      g.bytes += chunk.length;
      if (g.bytes < g.needed) return;
      this.gathering = null;
      this.read(Buffer.concat(g.chunks, g.bytes));
      return;
    }
    const rest = this.rest;
    this.rest = null;
    this.read(rest ? Buffer.concat([rest, chunk]) : chunk);
  }

  /** Stops reading after the current frame; what follows is held until `resume`. */
  pause(): void {
    this.paused = true;
  }

  /** Reads what was held while paused (it may pause again). */
  resume(): void {
    this.paused = false;
    const rest = this.rest;
    this.rest = null;
    if (rest) this.read(rest);
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** Bytes held in memory: a frame still arriving, or frames not read while paused. */
  get bufferedBytes(): number {
    return (this.rest?.length ?? 0) + (this.gathering?.bytes ?? 0);
  }

  private read(buf: Buffer): void {
    const h = this.header;
    let offset = 0;
    while (offset < buf.length) {
      if (this.paused) {
        this.rest = buf.subarray(offset);
        return;
      }
      checkFirstByte(buf[offset]!);
      if (!readFixedHeader(buf, offset, h)) {
        this.rest = buf.subarray(offset);
        return;
      }
      const frameBytes = h.end - h.offset;
      if (frameBytes > this.maxFrameBytes) {
        if (h.type !== PACKET.publish)
          throw new MqttProtocolError(`a frame of type ${h.type} and ${frameBytes} bytes, over the ${this.maxFrameBytes}-byte limit`);
        const head = decodePublishHead(buf, h);
        if (!head) {
          // Topic and packet id still arriving: hold them (bounded by the 16-bit topic length).
          this.rest = buf.subarray(offset);
          return;
        }
        this.handler.oversizedPublish(head, frameBytes);
        if (h.end > buf.length) {
          this.skipping = h.end - buf.length;
          return;
        }
        offset = h.end;
        continue;
      }
      if (h.end > buf.length) {
        const rest = buf.subarray(offset);
        if (frameBytes >= GATHER_FROM_BYTES) this.gathering = { chunks: [rest], bytes: rest.length, needed: frameBytes };
        else this.rest = rest;
        return;
      }
      offset = h.end;
      this.handler.frame(buf, h);
    }
  }
}
