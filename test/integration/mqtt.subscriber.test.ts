// The ingest MQTT client (server/src/adapters/mqtt.subscriber.ts, its own MQTT 3.1.1 code) against
// the two brokers Vigil runs with: Mosquitto and the embedded Aedes. Publishers are mqtt.js.
import { Writable } from 'node:stream';
import mqtt, { type MqttClient } from 'mqtt';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../server/src/adapters/aedes.broker.ts';
import { MqttSubscriber, type MqttSubscriberOptions } from '../../server/src/adapters/mqtt.subscriber.ts';
import type { Logger } from '../../server/src/logger.ts';
import { startMosquitto, stopAllServices, type MosquittoHandle } from '../support/services.ts';
import { eventually } from '../support/vigil.ts';

interface Received {
  topic: string;
  payload: string;
  done: () => void;
}

/** A logger whose lines the test can read. */
function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

let mosquitto: MosquittoHandle;
let aedes: EmbeddedBroker;
const subscribers: MqttSubscriber[] = [];
const publishers: MqttClient[] = [];

beforeAll(async () => {
  mosquitto = await startMosquitto();
  aedes = await startEmbeddedBroker('127.0.0.1', 0, pino({ level: 'silent' }));
});
afterEach(async () => {
  await Promise.all(subscribers.splice(0).map((s) => s.stop()));
  await Promise.all(publishers.splice(0).map((p) => p.endAsync(true)));
});
afterAll(async () => {
  await aedes.close();
  await stopAllServices();
});

