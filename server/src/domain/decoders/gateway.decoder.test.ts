// A gateway publishes its bound devices' state and its own topics on one connection. Its own
// traffic — bridge topics, discovery configs, devices nobody bound — is counted and listed, never
// rejected and never an alarm; its availability topic (Zigbee2MQTT bridge/state in both its plain
// and JSON forms, Tasmota LWT, ESPHome status, esp-rfid heartbeat/avty) is the gateway's status,
// handed on before the sensors' so the engine knows the cause before it hears the effects.
import { beforeEach, describe, expect, it } from 'vitest';
import { type Facility, type Gateway, type Observation, type Sensor, type SensorKind, type SourceBinding } from '../../../../contract/index.ts';
import { Registry } from '../registry.ts';
import { NOW, adapterSensor, context } from '../../../../test/support/decoder.fixtures.ts';
import { createDeviceDecoders } from './index.ts';
import { GatewayDecoder, livenessEveryMs, referencedTopics } from './gateway.decoder.ts';
import { GatewayTraffic } from './gateway.traffic.ts';

// Every sensor of these gateways is in the gateways' zone.
const sensor = (id: string, kind: SensorKind, source: SourceBinding): Sensor => adapterSensor(id, kind, source, 'z');

const place = { siteId: 'hq', zoneId: 'z', floorId: 'f1', heartbeatS: 60 };
const GATEWAYS: Gateway[] = [
  {
    id: 'GW-Z2M',
    name: 'Bridge',
    adapter: 'zigbee2mqtt',
    baseTopic: 'zigbee2mqtt',
    discoveryPrefix: 'homeassistant',
    ...place,
    sensorIds: ['Z-SMK-1', 'Z-SMK-2'],
  },
  { id: 'GW-Z2M-B', name: 'Bridge B', adapter: 'zigbee2mqtt', baseTopic: 'east/z2m', discoveryPrefix: 'homeassistant', ...place, sensorIds: [] },
  { id: 'GW-TAS', name: 'Tasmota', adapter: 'tasmota', topic: 'SonoffZB', ...place, sensorIds: ['T-DOOR'] },
  { id: 'GW-ESP', name: 'ESPHome', adapter: 'esphome', node: 'office-node', discoveryPrefix: 'homeassistant', ...place, sensorIds: ['E-DOOR'] },
  { id: 'GW-RFID', name: 'Reader', adapter: 'esp_rfid', topic: '/rfid/server-room', ...place, sensorIds: ['R-DOOR'] },
];
const SENSORS: Sensor[] = [
  sensor('Z-SMK-1', 'smoke', { adapter: 'zigbee2mqtt', gateway: 'GW-Z2M', topic: 'zigbee2mqtt/Room 1 smoke' }),
  sensor('Z-SMK-2', 'smoke', { adapter: 'zigbee2mqtt', gateway: 'GW-Z2M', topic: 'zigbee2mqtt/Room 2 smoke' }),
  // Bound to no gateway: its exact topics are subscribed as before.
  sensor('Z-LONE', 'smoke', { adapter: 'zigbee2mqtt', topic: 'lone-z2m/Attic smoke' }),
  sensor('T-DOOR', 'door', { adapter: 'tasmota', gateway: 'GW-TAS', topic: 'SonoffZB', sensorKey: '0x662E' }),
  sensor('E-DOOR', 'door', { adapter: 'esphome', gateway: 'GW-ESP', node: 'office-node', entity: 'server_room_door', entityType: 'binary_sensor' }),
  sensor('R-DOOR', 'door', { adapter: 'esp_rfid', gateway: 'GW-RFID', topic: '/rfid/server-room' }),
];

const registry = new Registry({
  name: 'Gateways',
  sites: [{ id: 'hq', name: 'HQ', timezone: 'Asia/Shanghai', floors: [] }],
  sensors: SENSORS,
  gateways: GATEWAYS,
  schedules: {},
  sops: {},
} satisfies Facility);

let traffic: GatewayTraffic;
let counted: string[];
let decoder: GatewayDecoder;

