// Gateway credentials on the one broker (Debian's Mosquitto 2.0.11 with dynamic security, set up
// as `npm start` sets it up): `gateway add` lets a Zigbee2MQTT bridge connect with its gateway id
// and publish everything a real bridge publishes on start — its own state, discovery configs, an
// unbound device and its bound devices — without ever being disconnected, and it reaches Vigil.
// It cannot publish outside its tree, its credential works with its own client id only (a broker
// hands a client id's session to whoever connects with it last, MQTT 3.1.1 §3.1.4), and
// `gateway revoke` disconnects it at once. Rules: services/device-credentials.broker.ts.
//
// With MQTT 3.1.1 Mosquitto acknowledges a publish it refuses like one it accepts (PUBACK, and
// drops it), so what was accepted is checked where it arrives: an observer subscribed to `#`, and
// InfluxDB. A refused publish is followed by an allowed "marker" on the same connection: the broker
// forwards one connection's messages in order, so once the marker is at the observer, the refused
// message would have been there before it.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IClientOptions, MqttClient } from 'mqtt';
import pino from 'pino';
import type { GatewayCredentialCreatedResponse, GatewayCredentialView } from '../../contract/index.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MosquittoDynsec } from '../../server/src/adapters/mosquitto.dynsec.ts';
import { startInflux, stopAllServices, type InfluxHandle, type InfluxRow } from '../support/services.ts';
import { cliOk, mqttClients } from '../support/clients.ts';
import { eventually, startVigil, type VigilHandle } from '../support/vigil.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FACILITY = path.join(ROOT, 'test/fixtures/gateway-credentials/facility.yaml');
const DB = 'vigil_gateway_credentials_test';
const GATEWAY = 'G-Z2M';
const OBSERVER = { username: 'test-observer', password: 'observer-password-0123' };

let influx: InfluxHandle;
let vigil: VigilHandle;
let password = '';
const { connect, refusedCode, closeAll } = mqttClients();
/** Every message the broker forwarded, in order. */
const seen: { topic: string; payload: string }[] = [];

const asGateway = (extra: IClientOptions = {}): IClientOptions => ({ username: GATEWAY, clientId: GATEWAY, password, ...extra });
const adminPassword = () => fs.readFileSync(path.join(vigil.dataDir, 'broker/admin.password'), 'utf8').trim();

function watchCloses(client: MqttClient): { closes: number } {
  const w = { closes: 0 };
  client.on('close', () => w.closes++);
  return w;
}

const arrived = (topic: string, payload?: string) => seen.some((m) => m.topic === topic && (payload === undefined || m.payload === payload));
const waitFor = (topic: string, payload?: string) => eventually(() => arrived(topic, payload), 10_000, `${topic} at the observer`);

const stored = (influxql: string, what: string): Promise<InfluxRow[]> =>
  eventually(
    async () => {
      const rows = await influx.query(influxql, DB);
      return rows.length > 0 ? rows : null;
    },
    15_000,
    what,
  );

beforeAll(async () => {
  influx = await startInflux();
  // Demo mode: the simulator's gateway credential (sim@G-Z2M) is on the broker too.
  vigil = await startVigil({ influxUrl: influx.url, influxDb: DB, env: { FACILITY_FILE: FACILITY, FLUSH_INTERVAL_MS: '50', VIGIL_DEMO: '1' } });
  await eventually(async () => (await vigil.api('/api/health')).status === 200, 30_000, 'Vigil healthy');
  // An observer of our own, next to Vigil's ingest: Vigil leaves clients and roles it does not manage alone.
  const admin = new MosquittoDynsec({ url: vigil.mqttUrl, username: 'vigil-admin', password: adminPassword(), logger: pino({ level: 'silent' }) });
  try {
    await admin.connect();
    await admin.run([
      { command: 'createRole', rolename: 'test-observer', acls: [{ acltype: 'subscribePattern', topic: '#', allow: true }] },
      { command: 'createClient', ...OBSERVER, roles: [{ rolename: 'test-observer' }] },
    ]);
  } finally {
    await admin.close();
  }
  const observer = await connect(vigil.mqttUrl, { ...OBSERVER, clientId: OBSERVER.username });
  observer.on('message', (topic, payload) => seen.push({ topic, payload: payload.toString() }));
  await observer.subscribeAsync('#', { qos: 1 });
  password = /password: (\S+)/.exec(cliOk(await vigil.cli(['gateway', 'add', GATEWAY])))![1]!;
});

afterAll(async () => {
  await closeAll();
  await vigil?.stop();
  await stopAllServices();
});