function subscriber(url: string, clientId: string, opts: Partial<MqttSubscriberOptions> = {}): { sub: MqttSubscriber; got: Received[]; lines: string[] } {
  const got: Received[] = [];
  const { logger, lines } = capturingLogger();
  const sub = new MqttSubscriber({
    url,
    clientId,
    topics: ['vigil/+/+/+'],
    onMessage: (topic, payload, done) => got.push({ topic, payload: payload.toString(), done }),
    isSaturated: () => false,
    whenDrained: () => Promise.resolve(),
    logger,
    ...opts,
  });
  subscribers.push(sub);
  return { sub, got, lines };
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

const brokers = [
  ['Mosquitto', () => mosquitto.url],
  ['Aedes (embedded)', () => `mqtt://127.0.0.1:${aedes.port}`],
] as const;

describe.each(brokers)('the ingest client against %s', (name, url) => {
  const id = `ingest-${name.slice(0, 5)}`;

  it('receives QoS 1 messages in order and intact, and the broker redelivers exactly those not marked durable', async () => {
    const first = subscriber(url(), `${id}-redeliver`);
    await first.sub.start();
    const pub = await publisher(url());
    const payloads = Array.from({ length: 2000 }, (_, i) => JSON.stringify({ value: i, unit: '%LEL', pad: 'x'.repeat(i % 300) }));
    await Promise.all(payloads.map((p, i) => pub.publishAsync(`vigil/s/S-${i % 7}/reading`, p, { qos: 1 })));
    await eventually(() => first.got.length >= 2000, 10_000, 'all 2000 delivered');
    expect(first.got.map((g) => g.payload)).toEqual(payloads);
    expect(first.got[9]!.topic).toBe('vigil/s/S-2/reading');
    for (const g of first.got.slice(0, 1500)) g.done();
    await new Promise((r) => setTimeout(r, 200)); // acknowledgements are written on the next turn
    await stopped(first.sub);

    const second = subscriber(url(), `${id}-redeliver`);
    await second.sub.start();
    await eventually(() => second.got.length >= 500, 10_000, 'the 500 unacknowledged come back');
    expect(second.got.map((g) => g.payload)).toEqual(payloads.slice(1500));
    for (const g of second.got) g.done();
    await new Promise((r) => setTimeout(r, 200));
    await stopped(second.sub);

    // Now everything is acknowledged: after a marker, nothing old comes back.
    const third = subscriber(url(), `${id}-redeliver`);
    await third.sub.start();
    await pub.publishAsync('vigil/s/S-0/reading', 'marker', { qos: 1 });
    await eventually(() => third.got.length >= 1, 10_000, 'the marker');
    await new Promise((r) => setTimeout(r, 200));
    expect(third.got.map((g) => g.payload)).toEqual(['marker']);
  });

  it('stops reading while saturated (backpressure) and resumes where it stopped', async () => {
    let release!: () => void;
    const drained = new Promise<void>((r) => (release = r));
    let saturated = true;
    const { sub, got } = subscriber(url(), `${id}-backpressure`, {
      isSaturated: () => saturated && got.length >= 100,
      whenDrained: () => drained,
    });
    await sub.start();
    const pub = await publisher(url());
    const payloads = Array.from({ length: 500 }, (_, i) => `m${i}`);
    for (const p of payloads) void pub.publishAsync('vigil/s/S-1/reading', p, { qos: 1 });
    await eventually(() => got.length >= 100, 10_000, '100 delivered');
    await new Promise((r) => setTimeout(r, 300));
    expect(got).toHaveLength(100); // not one more while saturated
    saturated = false;
    release();
    await eventually(() => got.length >= 500, 10_000, 'the rest after the writer drained');
    expect(got.map((g) => g.payload)).toEqual(payloads);
    for (const g of got) g.done();
  });

  it('reassembles a large message arriving in many TCP chunks, and goes on with the next', async () => {
    const { sub, got } = subscriber(url(), `${id}-large`);
    await sub.start();
    const pub = await publisher(url());
    const big = 'y'.repeat(1_500_000);
    await pub.publishAsync('vigil/s/S-1/reading', big, { qos: 1 });
    await pub.publishAsync('vigil/s/S-1/reading', 'after', { qos: 1 });
    await eventually(() => got.length >= 2, 10_000, 'both delivered');
    expect(got[0]!.payload.length).toBe(big.length);
    expect(got[0]!.payload).toBe(big);
    expect(got[1]!.payload).toBe('after');
    for (const g of got) g.done();
  });
});

describe('connection handling', () => {
  it('reconnects when Mosquitto restarts, and receives again', async () => {
    const { sub, got } = subscriber(mosquitto.url, 'ingest-restart', { reconnectMs: 200 });
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

  it('reports a refused connection and a refused subscription, once each; takes credentials from the URL too', async () => {
    const picky = await startEmbeddedBroker('127.0.0.1', 0, pino({ level: 'silent' }), {
      authenticate: (username) => Promise.resolve(username === 'vigil' ? 'vigil' : null),
      mayPublish: () => true,
      maySubscribe: (_p, filter) => !filter.startsWith('vigil/'),
      describe: (p) => p,
    });
    try {
      const refused = subscriber(`mqtt://127.0.0.1:${picky.port}`, 'ingest-refused', { username: 'intruder', password: 'x', reconnectMs: 100 });
      void refused.sub.start();
      await eventually(() => refused.lines.some((l) => l.includes('bad user name or password')), 5_000, 'the refusal logged');
      await new Promise((r) => setTimeout(r, 500)); // several more attempts
      expect(refused.sub.connected).toBe(false);
      expect(refused.lines.filter((l) => l.includes('bad user name or password'))).toHaveLength(1);

      const unsubscribed = subscriber(`mqtt://127.0.0.1:${picky.port}`, 'ingest-unsubscribed', { username: 'vigil', password: 'x' });
      await unsubscribed.sub.start();
      await eventually(() => unsubscribed.lines.some((l) => l.includes('refused the ingest subscription')), 5_000, 'the refused subscription logged');
      expect(unsubscribed.lines.find((l) => l.includes('refused the ingest subscription'))).toContain('vigil/+/+/+');

      // Credentials may also come in the URL, as other MQTT clients accept them.
      const inUrl = subscriber(`mqtt://vigil:x@127.0.0.1:${picky.port}`, 'ingest-url-credentials');
      await inUrl.sub.start();
      expect(inUrl.sub.connected).toBe(true);
    } finally {
      await Promise.all(subscribers.splice(0).map((s) => s.stop()));
      await picky.close();
    }
  });

  it('refuses a URL scheme it cannot speak', () => {
    expect(() => subscriber('ws://127.0.0.1:9001', 'ingest-ws')).toThrow(/ws: is not supported/);
  });
});
