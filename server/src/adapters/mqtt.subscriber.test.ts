// The ingest MQTT client's failure handling against a scripted fake broker (a TCP server speaking
// just enough MQTT). Its behaviour against real brokers is in test/integration/mqtt.subscriber.test.ts.
import net from 'node:net';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { MqttSubscriber } from './mqtt.subscriber.ts';
import { PACKET, encodePublish, newFrameHeader, readFrame } from './mqtt.wire.ts';

interface FakeBroker {
  port: number;
  connections: number;
  received: number[][];
  /** Packet ids of the PUBACKs received, per connection. */
  pubacks: number[][];
  /** When false, PINGREQs go unanswered (a half-open connection). */
  answerPings: boolean;
  sockets: net.Socket[];
  close(): Promise<void>;
}

async function fakeBroker(): Promise<FakeBroker> {
  const broker: FakeBroker = { port: 0, connections: 0, received: [], pubacks: [], answerPings: true, sockets: [], close: async () => {} };
  const server = net.createServer((socket) => {
    broker.connections++;
    broker.sockets.push(socket);
    const types: number[] = [];
    broker.received.push(types);
    const acked: number[] = [];
    broker.pubacks.push(acked);
    let rest = Buffer.alloc(0);
    const h = newFrameHeader();
    socket.on('data', (chunk) => {
      rest = Buffer.concat([rest, chunk]);
      let offset = 0;
      while (readFrame(rest, offset, h)) {
        types.push(h.type);
        if (h.type === PACKET.puback) acked.push(rest.readUInt16BE(h.start));
        if (h.type === PACKET.connect) socket.write(Buffer.from([0x20, 2, 0, 0]));
        if (h.type === PACKET.subscribe) socket.write(Buffer.from([0x90, 3, rest[h.start]!, rest[h.start + 1]!, 1]));
        if (h.type === PACKET.pingreq && broker.answerPings) socket.write(Buffer.from([0xd0, 0]));
        offset = h.end;
      }
      rest = rest.subarray(offset);
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  broker.port = (server.address() as net.AddressInfo).port;
  broker.close = () =>
    new Promise((resolve) => {
      for (const s of broker.sockets) s.destroy();
      server.close(() => resolve());
    });
  return broker;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(opts: { keepaliveS?: number; saturated?: () => boolean } = {}) {
  const broker = await fakeBroker();
  const got: string[] = [];
  const sub = new MqttSubscriber({
    url: `mqtt://127.0.0.1:${broker.port}`,
    clientId: 'ingest-test',
    topics: ['vigil/+/+/+'],
    onMessage: (_topic, payload, done) => {
      got.push(payload.toString());
      done();
    },
    isSaturated: opts.saturated ?? (() => false),
    whenDrained: () => new Promise(() => {}), // never: stays paused once saturated
    logger: pino({ level: 'silent' }),
    keepaliveS: opts.keepaliveS ?? 30,
    reconnectMs: 50,
  });
  cleanups.push(
    () => broker.close(),
    () => sub.stop(),
  );
  await sub.start();
  return { broker, sub, got };
}

const until = async (check: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('MqttSubscriber failure handling', () => {
  it('pings every half keepalive, and drops a connection whose broker stopped answering', async () => {
    const { broker } = await setup({ keepaliveS: 1 });
    await until(() => broker.received[0]!.filter((t) => t === PACKET.pingreq).length >= 2);
    expect(broker.connections).toBe(1); // answered pings keep the connection
    broker.answerPings = false;
    await until(() => broker.connections === 2, 4000);
  });

  it('keeps a paused connection (backpressure) even though nothing is read meanwhile', async () => {
    const { broker, got } = await setup({ keepaliveS: 1, saturated: () => true });
    broker.sockets[0]!.write(encodePublish('vigil/s/S-1/reading', 'one', 1, 1));
    await until(() => got.length === 1);
    broker.answerPings = false; // and anything the broker sends now stays unread anyway
    await new Promise((r) => setTimeout(r, 2500));
    expect(broker.connections).toBe(1);
  });

  it.each([
    ['a QoS 2 PUBLISH on a QoS 1 subscription', encodePublish('vigil/s/S-1/reading', 'x', 1, 1).fill(0x34, 0, 1)],
    ['a remaining length of five bytes', Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01])],
    ['a packet type a broker never sends to a client', Buffer.from([0x10, 0x00])],
  ])('reconnects after %s, and goes on receiving', async (_what, bad) => {
    const { broker, got } = await setup();
    broker.sockets[0]!.write(bad);
    await until(() => broker.connections === 2);
    await until(() => broker.received[1]!.includes(PACKET.subscribe));
    broker.sockets[1]!.write(encodePublish('vigil/s/S-1/reading', 'after', 1, 2));
    await until(() => got.includes('after'));
    expect(got).not.toContain('x');
  });

  it('acknowledges every message of a 300-message burst', async () => {
    const { broker, got } = await setup();
    const burst = Buffer.concat(Array.from({ length: 300 }, (_, i) => encodePublish('vigil/s/S-1/reading', `m${i}`, 1, i + 1)));
    broker.sockets[0]!.write(burst);
    await until(() => broker.received[0]!.filter((t) => t === PACKET.puback).length === 300);
    expect(got).toHaveLength(300);
    // [MQTT-4.3.2-4]: each PUBACK carries the packet id of the PUBLISH it acknowledges.
    expect([...broker.pubacks[0]!].sort((a, b) => a - b)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
  });
});
