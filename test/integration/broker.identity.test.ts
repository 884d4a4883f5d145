// Who may connect to the broker as whom, against Debian's Mosquitto 2.0.11 with dynamic security,
// set up as `npm start` sets it up (test/support/vigil.ts).
//
// A broker hands a client id's session to whoever connects with it last (MQTT 3.1.1 §3.1.4: "If the
// ClientId represents a Client already connected to the Server then the Server MUST disconnect the
// existing Client"). So every credential is bound to one client id (dynsec `clientid`, checked
// before the takeover in Mosquitto's handle_connect.c): no device, and nobody anonymous, can take
// Vigil's persistent ingest session — with clean=true that would wipe the readings queued for
// Vigil, with clean=false the intruder would receive them. Also: `device add` and `device revoke`
// take effect at once, and the generated Mosquitto ACL grants exactly what dynamic security does
// (one set of rules, services/device-credentials.broker.ts).
import fs from 'node:fs';
import path from 'node:path';
import type { IClientOptions, MqttClient } from 'mqtt';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MosquittoDynsec, type DynsecState } from '../../server/src/adapters/mosquitto.dynsec.ts';
import { createDeviceDecoders } from '../../server/src/domain/decoders/index.ts';
import { nativeDecoder } from '../../server/src/domain/observation.decode.ts';
import { Registry } from '../../server/src/domain/registry.ts';
import {
  BROKER_DROPPED_TOPIC,
  brokerPlan,
  devicePrincipal,
  ingestRole,
  sensorRole,
  type SiteSession,
} from '../../server/src/services/device-credentials.broker.ts';
import { DeviceTopics, decoderSubscriptions, siteSessions } from '../../server/src/services/device-credentials.topics.ts';
import { loadFacility } from '../../server/src/services/facility.loader.ts';
import { startInflux, startMosquitto, stopAllServices, type InfluxHandle, type MosquittoHandle } from '../support/services.ts';
import { cliOk, mqttClients } from '../support/clients.ts';
import { eventually, startVigil, type VigilHandle } from '../support/vigil.ts';

const FACILITY = path.resolve('test/fixtures/facility.yaml');
const DB = 'vigil_broker_identity_test';
const INGEST_ID = 'vigil-ingest';
const silent = pino({ level: 'silent' });

let influx: InfluxHandle;
/** Demo mode, so that the simulated devices are on the broker too. */
let vigil: VigilHandle;
const creds: Record<string, string> = {};
const { connect, refusedCode, closeAll } = mqttClients();

/** A device as `device add` tells it to connect: its sensor id as user name and client id. */
const asDevice = (sensor: string, extra: IClientOptions = {}): IClientOptions => ({ username: sensor, clientId: sensor, password: creds[sensor], ...extra });

/** Every way a stranger might try Vigil's client id: a device's credential or none, a clean or a resumed session. */
const intruders = (): [string, IClientOptions][] => [
  ['device credential, clean session', asDevice('T-DOOR-01', { clientId: INGEST_ID, clean: true })],
  ['device credential, persistent session', asDevice('T-DOOR-01', { clientId: INGEST_ID, clean: false })],
  ['anonymous, clean session', { clientId: INGEST_ID, clean: true }],
  ['anonymous, persistent session', { clientId: INGEST_ID, clean: false }],
  ["Vigil's user name without its password", { username: INGEST_ID, clientId: INGEST_ID, clean: false }],
];

/** Records every close of a client: a taken-over connection is closed by the broker. */
function watchCloses(client: MqttClient): { closes: number } {
  const w = { closes: 0 };
  client.on('close', () => w.closes++);
  return w;
}

const reading = (ts: number, value: number) => JSON.stringify({ ts, value, unit: '%LEL' });