beforeEach(() => {
  traffic = new GatewayTraffic();
  counted = [];
  [decoder] = createDeviceDecoders(traffic, { unbound: (id) => counted.push(`unbound ${id}`), unattributed: () => counted.push('unattributed') }) as [
    GatewayDecoder,
  ];
  decoder.subscriptions(registry);
});

const send = (topic: string, payload: string | object, now = NOW) => {
  expect(decoder.matches(topic), `matches ${topic}`).toBe(true);
  return decoder.decode(topic, Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)), context(registry, now));
};
/** `sensorId channel what` of each observation, in order. */
const seen = (observations: readonly Observation[]): string[] =>
  observations.map((o) =>
    o.channel === 'status'
      ? `${o.sensorId} status ${o.online === undefined ? `battery=${o.battery}` : o.online ? 'online' : 'offline'}`
      : o.channel === 'event'
        ? `${o.sensorId} event ${o.type}`
        : `${o.sensorId} reading ${o.value}`,
  );

describe('subscriptions', () => {
  it("are each gateway's tree and discovery filters, plus the exact topics of sensors outside every tree — never both", () => {
    const topics = decoder.subscriptions(registry);
    expect(topics).toEqual([
      'zigbee2mqtt/#',
      'homeassistant/+/+/+/config',
      'east/z2m/#',
      'tele/SonoffZB/#',
      'stat/SonoffZB/#',
      'tasmota/discovery/+/config',
      'tasmota/discovery/+/sensors',
      'office-node/#',
      'homeassistant/+/office-node/+/config',
      '/rfid/server-room/#',
      'homeassistant/+/+/config',
      'lone-z2m/Attic smoke',
      'lone-z2m/Attic smoke/availability',
      'lone-z2m/bridge/state',
    ]);
  });
});

