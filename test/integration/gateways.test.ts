// A Zigbee2MQTT bridge as it behaves on a real broker: on connecting it publishes its own topics
// (bridge/state, bridge/info), Home Assistant discovery configs and the state of devices nobody
// bound, before its bound devices report. Through real Mosquitto into the real server and real
// InfluxDB: the bound devices' readings are stored, the rest is listed on /api/gateways and
// raises nothing, and the bridge going offline is ONE trouble alarm for the sensors behind it
// (ISA-18.2: one alarm per cause, not a flood; NFPA 72: a lost path to devices is a trouble signal).
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS, type AlarmListResponse, type GatewaysResponse, type RejectionsResponse, type SensorsResponse } from '../../contract/index.ts';
import { startAdapterStack, type AdapterStack } from '../support/adapter.stack.ts';
import { stopAllServices } from '../support/services.ts';
import { eventually, type VigilHandle } from '../support/vigil.ts';

const FACILITY = path.resolve('test/fixtures/gateways/facility.yaml');
const DB = 'vigil_gateways_test';
const GATEWAY = 'G-Z2M';

let vigil: VigilHandle;
let pub: AdapterStack['pub'];
let stored: AdapterStack['stored'];
let manager: string;
let officer: string;

const login = async (role: 'manager' | 'officer'): Promise<string> => {
  const account = DEMO_ACCOUNTS.find((a) => a.role === role)!;
  return vigil.login(account.username, account.password);
};
const gateways = async () => {
  const res = await vigil.api<GatewaysResponse>('/api/gateways', { headers: { cookie: manager } });
  expect(res.status).toBe(200);
  return res.body;
};
const alarms = async () => {
  const res = await vigil.api<AlarmListResponse>('/api/alarms', { headers: { cookie: officer } });
  expect(res.status).toBe(200);
  return res.body.alarms;
};

beforeAll(async () => {
  ({ vigil, pub, stored } = await startAdapterStack({
    facility: FACILITY,
    db: DB,
    warmUpSensor: { topic: 'vigil/g1/G-NATIVE-GAS/reading', sensor: 'G-NATIVE-GAS' },
  }));
  [manager, officer] = await Promise.all([login('manager'), login('officer')]);
});

afterAll(async () => {
  await vigil?.stop();
  await stopAllServices();
});

describe('a Zigbee2MQTT bridge as a gateway', () => {
  it('stores its bound devices’ readings, lists its own and unbound traffic, and raises nothing for that traffic', async () => {
    // What the bridge publishes on connecting, before any bound device reports (zigbee2mqtt.io
    // "MQTT topics and messages"; the discovery config as its Home Assistant integration writes it).
    await pub('zigbee2mqtt/bridge/state', '{"state":"online"}');
    await pub('zigbee2mqtt/bridge/info', { version: '2.1.1', coordinator: { type: 'zStack3x0', meta: { revision: 20230507 } }, log_level: 'info' });
    await pub('homeassistant/binary_sensor/0x00158d0001a2b3c4/smoke/config', {
      availability: [{ topic: 'zigbee2mqtt/bridge/state', value_template: '{{ value_json.state }}' }],
      device_class: 'smoke',
      state_topic: 'zigbee2mqtt/Kitchen smoke',
      value_template: '{{ value_json.smoke }}',
      unique_id: '0x00158d0001a2b3c4_smoke_zigbee2mqtt',
    });
    await pub('zigbee2mqtt/Hallway motion', { occupancy: true, battery: 97, linkquality: 120 });
    // Then the bound devices: a gas density (%LEL) and a smoke obscuration (dB/m → %obs/m).
    await pub('zigbee2mqtt/Kitchen gas', { gas: false, gas_density: 3, linkquality: 102 });
    await pub('zigbee2mqtt/Kitchen smoke', { smoke: false, smoke_density_dbm: 0.1, battery: 100 });

    const gas = await stored(`SELECT value, unit, zone FROM reading WHERE sensor = 'G-Z2M-GAS'`, 'the gas density');
    expect(gas[0]).toMatchObject({ value: 3, unit: '%LEL', zone: 'kitchen' });
    const smoke = await stored(`SELECT value, unit FROM reading WHERE sensor = 'G-Z2M-SMK'`, 'the smoke obscuration');
    expect(smoke[0]).toMatchObject({ unit: '%obs/m' });
    // The bridge's own word is in history too: its status, as the gateway's id.
    const status = await stored(`SELECT online, kind FROM status WHERE sensor = '${GATEWAY}'`, 'the bridge status');
    expect(status[0]).toMatchObject({ online: true, kind: 'gateway' });

    // Published before the devices' states, so handled by now (one subscriber, in order).
    const [view] = await gateways();
    expect(view).toMatchObject({ online: true, gateway: { id: GATEWAY, sensorIds: ['G-Z2M-GAS', 'G-Z2M-SMK'] } });
    expect(view!.topicFilters).toEqual(['zigbee2mqtt/#', 'homeassistant/+/+/+/config']);
    const listed = new Map(view!.unbound.topics.map((t) => [t.topic, t]));
    expect([...listed.keys()].sort()).toEqual([
      'homeassistant/binary_sensor/0x00158d0001a2b3c4/smoke/config',
      'zigbee2mqtt/Hallway motion',
      'zigbee2mqtt/bridge/info',
      'zigbee2mqtt/bridge/state',
    ]);
    expect(listed.get('zigbee2mqtt/Hallway motion')).toMatchObject({ count: 1, lastPayload: '{"occupancy":true,"battery":97,"linkquality":120}' });
    expect(view!.sensors.map((s) => s.sensorId)).toEqual(['G-Z2M-GAS', 'G-Z2M-SMK']);

    expect(await alarms()).toEqual([]);
    const rejections = await vigil.api<RejectionsResponse>('/api/ingest/rejections', { headers: { cookie: officer } });
    expect(rejections.body.recent).toEqual([]);
  });

  it('is for managers and admins: an officer is refused', async () => {
    expect((await vigil.api('/api/gateways', { headers: { cookie: officer } })).status).toBe(403);
    expect((await vigil.api('/api/gateways')).status).toBe(401);
  });

  it('bridge/state offline is exactly one trouble alarm, and the sensors behind it show offline without alarms of their own', async () => {
    await pub('zigbee2mqtt/bridge/state', '{"state":"offline"}');
    const open = await eventually(
      async () => {
        const list = await alarms();
        return list.some((a) => a.sensorId === GATEWAY) ? list : null;
      },
      10_000,
      'the gateway alarm',
    );
    // The bridge's message produced its own status and then its devices' (one message, evaluated
    // in order before anything later): by now every alarm it will raise is there.
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({
      sensorId: GATEWAY,
      gatewayId: GATEWAY,
      sensorKind: 'gateway',
      sensorName: 'Kitchen Zigbee bridge',
      condition: 'gateway_offline',
      class: 'trouble',
      zoneId: 'kitchen',
      message: 'Kitchen Zigbee bridge offline: 2 detectors unsupervised (reported offline)',
    });
    const sensors = await vigil.api<SensorsResponse>('/api/sensors', { headers: { cookie: officer } });
    const online = Object.fromEntries(sensors.body.map((s) => [s.sensorId, s.online]));
    expect(online).toMatchObject({ 'G-Z2M-GAS': false, 'G-Z2M-SMK': false });
    expect((await gateways())[0]).toMatchObject({ online: false });
  });
});
