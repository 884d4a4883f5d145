// Per-device MQTT credentials: a device may publish only under its own topics, on the broker as
// `npm start` runs it (Mosquitto with dynamic security, administered by Vigil and its CLI) and on a
// Mosquitto with the generated password file and ACL; a forged reading never reaches InfluxDB.
// Client-id binding (no session takeover) is in broker.identity.test.ts.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInflux, startMosquitto, stopAllServices, type InfluxHandle, type MosquittoHandle } from '../support/services.ts';
import { cliOk, mqttClients } from '../support/clients.ts';
import { eventually, startVigil, type VigilHandle } from '../support/vigil.ts';

const FACILITY = path.resolve('test/fixtures/facility.yaml');
const DB = 'vigil_auth_devices_test';
const DB_MOSQUITTO = 'vigil_auth_mosquitto_test';

let influx: InfluxHandle;
/** Production mode, on its own Mosquitto with dynamic security (test/support/vigil.ts). */
let vigil: VigilHandle;
const { connect, refusedCode, closeAll } = mqttClients();

/** Readings of a sensor with timestamps in [from, from + 100 ms): each test writes its own window. */
async function readings(sensor: string, from: number, db = DB): Promise<{ time: number; value: number }[]> {
  return (await influx.query(`SELECT value FROM reading WHERE sensor = '${sensor}' AND time >= ${from}ms AND time < ${from + 100}ms`, db)) as {
    time: number;
    value: number;
  }[];
}

beforeAll(async () => {
  influx = await startInflux();
  vigil = await startVigil({ influxUrl: influx.url, influxDb: DB, env: { FACILITY_FILE: FACILITY, FLUSH_INTERVAL_MS: '50' } });
  await eventually(async () => (await vigil.api('/api/health')).status === 200, 30_000, 'Vigil healthy');
});

afterAll(async () => {
  await closeAll();
  await vigil?.stop();
  await stopAllServices();
});

describe('Mosquitto with dynamic security: per-device credentials', () => {
  const creds: Record<string, string> = {};
  let brokerUrl = '';

  beforeAll(async () => {
    brokerUrl = vigil.mqttUrl;
    for (const sensor of ['T-DOOR-01', 'T-GAS-01']) {
      const out = cliOk(await vigil.cli(['device', 'add', sensor]));
      creds[sensor] = /password: (\S+)/.exec(out)![1]!;
    }
    expect(cliOk(await vigil.cli(['device', 'list']))).toContain('T-DOOR-01  active');
  });

  /** A device as `device add` told it to connect: its sensor id as user name and client id. */
  const asDevice = (sensor: string, extra: object = {}) => ({ username: sensor, clientId: sensor, password: creds[sensor], ...extra });

  it('refuses anonymous clients and wrong passwords (CONNACK 5, not authorised)', async () => {
    expect(await refusedCode(brokerUrl)).toBe(5);
    expect(await refusedCode(brokerUrl, { ...asDevice('T-DOOR-01'), password: 'guess' })).toBe(5);
    expect(await refusedCode(brokerUrl, { ...asDevice('T-GAS-01'), password: creds['T-DOOR-01'] })).toBe(5);
  });

  it("refuses a door sensor publishing to the kitchen gas detector's topic: the reading never reaches InfluxDB", async () => {
    const t0 = Date.now() - 5000;
    // MQTT 5, so the refusal comes back as a PUBACK reason code (3.1.1 would drop it silently).
    const door = await connect(brokerUrl, asDevice('T-DOOR-01', { protocolVersion: 5 }));
    await expect(door.publishAsync('vigil/t1/T-GAS-01/reading', JSON.stringify({ ts: t0, value: 42.5, unit: '%LEL' }), { qos: 1 })).rejects.toThrow(
      /Not authorized/i,
    );

    // The same device on its own topic, and the gas detector itself, are stored.
    await door.publishAsync('vigil/t1/T-DOOR-01/event', JSON.stringify({ ts: t0 + 1, type: 'open' }), { qos: 1 });
    const gas = await connect(brokerUrl, asDevice('T-GAS-01'));
    await gas.publishAsync('vigil/t1/T-GAS-01/reading', JSON.stringify({ ts: t0 + 2, value: 1.5, unit: '%LEL' }), { qos: 1 });
    await eventually(
      async () => (await influx.query(`SELECT * FROM event WHERE sensor = 'T-DOOR-01' AND time >= ${t0}ms`, DB)).length === 1,
      10_000,
      'door event stored',
    );
    await eventually(async () => (await readings('T-GAS-01', t0 + 2)).length === 1, 10_000, 'gas reading stored');
    // Only the detector's own reading in the window: the forged one at t0 never arrived.
    expect((await readings('T-GAS-01', t0)).map((r) => r.value)).toEqual([1.5]);
  });

  it('refuses a revoked device', async () => {
    cliOk(await vigil.cli(['device', 'revoke', 'T-GAS-01']));
    expect(await refusedCode(brokerUrl, asDevice('T-GAS-01'))).toBe(5);
  });
});

