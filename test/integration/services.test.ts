// The real services the integration and e2e tests stand on (test/support/services.ts): if these
// fail, every other integration test would fail for reasons that have nothing to do with Vigil.
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { startInflux, startMosquitto, stopAllServices } from '../support/services.ts';

const clients: MqttClient[] = [];

/** A client that reports connect errors at once instead of retrying forever. */
async function connect(url: string, options: IClientOptions = {}): Promise<MqttClient> {
  const client = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 5_000, ...options });
  clients.push(client);
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
    client.once('close', () => reject(new Error(`connection to ${url} closed before CONNACK`)));
  });
  return client;
}

/** Connects and starts collecting messages before CONNACK, so queued messages delivered at once are not missed. */
function collectingClient(url: string, options: IClientOptions): { client: MqttClient; received: string[]; connected: Promise<void> } {
  const client = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 5_000, ...options });
  clients.push(client);
  const received: string[] = [];
  client.on('message', (_topic, payload) => received.push(payload.toString()));
  const connected = new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  return { client, received, connected };
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.endAsync(true)));
});

afterAll(async () => {
  await stopAllServices();
});

describe('Mosquitto with the shipped configuration', () => {
  it('relays a QoS 1 message between two mqtt.js clients', async () => {
    const broker = await startMosquitto();
    expect(broker.url).toMatch(/^mqtt:\/\/127\.0\.0\.1:\d+$/);
    const subscriber = await connect(broker.url);
    const publisher = await connect(broker.url);
    const arrived = new Promise<{ topic: string; payload: string; qos: number }>((resolve) => {
      subscriber.once('message', (topic, payload, packet) => resolve({ topic, payload: payload.toString(), qos: packet.qos }));
    });
    await subscriber.subscribeAsync('vigil/+/+/+', { qos: 1 });
    const reading = JSON.stringify({ ts: Date.now(), value: 12.5, unit: '%LEL' });
    await publisher.publishAsync('vigil/hq/gas-01/reading', reading, { qos: 1 });
    await expect(arrived).resolves.toEqual({ topic: 'vigil/hq/gas-01/reading', payload: reading, qos: 1 });
    await broker.dispose();
  });

  // docs/architecture.md#nothing-lost-end-to-end: messages published while Vigil is down are delivered when it returns,
  // even across a broker restart in between.
  it.each([
    { protocol: 'MQTT 3.1.1', options: { protocolVersion: 4 } as IClientOptions },
    { protocol: 'MQTT 5', options: { protocolVersion: 5, properties: { sessionExpiryInterval: 0xffffffff } } as IClientOptions },
  ])('keeps a message for an absent persistent session across a broker restart ($protocol)', async ({ options }) => {
    const broker = await startMosquitto();
    const session: IClientOptions = { ...options, clientId: 'vigil-ingest-test', clean: false };

    const first = await connect(broker.url, session);
    await first.subscribeAsync('vigil/#', { qos: 1 });
    await first.endAsync();

    const publisher = await connect(broker.url);
    await publisher.publishAsync('vigil/hq/door-07/event', '{"type":"forced_open"}', { qos: 1 });
    await publisher.endAsync();

    await broker.stop();
    await broker.start();

    const back = collectingClient(broker.url, session);
    await back.connected;
    await vi.waitFor(() => expect(back.received).toEqual(['{"type":"forced_open"}']), { timeout: 10_000 });
    await broker.dispose();
  });

  // docs/architecture.md#nothing-lost-end-to-end: Mosquitto's default max_queued_messages (1000)
  // silently drops QoS 1 messages for a lagging persistent subscriber; the shipped configuration
  // must not.
  it('queues more than the default 1000 messages for an absent subscriber and drops none', async () => {
    const broker = await startMosquitto();
    const session: IClientOptions = { clientId: 'vigil-backlog-test', clean: false };
    const first = await connect(broker.url, session);
    await first.subscribeAsync('vigil/#', { qos: 1 });
    await first.endAsync();

    const total = 5_000;
    const publisher = await connect(broker.url);
    for (let start = 0; start < total; start += 500) {
      await Promise.all(Array.from({ length: 500 }, (_, i) => publisher.publishAsync('vigil/hq/gas-01/reading', String(start + i), { qos: 1 })));
    }

    const back = collectingClient(broker.url, session);
    await back.connected;
    await vi.waitFor(() => expect(back.received.length).toBe(total), { timeout: 20_000 });
    expect(new Set(back.received).size).toBe(total);

    const dropped = await new Promise<string>((resolve) => {
      publisher.once('message', (_topic, payload) => resolve(payload.toString()));
      void publisher.subscribeAsync('$SYS/broker/publish/messages/dropped', { qos: 0 });
    });
    expect(dropped).toBe('0');
    await broker.dispose();
  });
});

describe('InfluxDB from config/influxdb.conf', () => {
  it('creates a database, stores a point written to /write and answers it through /query', async () => {
    const influx = await startInflux();
    expect(influx.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${influx.url}/ping`)).status).toBe(204);

    await influx.query('CREATE DATABASE vigil');
    const ts = Date.now();
    const response = await fetch(`${influx.url}/write?db=vigil&precision=ms`, {
      method: 'POST',
      body: `reading,site=hq,sensor=gas-01,kind=gas value=12.5 ${ts}`,
    });
    expect(response.status).toBe(204);

    const rows = await influx.query('SELECT value FROM reading GROUP BY sensor', 'vigil');
    expect(rows).toEqual([{ sensor: 'gas-01', time: ts, value: 12.5 }]);
    await influx.dispose();
  });

  it('keeps its data across a stop and a start', async () => {
    const influx = await startInflux();
    await influx.query('CREATE DATABASE vigil');
    const ts = Date.now();
    await influx.write('vigil', [`reading,sensor=smoke-03 value=1 ${ts}`, `reading,sensor=smoke-03 value=2 ${ts + 1}`]);

    const { port, dir } = influx;
    await influx.stop();
    expect(
      await fetch(`${influx.url}/ping`).then(
        () => 'up',
        () => 'down',
      ),
    ).toBe('down');
    await influx.start();
    expect(influx.port).toBe(port);
    expect(influx.dir).toBe(dir);

    const rows = await influx.query('SELECT value FROM reading', 'vigil');
    expect(rows.map((row) => [row.time, row.value])).toEqual([
      [ts, 1],
      [ts + 1, 2],
    ]);
    await influx.dispose();
  });

  it('reports InfluxQL errors instead of returning nothing', async () => {
    const influx = await startInflux();
    await expect(influx.query('SELECT * FROM reading', 'no_such_db')).rejects.toThrow(/database not found/);
    await influx.dispose();
  });
});