describe('a Zigbee2MQTT bridge', () => {
  it('lists bridge topics, discovery configs and unbound devices, without rejecting or decoding them', () => {
    const info = send('zigbee2mqtt/bridge/info', { version: '2.1.1', coordinator: { type: 'zStack3x0' } });
    const devices = send('zigbee2mqtt/bridge/devices', [{ ieee_address: '0x00124b0001', type: 'Coordinator' }]);
    const discovery = send('homeassistant/binary_sensor/0x00158d0001/smoke/config', {
      availability: [{ topic: 'zigbee2mqtt/bridge/state' }],
      state_topic: 'zigbee2mqtt/Room 1 smoke',
      device_class: 'smoke',
    });
    const unbound = send('zigbee2mqtt/Hallway motion', { occupancy: true, battery: 80 });
    const unboundAgain = send('zigbee2mqtt/Hallway motion', { occupancy: false, battery: 80 }, NOW + 1000);
    for (const d of [info, devices, discovery, unbound, unboundAgain]) expect(d.rejected).toEqual([]);
    // Only the bridge's liveness (at most every heartbeatS / 10) comes out of them: no sensor's data.
    expect(seen([...info.observations, ...devices.observations, ...discovery.observations, ...unbound.observations])).toEqual(['GW-Z2M status online']);
    const listed = traffic.unbound('GW-Z2M');
    expect(listed.messages).toBe(5);
    expect(listed.topics.map((t) => [t.topic, t.count])).toEqual([
      ['zigbee2mqtt/Hallway motion', 2],
      ['homeassistant/binary_sensor/0x00158d0001/smoke/config', 1],
      ['zigbee2mqtt/bridge/devices', 1],
      ['zigbee2mqtt/bridge/info', 1],
    ]);
    expect(listed.topics[0]).toMatchObject({ firstSeen: NOW, lastSeen: NOW + 1000, lastPayload: '{"occupancy":false,"battery":80}', truncated: false });
    expect(counted.filter((c) => c === 'unbound GW-Z2M')).toHaveLength(5);
    expect(traffic.lastSeen('GW-Z2M')).toBe(NOW + 1000);
  });

  it('decodes its bound devices as before, the gateway heard first', () => {
    const d = send('zigbee2mqtt/Room 1 smoke', { smoke: false, battery: 90 });
    expect(seen(d.observations)).toEqual(['GW-Z2M status online', 'Z-SMK-1 event smoke_clear', 'Z-SMK-1 status battery=90']);
    expect(d.observations[0]).toMatchObject({ sensorId: 'GW-Z2M', kind: 'gateway', zoneId: 'z', siteId: 'hq', source: 'adapter' });
    // Bound traffic is not in the list of what nobody reads.
    expect(traffic.unbound('GW-Z2M').topics).toEqual([]);
  });

  it('bridge/state offline, plain or JSON: the gateway offline first, then each device behind it', () => {
    expect(seen(send('zigbee2mqtt/bridge/state', 'offline').observations)).toEqual([
      'GW-Z2M status offline',
      'Z-SMK-1 status offline',
      'Z-SMK-2 status offline',
    ]);
    expect(seen(send('zigbee2mqtt/bridge/state', '{"state":"online"}').observations)).toEqual(['GW-Z2M status online']);
    expect(seen(send('zigbee2mqtt/bridge/state', { state: 'offline' }).observations)[0]).toBe('GW-Z2M status offline');
    // Its availability topic is listed too: it is the bridge's own.
    expect(traffic.unbound('GW-Z2M').topics.map((t) => [t.topic, t.count, t.lastPayload])).toEqual([['zigbee2mqtt/bridge/state', 3, '{"state":"offline"}']]);
  });

  it('after saying offline, only saying online brings it back: later (retained) traffic does not', () => {
    send('zigbee2mqtt/bridge/state', 'offline');
    const later = NOW + 10 * livenessEveryMs(GATEWAYS[0]!);
    expect(seen(send('zigbee2mqtt/bridge/devices', [], later).observations)).toEqual([]);
    expect(seen(send('zigbee2mqtt/Room 1 smoke', { battery: 90 }, later).observations)).toEqual(['Z-SMK-1 status battery=90']);
    expect(seen(send('zigbee2mqtt/bridge/state', 'online', later).observations)).toEqual(['GW-Z2M status online']);
  });

  it('sends its liveness at most every heartbeatS / 10', () => {
    const every = livenessEveryMs(GATEWAYS[0]!);
    expect(every).toBe(6000);
    const t = [NOW, NOW + 1000, NOW + every - 1, NOW + every];
    expect(t.map((now) => seen(send('zigbee2mqtt/bridge/logging', { level: 'info' }, now).observations))).toEqual([
      ['GW-Z2M status online'],
      [],
      [],
      ['GW-Z2M status online'],
    ]);
  });

  it("still rejects a bound device's unreadable payload, as before, and still hears the gateway", () => {
    const d = send('zigbee2mqtt/Room 1 smoke', 'not json');
    expect(d.rejected).toEqual([{ reason: 'not_json', detail: expect.stringContaining('zigbee2mqtt/Room 1 smoke is not JSON') }]);
    expect(seen(d.observations)).toEqual(['GW-Z2M status online']);
  });
});