describe('a gateway with the credential `gateway add` printed', () => {
  it('publishes its own state, discovery, an unbound device and its bound device: all accepted, never disconnected, the reading stored', async () => {
    const t0 = Date.now();
    const bridge = await connect(vigil.mqttUrl, asGateway({ protocolVersion: 4 }));
    const watched = watchCloses(bridge);
    // What Zigbee2MQTT publishes on start (zigbee2mqtt.io "MQTT topics and messages"), at QoS 1: each resolves on its PUBACK.
    const messages: [string, string][] = [
      ['zigbee2mqtt/bridge/state', '{"state":"online"}'],
      ['zigbee2mqtt/bridge/info', '{"version":"2.1.1","log_level":"info"}'],
      ['homeassistant/binary_sensor/x/y/config', '{"device_class":"smoke","state_topic":"zigbee2mqtt/Kitchen smoke"}'],
      ['zigbee2mqtt/Hallway motion', '{"occupancy":true,"battery":97}'],
      ['zigbee2mqtt/Kitchen gas', `{"gas":false,"gas_density":3,"linkquality":102,"last_seen":${t0}}`],
    ];
    for (const [topic, payload] of messages) await bridge.publishAsync(topic, payload, { qos: 1 });
    for (const [topic, payload] of messages) await waitFor(topic, payload);
    const gas = await stored(`SELECT value, unit FROM reading WHERE sensor = 'G-Z2M-GAS'`, 'the bound device reading in InfluxDB');
    expect(gas[0]).toMatchObject({ value: 3, unit: '%LEL' });
    const status = await stored(`SELECT online FROM status WHERE sensor = '${GATEWAY}'`, "the bridge's own state in InfluxDB");
    expect(status[0]).toMatchObject({ online: true });
    expect(watched.closes).toBe(0);
    expect(bridge.connected).toBe(true);
  });

  it('subscribes to its own tree as real Zigbee2MQTT does (granted); elsewhere it gets SUBACK 0x80 and stays connected', async () => {
    const bridge = await connect(vigil.mqttUrl, asGateway({ protocolVersion: 4 }));
    const watched = watchCloses(bridge);
    const own = await bridge.subscribeAsync('zigbee2mqtt/#', { qos: 1 });
    expect(own.map((g) => g.qos)).toEqual([1]);
    // Mosquitto 2.0.11, MQTT 3.1.1: a refused subscription is return code 0x80 in the SUBACK, not a disconnect.
    const refused = await bridge.subscribeAsync('vigil/#', { qos: 1 }).then(
      () => null,
      (err: { packet?: { granted?: unknown[] } }) => err.packet?.granted ?? err,
    );
    expect(refused).toEqual([128]);
    const received: string[] = [];
    bridge.on('message', (topic) => received.push(topic));
    await bridge.publishAsync('zigbee2mqtt/bridge/request/health_check', '{}', { qos: 1 });
    await eventually(() => received.includes('zigbee2mqtt/bridge/request/health_check'), 10_000, 'its own request back through its subscription');
    expect(watched.closes).toBe(0);
    expect(bridge.connected).toBe(true);
  });

  it("publishing outside its tree (Vigil's topics, another gateway's tree) does not reach Vigil", async () => {
    const bridge = await connect(vigil.mqttUrl, asGateway({ protocolVersion: 4 }));
    const watched = watchCloses(bridge);
    const marker = `{"marker":${Date.now()}}`;
    await bridge.publishAsync('vigil/g1/G-NATIVE-GAS/reading', JSON.stringify({ ts: Date.now(), value: 50, unit: '%LEL' }), { qos: 1 });
    await bridge.publishAsync('tele/SonoffZB/SENSOR', '{"ZbReceived":{}}', { qos: 1 });
    await bridge.publishAsync('stat/SonoffZB/RESULT', '{}', { qos: 1 });
    await bridge.publishAsync('zigbee2mqtt/bridge/logging', marker, { qos: 1 });
    await waitFor('zigbee2mqtt/bridge/logging', marker);
    expect(seen.filter((m) => m.topic.startsWith('vigil/') || m.topic.startsWith('tele/') || m.topic.startsWith('stat/'))).toEqual([]);
    expect(await influx.query(`SELECT value FROM reading WHERE sensor = 'G-NATIVE-GAS'`, DB)).toEqual([]);
    expect(watched.closes).toBe(0);
  });

  it('is refused with another client id, and another gateway is refused with its credential', async () => {
    expect(await refusedCode(vigil.mqttUrl, asGateway({ clientId: 'G-Z2M-2' }))).toBe(5);
    expect(await refusedCode(vigil.mqttUrl, asGateway({ clientId: 'G-TAS' }))).toBe(5);
    expect(await refusedCode(vigil.mqttUrl, asGateway({ username: 'G-TAS', clientId: 'G-TAS' }))).toBe(5);
    expect(await refusedCode(vigil.mqttUrl, asGateway())).toBe(0);
  });

  it('gateway list shows it with what it may publish and subscribe to', async () => {
    const out = cliOk(await vigil.cli(['gateway', 'list']));
    expect(out).toBe('G-Z2M  active   publishes zigbee2mqtt/# homeassistant/+/+/+/config  subscribes zigbee2mqtt/#\n');
    // Device commands keep to devices.
    expect(cliOk(await vigil.cli(['device', 'list']))).toBe('no device credentials\n');
    expect((await vigil.cli(['device', 'revoke', GATEWAY])).code).toBe(1);
  });
});

