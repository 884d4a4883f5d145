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
import { devicePrincipal, ingestRole, sensorRole } from '../../server/src/services/device-credentials.broker.ts';
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