beforeAll(async () => {
  influx = await startInflux();
  vigil = await startVigil({ influxUrl: influx.url, influxDb: DB, env: { FACILITY_FILE: FACILITY, FLUSH_INTERVAL_MS: '50', VIGIL_DEMO: '1' } });
  await eventually(async () => (await vigil.api('/api/health')).status === 200, 30_000, 'Vigil healthy');
  for (const sensor of ['T-DOOR-01', 'T-GAS-01']) creds[sensor] = /password: (\S+)/.exec(cliOk(await vigil.cli(['device', 'add', sensor])))![1]!;
});

afterAll(async () => {
  await closeAll();
  await vigil?.stop();
  await stopAllServices();
});

describe("nobody takes over a session that is not theirs (the broker's dynamic security)", () => {
  let broker: MosquittoHandle;
  let admin: MosquittoDynsec;

  beforeAll(async () => {
    // A broker of our own, administered through the adapter Vigil uses: its ingest credential is ours to hold here.
    broker = await startMosquitto({ dynsec: true });
    admin = new MosquittoDynsec({ url: broker.url, ...broker.admin!, logger: silent });
    await admin.connect();
    await admin.reconcile({
      roles: [ingestRole()],
      principals: [{ kind: 'ingest', username: INGEST_ID, clientId: INGEST_ID, role: ingestRole().name, secret: { password: 'ingest-password' } }],
      isStaleClient: () => false,
      isStaleRole: () => false,
    });
    for (const sensor of ['T-DOOR-01', 'T-GAS-01'])
      await admin.grant(devicePrincipal(sensor, { password: creds[sensor]! }), { name: sensorRole(sensor), publish: [`vigil/t1/${sensor}/#`], subscribe: [] });
  });

  afterAll(async () => {
    await admin?.close();
  });

  it('a Vigil-like persistent session survives every intruder using its client id, and receives all 30 readings sent meanwhile', async () => {
    const vigilLike = await connect(broker.url, { username: INGEST_ID, password: 'ingest-password', clientId: INGEST_ID, clean: false });
    const watched = watchCloses(vigilLike);
    const received: number[] = [];
    vigilLike.on('message', (_topic, payload) => received.push((JSON.parse(payload.toString()) as { value: number }).value));
    await vigilLike.subscribeAsync('vigil/#', { qos: 1 });

    const gas = await connect(broker.url, asDevice('T-GAS-01'));
    const list = intruders();
    const refusals: string[] = [];
    for (let i = 0; i < 30; i++) {
      await gas.publishAsync('vigil/t1/T-GAS-01/reading', reading(Date.now(), i), { qos: 1 });
      const [who, options] = list[i % list.length]!;
      refusals.push(`${who}: ${await refusedCode(broker.url, options)}`);
    }
    // CONNACK 5 (not authorised) for each, every time.
    expect(new Set(refusals)).toEqual(new Set(list.map(([who]) => `${who}: 5`)));
    await eventually(() => received.length === 30, 10_000, 'all 30 readings at the Vigil-like subscriber');
    expect(received).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(watched.closes).toBe(0);
    expect(vigilLike.connected).toBe(true);
  });

  it("a device connects only with its own client id, so it cannot take another device's session either", async () => {
    expect(await refusedCode(broker.url, asDevice('T-DOOR-01', { clientId: 'T-GAS-01' }))).toBe(5);
    expect(await refusedCode(broker.url, asDevice('T-DOOR-01', { clientId: 'something-else' }))).toBe(5);
    expect(await refusedCode(broker.url, asDevice('T-DOOR-01'))).toBe(0);
  });

  // Several nodes (README "Several nodes (high availability)"): the holder of one site must not
  // read, store and acknowledge another site's readings. Each site's session vigil-<site> has its
  // own role (brokerPlan): it may subscribe to its site's topics only, and receives nothing else
  // even through a subscription its persistent session kept from an earlier facility.
  describe("each site's ingest session reads its own site's topics only", () => {
    // The demo facility: sites hq and lodging, the Zigbee2MQTT bridge (zigbee2mqtt/#) at lodging.
    const demo = new Registry(loadFacility(path.resolve('config/facility.yaml')).facility);
    const sessions = siteSessions(decoderSubscriptions([nativeDecoder, ...createDeviceDecoders()]), demo);
    // Only the site sessions' part of the plan: the broker also carries this file's devices, which
    // this plan does not list and must not remove.
    const planWith = (sites: SiteSession[]) => ({
      ...brokerPlan({
        sensors: [],
        topics: new DeviceTopics(new Registry({ ...demo.facility, sensors: [] })),
        gateways: [],
        devices: [],
        ingest: { username: INGEST_ID, clientId: INGEST_ID, password: 'ingest-password', sites },
        drillPassword: null,
        simulatorPassword: null,
      }),
      isStaleClient: () => false,
      isStaleRole: () => false,
    });
    const asSite = (site: string): IClientOptions => ({
      username: `vigil-${site}`,
      clientId: `vigil-${site}`,
      password: 'ingest-password',
      clean: false,
      protocolVersion: 4,
    });
    /** The SUBACK's return code for one filter (0x80 when refused; mqtt.js rejects then). */
    const subackOf = (client: MqttClient, filter: string): Promise<number> =>
      client.subscribeAsync(filter, { qos: 1 }).then(
        (granted) => granted[0]!.qos,
        (err: { packet?: { granted?: number[] } }) => err.packet?.granted?.[0] ?? Promise.reject(err),
      );
    let publisher: MqttClient;

    beforeAll(async () => {
      // Stands in for every device of both sites.
      await admin.grant(devicePrincipal('T-PUBLISHER', { password: 'p' }), { name: sensorRole('T-PUBLISHER'), publish: ['#'], subscribe: [] });
      publisher = await connect(broker.url, { username: 'T-PUBLISHER', clientId: 'T-PUBLISHER', password: 'p' });
    });

    it("vigil-hq is granted hq's topics and receives them; lodging's topics, '#' and '$SYS/#' are refused with SUBACK 0x80", async () => {
      await admin.reconcile(planWith(sessions));
      const hqTopics = sessions.find((s) => s.site === 'hq')!.topics;
      const hq = await connect(broker.url, asSite('hq'));
      const watched = watchCloses(hq);
      const received: string[] = [];
      // The drop counter ($SYS, retained) it may read comes and goes with the broker's statistics.
      hq.on('message', (topic) => topic.startsWith('$SYS/') || received.push(topic));
      for (const filter of hqTopics) expect(await subackOf(hq, filter), filter).toBe(1);
      expect(await subackOf(hq, BROKER_DROPPED_TOPIC)).toBe(1);
      for (const filter of ['vigil/lodging/#', 'zigbee2mqtt/#', '#', 'vigil/#', 'vigil/+/GH-SMK-101/reading', '$SYS/#'])
        expect(await subackOf(hq, filter), filter).toBe(128);
      expect(await subackOf(await connect(broker.url, asSite('lodging')), 'zigbee2mqtt/#')).toBe(1);

      await publisher.publishAsync('vigil/lodging/GH-SMK-101/reading', '{}', { qos: 1 });
      await publisher.publishAsync('zigbee2mqtt/Guesthouse 201 smoke', '{}', { qos: 1 });
      await publisher.publishAsync('vigil/hq/KIT-GAS-01/reading', '{}', { qos: 1 });
      // One publisher, one subscriber: had lodging's messages been delivered, they would have come first.
      await eventually(() => received.includes('vigil/hq/KIT-GAS-01/reading'), 10_000, "hq's reading at vigil-hq");
      expect(received).toEqual(['vigil/hq/KIT-GAS-01/reading']);
      expect(watched.closes).toBe(0);
    });

    it('a subscription kept by the persistent session from before the facility changed delivers nothing', async () => {
      // The Zigbee bridge stood at hq: vigil-hq's session subscribed to its tree.
      const moved = sessions.map((s) => (s.site === 'hq' ? { ...s, topics: [...s.topics, 'zigbee2mqtt/#'] } : s));
      await admin.reconcile(planWith(moved));
      const before = await connect(broker.url, asSite('hq'));
      expect(await subackOf(before, 'zigbee2mqtt/#')).toBe(1);
      await before.endAsync();
      // The bridge moved to lodging; vigil-hq resumes its session, which still holds that subscription.
      await admin.reconcile(planWith(sessions));
      const after = await connect(broker.url, asSite('hq'));
      expect(after.options.clean).toBe(false);
      const received: string[] = [];
      after.on('message', (topic) => topic.startsWith('$SYS/') || received.push(topic));
      await publisher.publishAsync('zigbee2mqtt/Guesthouse 201 smoke', '{}', { qos: 1 });
      await publisher.publishAsync('vigil/hq/KIT-GAS-01/reading', '{}', { qos: 1 });
      await eventually(() => received.includes('vigil/hq/KIT-GAS-01/reading'), 10_000, "hq's reading at vigil-hq");
      expect(received).toEqual(['vigil/hq/KIT-GAS-01/reading']);
    });
  });
});