describe('Mosquitto with the generated password file and ACL', () => {
  let broker: MosquittoHandle;
  let viaMosquitto: VigilHandle;
  const creds: Record<string, string> = {};

  beforeAll(async () => {
    for (const sensor of ['T-SMK-01', 'T-CO-01']) {
      const out = cliOk(await vigil.cli(['device', 'add', sensor]));
      creds[sensor] = /password: (\S+)/.exec(out)![1]!;
    }
    const out = path.join(vigil.dataDir, 'mosquitto');
    cliOk(await vigil.cli(['mosquitto-config', '--out', out]));
    const acl = fs.readFileSync(path.join(out, 'acl'), 'utf8');
    expect(acl).toContain('user T-SMK-01\ntopic write vigil/t1/T-SMK-01/#');
    expect(acl).not.toContain('user T-GAS-01'); // revoked above
    broker = await startMosquitto({ extraConfig: fs.readFileSync(path.join(out, 'vigil-auth.conf'), 'utf8') });
    const ingestEnv = Object.fromEntries(
      fs
        .readFileSync(path.join(out, 'vigil-ingest.env'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.split('=') as [string, string]),
    );
    viaMosquitto = await startVigil({
      mqttUrl: broker.url,
      influxUrl: influx.url,
      influxDb: DB_MOSQUITTO,
      env: { FACILITY_FILE: FACILITY, FLUSH_INTERVAL_MS: '50', ...ingestEnv },
    });
    await eventually(async () => (await viaMosquitto.api('/api/health')).status === 200, 30_000, 'Vigil signed in to Mosquitto');
  });

  afterAll(async () => {
    await viaMosquitto?.stop();
  });

  it('refuses anonymous clients and wrong passwords', async () => {
    expect(await refusedCode(broker.url)).toBe(5);
    expect(await refusedCode(broker.url, { username: 'T-SMK-01', password: 'guess' })).toBe(5);
  });

  it('refuses a smoke detector publishing as the CO detector, accepts its own: the forged reading never reaches InfluxDB', async () => {
    const t0 = Date.now() - 5000;
    // MQTT 5, so the refusal comes back as a PUBACK reason code (3.1.1 would drop it silently).
    const smoke = await connect(broker.url, { username: 'T-SMK-01', password: creds['T-SMK-01'], protocolVersion: 5 });
    await expect(smoke.publishAsync('vigil/t1/T-CO-01/reading', JSON.stringify({ ts: t0, value: 500, unit: 'ppm' }), { qos: 1 })).rejects.toThrow(
      /Not authorized/i,
    );
    await smoke.publishAsync('vigil/t1/T-SMK-01/event', JSON.stringify({ ts: t0 + 1, type: 'test' }), { qos: 1 });
    const co = await connect(broker.url, { username: 'T-CO-01', password: creds['T-CO-01'] });
    await co.publishAsync('vigil/t1/T-CO-01/reading', JSON.stringify({ ts: t0 + 2, value: 4, unit: 'ppm' }), { qos: 1 });
    await eventually(
      async () => (await influx.query(`SELECT * FROM event WHERE sensor = 'T-SMK-01' AND time >= ${t0}ms`, DB_MOSQUITTO)).length === 1,
      10_000,
      'smoke event stored',
    );
    await eventually(async () => (await readings('T-CO-01', t0 + 2, DB_MOSQUITTO)).length === 1, 10_000, 'CO reading stored');
    // Only the detector's own reading in the window: the forged one at t0 never arrived.
    expect((await readings('T-CO-01', t0, DB_MOSQUITTO)).map((r) => r.value)).toEqual([4]);
  });
});
