// The ingest MQTT client (server/src/adapters/mqtt.subscriber.ts, its own MQTT 3.1.1 code) against
// Mosquitto, the one broker Vigil runs with, configured as shipped (config/mosquitto.conf).
// Publishers are mqtt.js. Where a test must see the bytes on the wire (PUBACK order) a recording
// TCP proxy sits between the client and Mosquitto. TLS: mqtt.subscriber.tls.test.ts.
import { execFileSync } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { Writable } from 'node:stream';
import mqtt, { type MqttClient } from 'mqtt';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MqttSubscriber, type MqttSubscriberOptions, type RejectedFrameReason } from '../../server/src/adapters/mqtt.subscriber.ts';
import { PACKET, newFrameHeader, readFrame } from '../../server/src/adapters/mqtt.wire.ts';
import type { Logger } from '../../server/src/logger.ts';
import { makeTempDir } from '../support/process.ts';
import { startMosquitto, stopAllServices, type MosquittoHandle } from '../support/services.ts';
import { eventually } from '../support/vigil.ts';

interface Received {
  topic: string;
  payload: string;
  done: () => void;
}

/** A logger whose records the test can read (debug and up). */
function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

let mosquitto: MosquittoHandle;
const subscribers: MqttSubscriber[] = [];
const publishers: MqttClient[] = [];

beforeAll(async () => {
  mosquitto = await startMosquitto();
});
afterEach(async () => {
  await Promise.all(subscribers.splice(0).map((s) => s.stop()));
  await Promise.all(publishers.splice(0).map((p) => p.endAsync(true)));
});
afterAll(async () => {
  await stopAllServices();
});

/** Fast reconnects for tests that restart or refuse. */
const QUICK_RECONNECT = { initialMs: 100, maxMs: 400, jitter: 0.5 };

interface Subscriber {
  sub: MqttSubscriber;
  got: Received[];
  lines: string[];
  rejected: { reason: RejectedFrameReason; bytes: number }[];
  connections: boolean[];
}

function subscriber(url: string, clientId: string, opts: Partial<MqttSubscriberOptions> = {}): Subscriber {
  const got: Received[] = [];
  const rejected: Subscriber['rejected'] = [];
  const connections: boolean[] = [];
  const { logger, lines } = capturingLogger();
  const sub = new MqttSubscriber({
    url,
    clientId,
    topics: ['vigil/+/+/+'],
    onMessage: (topic, payload, done) => got.push({ topic, payload: payload.toString(), done }),
    isSaturated: () => false,
    whenDrained: () => Promise.resolve(),
    onRejectedFrame: (reason, bytes) => rejected.push({ reason, bytes }),
    onConnection: (up) => connections.push(up),
    logger,
    ...opts,
  });
  subscribers.push(sub);
  return { sub, got, lines, rejected, connections };
}

async function publisher(url: string): Promise<MqttClient> {
  const p = await mqtt.connectAsync(url, { clean: true, reconnectPeriod: 0 });
  publishers.push(p);
  return p;
}

async function stopped(sub: MqttSubscriber): Promise<void> {
  await sub.stop();
  subscribers.splice(subscribers.indexOf(sub), 1);
}

/**
 * After `stop`, what is left in the broker's session for `clientId`: a new connection with that
 * client id, then a marker published; the broker resends what it holds before anything newer, so
 * every payload before the marker was still unacknowledged.
 */
async function leftInSession(url: string, clientId: string): Promise<string[]> {
  const after = subscriber(url, clientId);
  await after.sub.start();
  const pub = await publisher(url);
  await pub.publishAsync('vigil/s/S-0/reading', 'marker', { qos: 1 });
  await eventually(() => after.got.some((g) => g.payload === 'marker'), 10_000, 'the marker');
  for (const g of after.got) g.done();
  await stopped(after.sub);
  return after.got.map((g) => g.payload).slice(0, -1);
}