describe("the simulator's gateway connection in demo mode (npm start)", () => {
  it('simulate run connects the bridge as sim@G-Z2M with the --password-file secret, and its bridge state arrives', async () => {
    const before = seen.length;
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(ROOT, 'simulator/src/cli.ts'),
        'run',
        '--duration',
        '1',
        '--seed',
        '1',
        '--broker',
        vigil.mqttUrl,
        '--facility',
        FACILITY,
        // As scripts/start.sh runs it.
        '--username',
        'sim@{sensor}',
        '--password-file',
        path.join(vigil.dataDir, 'broker/simulator.password'),
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code, stderr).toBe(0);
    expect(stderr).not.toMatch(/gateway G-Z2M/);
    await eventually(() => seen.slice(before).some((m) => m.topic === 'zigbee2mqtt/bridge/info'), 10_000, "the simulated bridge's bridge/info at the observer");
    expect(seen.slice(before).some((m) => m.topic === 'zigbee2mqtt/bridge/state' && m.payload.includes('online'))).toBe(true);
  });
});

describe('the same on the admin REST API (/api/gateway-credentials)', () => {
  it('an admin issues a credential the gateway connects and publishes with, and revoking it disconnects the gateway', async () => {
    await vigil.addUser('gw-admin', 'admin');
    const cookie = await vigil.login('gw-admin');
    const headers = { cookie, 'content-type': 'application/json' };
    const created = await vigil.api<GatewayCredentialCreatedResponse>('/api/gateway-credentials', {
      method: 'POST',
      headers,
      body: JSON.stringify({ gatewayId: 'G-TAS' }),
    });
    expect(created.status).toBe(201);
    expect(created.body.gateway).toMatchObject({ gatewayId: 'G-TAS', username: 'G-TAS', subscribe: ['tele/SonoffZB/#', 'stat/SonoffZB/#'] });
    const tasmota = await connect(vigil.mqttUrl, { username: 'G-TAS', clientId: 'G-TAS', password: created.body.password });
    const watched = watchCloses(tasmota);
    await tasmota.publishAsync('tele/SonoffZB/LWT', 'Online', { qos: 1 });
    await waitFor('tele/SonoffZB/LWT', 'Online');
    const listed = await vigil.api<GatewayCredentialView[]>('/api/gateway-credentials', { headers });
    expect(listed.body.map((g) => [g.gatewayId, g.revokedAt === null])).toEqual([
      ['G-TAS', true],
      ['G-Z2M', true],
    ]);
    const revoked = await vigil.api<GatewayCredentialView>('/api/gateway-credentials/G-TAS', { method: 'DELETE', headers });
    expect(revoked.status).toBe(200);
    await eventually(() => watched.closes > 0, 2000, 'the revoked gateway disconnected');
    expect(await refusedCode(vigil.mqttUrl, { username: 'G-TAS', clientId: 'G-TAS', password: created.body.password })).toBe(5);
  });
});

describe('gateway revoke', () => {
  it('disconnects the gateway at once and refuses it from then on', async () => {
    const bridge = await connect(vigil.mqttUrl, asGateway());
    const watched = watchCloses(bridge);
    cliOk(await vigil.cli(['gateway', 'revoke', GATEWAY]));
    // The broker kicks it while handling the command, before the CLI hears back; the close event may trail by a tick.
    await eventually(() => watched.closes > 0, 2000, 'the revoked gateway disconnected');
    expect(await refusedCode(vigil.mqttUrl, asGateway())).toBe(5);
  });
});