describe('the real Vigil keeps its ingest session while intruders try its client id', () => {
  it('all 30 QoS 1 readings published during the attempts reach InfluxDB, and Vigil never reconnects', async () => {
    const connectedLines = () =>
      fs
        .readFileSync(vigil.logFile, 'utf8')
        .split('\n')
        .filter((l) => l.includes('"connected to MQTT broker"')).length;
    expect(connectedLines()).toBe(1);
    const t0 = Date.now() - 60_000;
    const gas = await connect(vigil.mqttUrl, asDevice('T-GAS-01'));
    const list = intruders();
    for (let i = 0; i < 30; i++) {
      await gas.publishAsync('vigil/t1/T-GAS-01/reading', reading(t0 + i, i), { qos: 1 });
      expect(await refusedCode(vigil.mqttUrl, list[i % list.length]![1])).toBe(5);
    }
    const count = async () =>
      Number((await influx.query(`SELECT count(value) FROM reading WHERE sensor = 'T-GAS-01' AND time >= ${t0}ms AND time < ${t0 + 30}ms`, DB))[0]?.count ?? 0);
    await eventually(async () => (await count()) === 30, 15_000, '30 readings in InfluxDB');
    expect(connectedLines()).toBe(1);
  });
});

describe('device credentials take effect at once (the CLI administers the broker directly)', () => {
  it("a device added now publishes its own topic at once, not another sensor's, and may not subscribe", async () => {
    const t0 = Date.now() - 60_000;
    const out = cliOk(await vigil.cli(['device', 'add', 'T-CO-01']));
    creds['T-CO-01'] = /password: (\S+)/.exec(out)![1]!;
    // MQTT 5: refusals come back as reason codes (3.1.1 drops a refused publish silently).
    const co = await connect(vigil.mqttUrl, asDevice('T-CO-01', { protocolVersion: 5 }));
    await co.publishAsync('vigil/t1/T-CO-01/reading', JSON.stringify({ ts: t0, value: 3, unit: 'ppm' }), { qos: 1 });
    await expect(co.publishAsync('vigil/t1/T-GAS-01/reading', reading(t0 + 1, 99), { qos: 1 })).rejects.toThrow(/Not authorized/i);
    await expect(co.subscribeAsync('vigil/#', { qos: 1 })).rejects.toThrow(/Not authorized/i);
    await eventually(
      async () => (await influx.query(`SELECT value FROM reading WHERE sensor = 'T-CO-01' AND time >= ${t0}ms`, DB)).length === 1,
      10_000,
      'the new device reading stored',
    );
    expect(await influx.query(`SELECT value FROM reading WHERE sensor = 'T-GAS-01' AND time >= ${t0 + 1}ms AND time < ${t0 + 2}ms`, DB)).toEqual([]);
  });

  it('a revoked device is disconnected at once and refused from then on', async () => {
    const co = await connect(vigil.mqttUrl, asDevice('T-CO-01'));
    const watched = watchCloses(co);
    cliOk(await vigil.cli(['device', 'revoke', 'T-CO-01']));
    // The broker kicks it while handling the command, before the CLI hears back; the close event may trail by a tick.
    await eventually(() => watched.closes > 0, 2000, 'the revoked device disconnected');
    expect(await refusedCode(vigil.mqttUrl, asDevice('T-CO-01'))).toBe(5);
  });
});