/**
 * A TCP proxy in front of the broker that records, in wire order, the packet ids of the QoS 1
 * PUBLISHes the broker sends and of the PUBACKs the client sends back.
 */
async function recordingProxy(brokerPort: number): Promise<{ url: string; publishIds: number[]; pubackIds: number[]; close(): Promise<void> }> {
  const publishIds: number[] = [];
  const pubackIds: number[] = [];
  const sockets: net.Socket[] = [];
  const record = (onFrame: (buf: Buffer, start: number, type: number, flags: number) => void) => {
    let rest = Buffer.alloc(0);
    const h = newFrameHeader();
    return (chunk: Buffer) => {
      rest = Buffer.concat([rest, chunk]);
      let offset = 0;
      while (readFrame(rest, offset, h)) {
        onFrame(rest, h.start, h.type, h.flags);
        offset = h.end;
      }
      rest = rest.subarray(offset);
    };
  };
  const server = net.createServer((client) => {
    const broker = net.connect(brokerPort, '127.0.0.1');
    sockets.push(client, broker);
    const fromBroker = record((buf, start, type, flags) => {
      if (type === PACKET.publish && (flags & 0x06) === 0x02) publishIds.push(buf.readUInt16BE(start + 2 + buf.readUInt16BE(start)));
    });
    const fromClient = record((buf, start, type) => {
      if (type === PACKET.puback) pubackIds.push(buf.readUInt16BE(start));
    });
    broker.on('data', (chunk: Buffer) => {
      fromBroker(chunk);
      client.write(chunk);
    });
    client.on('data', (chunk: Buffer) => {
      fromClient(chunk);
      broker.write(chunk);
    });
    const end = () => {
      client.destroy();
      broker.destroy();
    };
    for (const s of [client, broker]) s.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `mqtt://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    publishIds,
    pubackIds,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('the ingest client against Mosquitto', () => {
  it('receives QoS 1 messages in order and intact, and the broker redelivers exactly those not marked durable', async () => {
    const first = subscriber(mosquitto.url, 'ingest-redeliver');
    await first.sub.start();
    const pub = await publisher(mosquitto.url);
    const payloads = Array.from({ length: 2000 }, (_, i) => JSON.stringify({ value: i, unit: '%LEL', pad: 'x'.repeat(i % 300) }));
    await Promise.all(payloads.map((p, i) => pub.publishAsync(`vigil/s/S-${i % 7}/reading`, p, { qos: 1 })));
    await eventually(() => first.got.length >= 2000, 10_000, 'all 2000 delivered');
    expect(first.got.map((g) => g.payload)).toEqual(payloads);
    expect(first.got[9]!.topic).toBe('vigil/s/S-2/reading');
    for (const g of first.got.slice(0, 1500)) g.done();
    // stop() writes the PUBACKs due before its DISCONNECT, on the same connection.
    await stopped(first.sub);

    const second = subscriber(mosquitto.url, 'ingest-redeliver');
    await second.sub.start();
    await eventually(() => second.got.length >= 500, 10_000, 'the 500 unacknowledged come back');
    expect(second.got.map((g) => g.payload)).toEqual(payloads.slice(1500));
    for (const g of second.got) g.done();
    await stopped(second.sub);

    expect(await leftInSession(mosquitto.url, 'ingest-redeliver')).toEqual([]);
  });

  it('stops reading while saturated (backpressure) and resumes where it stopped', async () => {
    let release!: () => void;
    const drained = new Promise<void>((r) => (release = r));
    let saturated = true;
    let pausedAt: number | null = null;
    let deliveredWhilePaused = 0;
    const { sub, got } = subscriber(mosquitto.url, 'ingest-backpressure', {
      onMessage: (topic, payload, done) => {
        if (pausedAt !== null && saturated) deliveredWhilePaused++;
        got.push({ topic, payload: payload.toString(), done });
      },
      isSaturated: () => saturated && got.length >= 100,
      whenDrained: () => {
        pausedAt ??= got.length;
        return drained;
      },
    });
    await sub.start();
    const pub = await publisher(mosquitto.url);
    const payloads = Array.from({ length: 500 }, (_, i) => `m${i}`);
    // All 500 accepted by the broker, and so sent on towards the client (its in-flight window is 20000).
    await Promise.all(payloads.map((p) => pub.publishAsync('vigil/s/S-1/reading', p, { qos: 1 })));
    await eventually(() => pausedAt !== null, 10_000, 'the client pausing');
    expect(pausedAt).toBe(100);
    expect(got).toHaveLength(100);
    saturated = false;
    release();
    await eventually(() => got.length >= 500, 10_000, 'the rest after the writer drained');
    expect(deliveredWhilePaused).toBe(0);
    expect(got.map((g) => g.payload)).toEqual(payloads);
    for (const g of got) g.done();
  });

  it('reassembles a large message arriving in many TCP chunks, and goes on with the next', async () => {
    const { sub, got } = subscriber(mosquitto.url, 'ingest-large');
    await sub.start();
    const pub = await publisher(mosquitto.url);
    const big = 'y'.repeat(200_000); // within the 256 KiB frame limit, far over one TCP segment
    await pub.publishAsync('vigil/s/S-1/reading', big, { qos: 1 });
    await pub.publishAsync('vigil/s/S-1/reading', 'after', { qos: 1 });
    await eventually(() => got.length >= 2, 10_000, 'both delivered');
    expect(got[0]!.payload).toBe(big);
    expect(got[1]!.payload).toBe('after');
    for (const g of got) g.done();
  });

  it('sends PUBACKs in the order the PUBLISHes arrived, however the messages became durable or were rejected [MQTT-4.6.0-2]', async () => {
    const proxy = await recordingProxy(mosquitto.port);
    try {
      const rejectedAtOnce = new Set(['m2', 'm4', 'm5']);
      const { sub, got } = subscriber(proxy.url, 'ingest-ack-order', {
        onMessage: (topic, payload, done) => {
          got.push({ topic, payload: payload.toString(), done });
          if (rejectedAtOnce.has(payload.toString())) done(); // invalid input: acknowledged at once
        },
      });
      await sub.start();
      const pub = await publisher(mosquitto.url);
      for (let i = 1; i <= 6; i++) await pub.publishAsync('vigil/s/S-1/reading', `m${i}`, { qos: 1 });
      await eventually(() => got.length >= 6, 10_000, 'six messages');
      const byPayload = (p: string) => got.find((g) => g.payload === p)!;
      byPayload('m3').done(); // durable out of order, as a later batch may be stored first
      byPayload('m1').done();
      await eventually(() => proxy.pubackIds.length >= 5, 10_000, 'PUBACKs of m1 to m5');
      byPayload('m6').done();
      await eventually(() => proxy.pubackIds.length >= 6, 10_000, 'the PUBACK of m6');
      expect(proxy.publishIds).toHaveLength(6);
      expect(proxy.pubackIds).toEqual(proxy.publishIds);
      await stopped(sub);
      expect(await leftInSession(mosquitto.url, 'ingest-ack-order')).toEqual([]);
    } finally {
      await proxy.close();
    }
  });
});

describe('the frame limit', () => {
  it('as shipped, Mosquitto stops a message over the limit (message_size_limit) before it reaches Vigil', async () => {
    const { sub, got, rejected } = subscriber(mosquitto.url, 'ingest-broker-limit');
    await sub.start();
    const pub = await publisher(mosquitto.url);
    await pub.publishAsync('vigil/s/S-1/reading', 'z'.repeat(300_000), { qos: 1 });
    await pub.publishAsync('vigil/s/S-1/reading', 'after', { qos: 1 });
    // Delivered in publish order: had the large one been forwarded, it would have come first.
    await eventually(() => got.length >= 1, 10_000, 'the message after');
    expect(got.map((g) => g.payload)).toEqual(['after']);
    expect(rejected).toEqual([]);
    got[0]!.done();
  });

  it('when a message over the limit reaches the client anyway, it is skipped, counted and acknowledged, and ingest goes on', async () => {
    const open = await startMosquitto({ extraConfig: 'message_size_limit 0' }); // a broker without the limit
    try {
      const { sub, got, rejected, connections } = subscriber(open.url, 'ingest-client-limit', { maxFrameBytes: 20_000 });
      await sub.start();
      const pub = await publisher(open.url);
      const topic = 'vigil/s/S-1/reading';
      await pub.publishAsync(topic, 'before', { qos: 1 });
      await pub.publishAsync(topic, 'z'.repeat(100_000), { qos: 1 });
      await pub.publishAsync(topic, 'after', { qos: 1 });
      await eventually(() => got.length >= 2, 10_000, 'the messages around it');
      expect(got.map((g) => g.payload)).toEqual(['before', 'after']);
      // remaining length = topic length field + topic + packet id + payload; fixed header 1 + 3 bytes
      expect(rejected).toEqual([{ reason: 'too_large', bytes: 1 + 3 + 2 + topic.length + 2 + 100_000 }]);
      expect(connections).toEqual([true]); // one connection throughout: no reconnect, no redelivery loop
      for (const g of got) g.done();
      await stopped(sub);
      expect(await leftInSession(open.url, 'ingest-client-limit')).toEqual([]);
    } finally {
      await open.dispose();
    }
  });
});

describe('connection handling', () => {
  it('reconnects when Mosquitto restarts, and receives again', async () => {
    const { sub, got } = subscriber(mosquitto.url, 'ingest-restart', { reconnect: QUICK_RECONNECT });
    await sub.start();
    expect(sub.connected).toBe(true);
    await mosquitto.stop();
    await eventually(() => !sub.connected, 5_000, 'sees the broker go');
    await mosquitto.start();
    await eventually(() => sub.connected, 10_000, 'reconnected');
    const pub = await publisher(mosquitto.url);
    await pub.publishAsync('vigil/s/S-1/reading', 'after restart', { qos: 1 });
    await eventually(() => got.length >= 1, 5_000, 'delivered after the restart');
    expect(got[0]!.payload).toBe('after restart');
    got[0]!.done();
  });

  it('reports a refused connection once however often it retries; takes credentials from the URL too', async () => {
    const dir = makeTempDir('mqtt-credentials');
    const passwords = path.join(dir, 'passwords');
    execFileSync('mosquitto_passwd', ['-c', '-b', passwords, 'vigil', 'secret']);
    const guarded = await startMosquitto({ extraConfig: `allow_anonymous false\npassword_file ${passwords}` });
    try {
      const url = guarded.url;
      const refused = subscriber(url, 'ingest-refused', { username: 'vigil', password: 'wrong', reconnect: QUICK_RECONNECT });
      void refused.sub.start();
      const attempts = () => refused.lines.filter((l) => l.includes('MQTT reconnect scheduled')).length;
      await eventually(() => attempts() >= 4, 10_000, 'four refused attempts');
      expect(refused.sub.connected).toBe(false);
      expect(refused.lines.filter((l) => l.includes('"level":40'))).toEqual([expect.stringContaining('connection refused: not authorized')]);

      // Credentials may also come in the URL, as other MQTT clients accept them.
      const inUrl = subscriber(url.replace('mqtt://', 'mqtt://vigil:secret@'), 'ingest-url-credentials');
      await inUrl.sub.start();
      expect(inUrl.sub.connected).toBe(true);
    } finally {
      await Promise.all(subscribers.splice(0).map((s) => s.stop()));
      await guarded.dispose();
    }
  });

  it('refuses a URL scheme it cannot speak', () => {
    expect(() => subscriber('ws://127.0.0.1:9001', 'ingest-ws')).toThrow(/ws: is not supported/);
  });
});
