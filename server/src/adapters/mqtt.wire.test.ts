// Byte layouts from OASIS MQTT 3.1.1: 2.2 fixed header, 3.1 CONNECT, 3.3 PUBLISH, 3.4 PUBACK,
// 3.8 SUBSCRIBE, 3.9 SUBACK.
import { describe, expect, it } from 'vitest';
import {
  MqttProtocolError,
  PACKET,
  decodeConnack,
  decodePublish,
  decodeSuback,
  encodeConnect,
  encodePubacks,
  encodePublish,
  encodeSubscribe,
  checkFirstByte,
  decodePublishHead,
  newFrameHeader,
  readFixedHeader,
  readFrame,
} from './mqtt.wire.ts';

function frames(buf: Buffer): { type: number; flags: number; body: Buffer }[] {
  const out = [];
  const h = newFrameHeader();
  let offset = 0;
  while (offset < buf.length && readFrame(buf, offset, h)) {
    out.push({ type: h.type, flags: h.flags, body: buf.subarray(h.start, h.end) });
    offset = h.end;
  }
  return out;
}

describe('fixed header and remaining length', () => {
  it.each([
    [127, [0x7f]],
    [128, [0x80, 0x01]],
    [16_383, [0xff, 0x7f]],
    [16_384, [0x80, 0x80, 0x01]],
    [2_097_152, [0x80, 0x80, 0x80, 0x01]],
  ])('encodes a remaining length of %i as the spec example bytes', (length, bytes) => {
    const payload = Buffer.alloc(Math.max(0, length - 2 - 1)); // topic length (2) + topic "t" (1)
    const packet = encodePublish('t', payload, 0);
    expect([...packet.subarray(1, 1 + bytes.length)]).toEqual(bytes);
    const h = newFrameHeader();
    expect(readFrame(packet, 0, h)).toBe(true);
    expect(h.end).toBe(packet.length);
  });

  it('reports an incomplete frame, and its full length as soon as the fixed header is readable', () => {
    const packet = encodePublish('vigil/s/S-1/reading', '{"value":1}', 1, 7);
    const h = newFrameHeader();
    expect(readFrame(packet.subarray(0, 1), 0, h)).toBe(false);
    expect(readFixedHeader(packet.subarray(0, 1), 0, h)).toBe(false);
    expect(readFrame(packet.subarray(0, packet.length - 1), 0, h)).toBe(false);
    expect(readFixedHeader(packet.subarray(0, 2), 0, h)).toBe(true);
    expect(h).toMatchObject({ type: PACKET.publish, flags: 0x02, start: 2, end: packet.length });
  });

  it('refuses reserved fixed-header flags a broker must not set [MQTT-2.2.2-2] and QoS 3, from the first byte alone', () => {
    expect(() => checkFirstByte(0x21)).toThrow(MqttProtocolError); // CONNACK with a flag bit
    expect(() => checkFirstByte(0x92)).toThrow(MqttProtocolError); // SUBACK with a flag bit
    expect(() => checkFirstByte(0x36)).toThrow(/QoS 3/);
    expect(() => checkFirstByte(0x3b)).not.toThrow(); // PUBLISH, DUP + QoS 1 + RETAIN
    expect(() => checkFirstByte(0x20)).not.toThrow();
  });

  it('rejects a remaining length of more than four bytes', () => {
    const bad = Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]);
    expect(() => readFrame(bad, 0, newFrameHeader())).toThrow(MqttProtocolError);
  });

  it('reads several frames from one buffer, at any offset', () => {
    const a = encodePublish('a/b', 'one', 1, 1);
    const b = encodePublish('c', 'two', 0);
    const got = frames(Buffer.concat([a, b, encodePubacks([9])]));
    expect(got.map((f) => f.type)).toEqual([PACKET.publish, PACKET.publish, PACKET.puback]);
  });
});

describe('PUBLISH', () => {
  it('decodes topic, QoS, packet id, flags and payload without copying the payload', () => {
    const packet = encodePublish('vigil/hq/HQ-GAS-01/reading', '{"value":12.5,"unit":"%LEL"}', 1, 0xbeef, true);
    const h = newFrameHeader();
    readFrame(packet, 0, h);
    const p = decodePublish(packet, h);
    expect(p).toMatchObject({ topic: 'vigil/hq/HQ-GAS-01/reading', qos: 1, packetId: 0xbeef, dup: true, retain: false });
    expect(p.payload.toString()).toBe('{"value":12.5,"unit":"%LEL"}');
    expect(p.payload.buffer).toBe(packet.buffer);
  });

  it('has no packet id at QoS 0', () => {
    const packet = encodePublish('$SYS/broker/publish/messages/dropped', '3', 0);
    const h = newFrameHeader();
    readFrame(packet, 0, h);
    expect(decodePublish(packet, h)).toMatchObject({ qos: 0, packetId: undefined });
  });

  it('decodes UTF-8 topics', () => {
    const packet = encodePublish('vigil/宿舍/D-1/reading', '{}', 1, 1);
    const h = newFrameHeader();
    readFrame(packet, 0, h);
    expect(decodePublish(packet, h).topic).toBe('vigil/宿舍/D-1/reading');
  });

  it('rejects a topic length running past the packet, and QoS 3', () => {
    const packet = Buffer.from([0x32, 0x04, 0x00, 0x09, 0x61, 0x62]);
    const h = newFrameHeader();
    readFrame(packet, 0, h);
    expect(() => decodePublish(packet, h)).toThrow(/topic runs past/);
    const qos3 = Buffer.from([0x36, 0x05, 0x00, 0x01, 0x61, 0x00, 0x01]);
    readFrame(qos3, 0, h);
    expect(() => decodePublish(qos3, h)).toThrow(/QoS 3/);
  });
});