describe('one set of rules: the generated Mosquitto ACL grants what dynamic security grants', () => {
  it('the same publish rights for every user of both (ingest, devices, drill and simulated devices)', async () => {
    const out = path.join(vigil.dataDir, 'mosquitto-files');
    cliOk(await vigil.cli(['mosquitto-config', '--out', out]));
    const acl = new Map<string, string[]>();
    let user = '';
    for (const line of fs.readFileSync(path.join(out, 'acl'), 'utf8').split('\n')) {
      if (line.startsWith('user ')) acl.set((user = line.slice(5)), []);
      else if (line.startsWith('topic write ')) acl.get(user)!.push(line.slice('topic write '.length));
    }

    const admin = new MosquittoDynsec({
      url: vigil.mqttUrl,
      username: 'vigil-admin',
      password: fs.readFileSync(path.join(vigil.dataDir, 'broker/admin.password'), 'utf8').trim(),
      logger: silent,
    });
    let state: DynsecState;
    try {
      await admin.connect();
      state = await admin.state();
    } finally {
      await admin.close();
    }
    const dynsec = new Map<string, string[]>();
    for (const [username, client] of state.clients) {
      if (username === 'vigil-admin') continue; // administers the plugin; has no place in a password-file broker
      const topics = client.roles.flatMap((r) => state.roles.get(r) ?? []).filter((a) => a.acltype === 'publishClientSend' && a.allow);
      dynsec.set(
        username,
        topics.map((a) => a.topic),
      );
    }
    const sorted = (m: Map<string, string[]>) =>
      Object.fromEntries([...m].map(([u, t]) => [u, [...t].sort()]).sort(([a], [b]) => String(a).localeCompare(String(b))));
    expect(sorted(acl)).toEqual(sorted(dynsec));
    // And they are what the plan says: the demo's simulated devices, the drill devices, the two live devices, the ingest.
    expect([...acl.keys()].filter((u) => !u.includes('@')).sort()).toEqual(['T-DOOR-01', 'T-GAS-01', 'vigil-ingest']);
    expect(acl.get('sim@T-GAS-02')).toEqual(['vigil/t1/T-GAS-02/#']);
  });
});