describe('shared discovery topics', () => {
  it('belong to the gateway whose tree the config points into', () => {
    send('homeassistant/sensor/0x00158d0002/battery/config', { availability: [{ topic: 'east/z2m/bridge/state' }], state_topic: 'east/z2m/Boiler' });
    send('homeassistant/sensor/0x00158d0003/battery/config', { '~': 'zigbee2mqtt/Lobby', stat_t: '~/state' });
    expect(traffic.unbound('GW-Z2M-B').topics.map((t) => t.topic)).toEqual(['homeassistant/sensor/0x00158d0002/battery/config']);
    expect(traffic.unbound('GW-Z2M').topics.map((t) => t.topic)).toEqual(['homeassistant/sensor/0x00158d0003/battery/config']);
  });

  it('from no declared gateway are counted, not listed under one', () => {
    const d = send('homeassistant/sensor/0x00158d0009/battery/config', { state_topic: 'other-z2m/Garage' });
    expect(d).toEqual({ observations: [], rejected: [] });
    expect(counted).toEqual(['unattributed']);
    expect(traffic.unbound('GW-Z2M').topics).toEqual([]);
  });

  it('Tasmota: the config names its topic; the sensors message is matched by the MAC learnt from it', () => {
    send('tasmota/discovery/DC4F220ABCDE/config', { ip: '10.0.0.5', dn: 'SonoffZB', mac: 'DC4F220ABCDE', t: 'SonoffZB' });
    send('tasmota/discovery/DC4F220ABCDE/sensors', { sn: { Time: '2026-11-27T10:00:00' }, ver: 1 });
    expect(traffic.unbound('GW-TAS').topics.map((t) => t.topic)).toEqual(['tasmota/discovery/DC4F220ABCDE/sensors', 'tasmota/discovery/DC4F220ABCDE/config']);
  });

  // MACs come from the topic, i.e. from anyone who may publish there: one learnt MAC per gateway
  // (its latest config), not one per MAC ever claimed, keeps the memory of them bounded.
  it('Tasmota: one learnt MAC per gateway, the latest config naming its topic', () => {
    for (let i = 0; i < 2000; i++) send(`tasmota/discovery/${i.toString(16).padStart(12, '0')}/config`, { t: 'SonoffZB' });
    expect((decoder as unknown as { tasmotaMacs: Map<unknown, unknown> }).tasmotaMacs.size).toBe(1);
    counted.length = 0;
    send('tasmota/discovery/000000000000/sensors', { sn: {}, ver: 1 });
    expect(counted).toEqual(['unattributed']);
    send('tasmota/discovery/0000000007cf/sensors', { sn: {}, ver: 1 });
    expect(traffic.unbound('GW-TAS').topics[0]!.topic).toBe('tasmota/discovery/0000000007cf/sensors');
  });

  it('reads topics from Home Assistant abbreviations and ~', () => {
    expect(referencedTopics({ '~': 'zigbee2mqtt/Lobby', stat_t: '~/state', avty: [{ t: 'zigbee2mqtt/bridge/state' }], name: 'x' })).toEqual([
      'zigbee2mqtt/Lobby/state',
      'zigbee2mqtt/bridge/state',
    ]);
  });
});

describe('other gateways’ availability', () => {
  it('Tasmota LWT Offline/Online', () => {
    expect(seen(send('tele/SonoffZB/LWT', 'Offline').observations)).toEqual(['GW-TAS status offline', 'T-DOOR status offline']);
    expect(seen(send('tele/SonoffZB/LWT', 'Online').observations)).toEqual(['GW-TAS status online']);
    expect(send('stat/SonoffZB/RESULT', { POWER: 'ON' }).rejected).toEqual([]);
    expect(traffic.unbound('GW-TAS').topics.map((t) => t.topic)).toEqual(['stat/SonoffZB/RESULT', 'tele/SonoffZB/LWT']);
  });

  it('ESPHome status (its birth message and last will); its debug log is listed', () => {
    expect(seen(send('office-node/status', 'offline').observations)).toEqual(['GW-ESP status offline', 'E-DOOR status offline']);
    expect(seen(send('office-node/status', 'online').observations)).toEqual(['GW-ESP status online', 'E-DOOR status online']);
    send('office-node/debug', '[D][sensor:094]: Sending state 21.5');
    expect(traffic.unbound('GW-ESP').topics.map((t) => t.topic)).toEqual(['office-node/debug', 'office-node/status']);
  });

  // src/mqtt.esp (esprfid/esp-rfid): `online` retained on <topic>/avty at connect, heartbeats on <topic>/send.
  it('esp-rfid: a heartbeat on send is its word that it is online; avty offline alone takes nothing offline', () => {
    expect(seen(send('/rfid/server-room/avty', 'offline').observations).filter((o) => o.endsWith('offline'))).toEqual([]);
    expect(seen(send('/rfid/server-room/send', { type: 'heartbeat', time: NOW / 1000, uptime: 60 }).observations)).toEqual([
      'GW-RFID status online',
      'R-DOOR status online',
    ]);
  });
});