describe('PUBLISH head, before the payload has arrived', () => {
  it('reads topic and packet id from the first bytes of a frame, null until they are there', () => {
    const packet = encodePublish('vigil/s/S-1/reading', 'x'.repeat(1000), 1, 0x0102);
    const h = newFrameHeader();
    readFixedHeader(packet, 0, h);
    const headBytes = h.start + 2 + 'vigil/s/S-1/reading'.length + 2;
    expect(decodePublishHead(packet.subarray(0, headBytes - 1), h)).toBeNull();
    expect(decodePublishHead(packet.subarray(0, headBytes), h)).toMatchObject({
      topic: 'vigil/s/S-1/reading',
      qos: 1,
      packetId: 0x0102,
      payloadStart: headBytes,
    });
  });

  it('refuses a QoS 1 frame too short for its packet id even before the rest arrives', () => {
    const packet = Buffer.from([0x32, 0x04, 0x00, 0x02, 0x61, 0x62]); // topic "ab", no room for the id
    const h = newFrameHeader();
    readFixedHeader(packet, 0, h);
    expect(() => decodePublishHead(packet, h)).toThrow(/packet id/);
  });
});

describe('the other packets', () => {
  it('encodes CONNECT for a persistent session with credentials', () => {
    const packet = encodeConnect({ clientId: 'vigil-ingest', clean: false, keepaliveS: 30, username: 'u', password: 'p' });
    const [f] = frames(packet);
    expect(f!.type).toBe(PACKET.connect);
    // protocol name "MQTT", level 4, flags: user name + password, clean session off; keepalive 30
    expect([...f!.body.subarray(0, 10)]).toEqual([0, 4, 0x4d, 0x51, 0x54, 0x54, 4, 0xc0, 0, 30]);
    expect(f!.body.subarray(10).toString('latin1')).toBe('\x00\x0cvigil-ingest\x00\x01u\x00\x01p');
  });

  it('encodes CONNECT without credentials, clean session on', () => {
    const [f] = frames(encodeConnect({ clientId: 'x', clean: true, keepaliveS: 60 }));
    expect(f!.body[7]).toBe(0x02);
  });

  it('encodes SUBSCRIBE with the reserved flags 0b0010 and one QoS per filter', () => {
    const [f] = frames(
      encodeSubscribe(1, [
        { filter: 'vigil/+/+/+', qos: 1 },
        { filter: 'zigbee2mqtt/#', qos: 1 },
      ]),
    );
    expect(f!.type).toBe(PACKET.subscribe);
    expect(f!.flags).toBe(0x02);
    expect(f!.body.toString('latin1')).toBe('\x00\x01\x00\x0bvigil/+/+/+\x01\x00\x0dzigbee2mqtt/#\x01');
  });

  it('refuses reserved CONNACK flags (3.2.2.1) and reserved SUBACK return codes [MQTT-3.9.3-2]', () => {
    const h = newFrameHeader();
    const connack = Buffer.from([0x20, 0x02, 0x02, 0x00]);
    readFrame(connack, 0, h);
    expect(() => decodeConnack(connack, h)).toThrow(/reserved/);
    const suback = Buffer.from([0x90, 0x03, 0x00, 0x01, 0x03]);
    readFrame(suback, 0, h);
    expect(() => decodeSuback(suback, h)).toThrow(/return code/);
  });

  it('decodes CONNACK and SUBACK (0x80 = refused)', () => {
    const h = newFrameHeader();
    const connack = Buffer.from([0x20, 0x02, 0x01, 0x05]);
    readFrame(connack, 0, h);
    expect(decodeConnack(connack, h)).toEqual({ sessionPresent: true, returnCode: 5 });
    const suback = Buffer.from([0x90, 0x04, 0x00, 0x01, 0x01, 0x80]);
    readFrame(suback, 0, h);
    expect(decodeSuback(suback, h)).toEqual({ packetId: 1, granted: [1, 0x80] });
  });

  it('writes the PUBACKs of a whole batch into one buffer', () => {
    expect([...encodePubacks([1, 0x1234, 65_535])]).toEqual([0x40, 2, 0, 1, 0x40, 2, 0x12, 0x34, 0x40, 2, 0xff, 0xff]);
  });
});