describe('a Mosquitto the site manages with the generated password file and ACL binds client ids too', () => {
  it('a device using the ingest client id is connected under its own name: the ingest session is untouched', async () => {
    const out = path.join(vigil.dataDir, 'mosquitto-files');
    const conf = fs.readFileSync(path.join(out, 'vigil-auth.conf'), 'utf8');
    const broker = await startMosquitto({ extraConfig: conf });
    const env = Object.fromEntries(
      fs
        .readFileSync(path.join(out, 'vigil-ingest.env'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.split('=') as [string, string]),
    );
    const vigilLike = await connect(broker.url, { username: env.MQTT_USERNAME, password: env.MQTT_PASSWORD, clientId: INGEST_ID, clean: false });
    const watched = watchCloses(vigilLike);
    const received: string[] = [];
    vigilLike.on('message', (topic) => received.push(topic));
    await vigilLike.subscribeAsync('vigil/#', { qos: 1 });
    // Accepted (its credential is good), but as client id T-DOOR-01 (use_username_as_clientid).
    const door = await connect(broker.url, asDevice('T-DOOR-01', { clientId: INGEST_ID, clean: true }));
    await door.publishAsync('vigil/t1/T-DOOR-01/event', JSON.stringify({ ts: Date.now(), type: 'open' }), { qos: 1 });
    expect(await refusedCode(broker.url, { clientId: INGEST_ID, clean: true })).toBe(5);
    await eventually(() => received.length === 1, 10_000, 'the door event at the Vigil-like subscriber');
    expect(watched.closes).toBe(0);
    expect(vigilLike.connected).toBe(true);
  });
});
