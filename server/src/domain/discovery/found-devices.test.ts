// "Devices found": what each gateway's own messages say about the devices behind it, in the forms
// the gateways document. Payloads quote Zigbee2MQTT's `bridge/devices` and exposes
// (zigbee2mqtt.io/guide/usage/mqtt_topics_and_messages.html), Home Assistant discovery configs as
// ESPHome abbreviates them (home-assistant.io/integrations/mqtt/#mqtt-discovery), Tasmota's
// `ZbReceived` and SENSOR telemetry (tasmota.github.io/docs/Zigbee/, /docs/MQTT/).
import { describe, expect, it } from 'vitest';
import type { Gateway } from '../../../../contract/index.ts';
import { FoundDevices } from './found-devices.ts';
import { MAX_EXPOSES } from './readers.ts';
import { snippetFor, suggestedId } from './snippet.ts';

const common = { name: 'gw', zone: 'z', siteId: 's', heartbeatS: null } as const;
const Z2M = { ...common, id: 'GW-Z2M', adapter: 'zigbee2mqtt', baseTopic: 'zigbee2mqtt', discoveryPrefix: 'homeassistant' } as unknown as Gateway;
const TASMOTA = { ...common, id: 'GW-TAS', adapter: 'tasmota', topic: 'SonoffZB' } as unknown as Gateway;
const ESPHOME = { ...common, id: 'GW-ESP', adapter: 'esphome', node: 'plant-node', discoveryPrefix: 'homeassistant' } as unknown as Gateway;

const json = (v: unknown): Buffer => Buffer.from(JSON.stringify(v));

/** Zigbee2MQTT 1.x/2.x `bridge/devices`: the coordinator, a Heiman smoke detector, an Aqara leak sensor, a combined smoke/CO detector. */
const BRIDGE_DEVICES = [
  { ieee_address: '0x00124b0014d9a1b2', type: 'Coordinator', friendly_name: 'Coordinator', network_address: 0, supported: true, definition: null },
  {
    ieee_address: '0x00158d0001a2b3c4',
    type: 'EndDevice',
    friendly_name: 'Room 301 smoke',
    network_address: 29159,
    supported: true,
    definition: {
      model: 'HS1SA',
      vendor: 'HEIMAN',
      description: 'Smoke detector',
      exposes: [
        { type: 'binary', name: 'smoke', property: 'smoke', access: 1, value_on: true, value_off: false },
        { type: 'binary', name: 'battery_low', property: 'battery_low', access: 1, value_on: true, value_off: false },
        { type: 'numeric', name: 'battery', property: 'battery', access: 1, unit: '%' },
      ],
    },
    interview_completed: true,
  },
  {
    ieee_address: '0x00158d00045d6e7f',
    type: 'EndDevice',
    friendly_name: 'Basement/Plant room leak',
    network_address: 4711,
    supported: true,
    definition: {
      model: 'SJCGQ11LM',
      vendor: 'Aqara',
      description: 'Water leak sensor',
      exposes: [
        { type: 'binary', name: 'water_leak', property: 'water_leak', access: 1, value_on: true, value_off: false },
        { type: 'numeric', name: 'battery', property: 'battery', access: 1, unit: '%' },
      ],
    },
  },
  {
    ieee_address: '0xa4c138aabbccdd01',
    type: 'EndDevice',
    friendly_name: 'Kitchen smoke+CO',
    network_address: 812,
    supported: true,
    definition: {
      model: 'TS0601_smoke_co',
      vendor: 'Tuya',
      description: 'Smoke and carbon monoxide detector',
      exposes: [
        { type: 'enum', name: 'smoke_state', property: 'smoke', access: 1, values: ['alarm', 'none'] },
        { type: 'binary', name: 'carbon_monoxide', property: 'carbon_monoxide', access: 1, value_on: true, value_off: false },
        { type: 'numeric', name: 'co', property: 'co', access: 1, unit: 'ppm' },
      ],
    },
  },
  {
    ieee_address: '0xa4c138ffeeddcc02',
    type: 'EndDevice',
    friendly_name: 'Canteen gas',
    network_address: 813,
    supported: true,
    // Tuya gas detectors expose a unit-less `gas_value`/`gas_density`: raw, never %LEL.
    definition: {
      model: 'TS0601_gas',
      vendor: 'Tuya',
      description: 'Gas sensor',
      exposes: [{ type: 'numeric', name: 'gas_density', property: 'gas_density', access: 1 }],
    },
  },
];

describe('Zigbee2MQTT: bridge/devices and device messages', () => {
  it('lists every device but the coordinator, with model, exposes and one binding per detector kind', () => {
    const found = new FoundDevices();
    found.record(Z2M, 'zigbee2mqtt/bridge/devices', json(BRIDGE_DEVICES), 1000);
    const byName = new Map(found.list().map((d) => [d.name, d]));
    expect([...byName.keys()].sort()).toEqual(['Basement/Plant room leak', 'Canteen gas', 'Kitchen smoke+CO', 'Room 301 smoke']);
    const smoke = byName.get('Room 301 smoke')!;
    expect(smoke).toMatchObject({ key: '0x00158d0001a2b3c4', vendor: 'HEIMAN', model: 'HS1SA', topic: 'zigbee2mqtt/Room 301 smoke', lastMessage: null });
    expect([...smoke.exposes]).toEqual(['smoke', 'battery_low', 'battery']);
    expect(smoke.bindings).toEqual([{ kind: 'smoke', property: 'smoke', needsScale: false }]);
    expect(byName.get('Basement/Plant room leak')!.bindings).toEqual([{ kind: 'leak', property: 'water_leak', needsScale: false }]);
    // `co` and `carbon_monoxide` are one CO detector; the smoke detector is a second sensor.
    expect(byName.get('Kitchen smoke+CO')!.bindings.map((b) => b.kind)).toEqual(['smoke', 'co']);
    expect(byName.get('Canteen gas')!.bindings).toEqual([{ kind: 'gas', property: 'gas_density', needsScale: true }]);
  });

  it('a message on a device topic joins the entry its list line made (its last message), and one heard first is replaced by the list line', () => {
    const found = new FoundDevices();
    found.record(Z2M, 'zigbee2mqtt/Garage door', json({ contact: true, battery: 91, linkquality: 120 }), 500);
    expect(found.list().map((d) => [d.key, d.bindings.map((b) => b.kind)])).toEqual([['name:Garage door', ['door']]]);
    found.record(Z2M, 'zigbee2mqtt/bridge/devices', json(BRIDGE_DEVICES), 1000);
    found.record(Z2M, 'zigbee2mqtt/Room 301 smoke', json({ smoke: false, battery: 100 }), 2000);
    const smoke = found.list().find((d) => d.name === 'Room 301 smoke')!;
    expect(smoke.lastMessage).toBe(2000);
    expect([...smoke.sources].sort()).toEqual(['zigbee2mqtt_bridge', 'zigbee2mqtt_message']);
    expect(found.list().filter((d) => d.topic === 'zigbee2mqtt/Room 301 smoke')).toHaveLength(1);
  });

  it('bridge topics, availability and command topics are not devices; unreadable payloads are ignored', () => {
    const found = new FoundDevices();
    found.record(Z2M, 'zigbee2mqtt/bridge/state', json({ state: 'online' }), 1);
    found.record(Z2M, 'zigbee2mqtt/Room 301 smoke/availability', json({ state: 'online' }), 1);
    found.record(Z2M, 'zigbee2mqtt/Room 301 smoke/set', json({ state: 'ON' }), 1);
    found.record(Z2M, 'zigbee2mqtt/bridge/devices', Buffer.from('[{"ieee_address": '), 1);
    expect(found.list()).toEqual([]);
  });
});

describe('Home Assistant discovery, Tasmota and ESPHome', () => {
  it('an ESPHome entity is described by its (abbreviated) discovery config and seen by its state topic', () => {
    const found = new FoundDevices();
    found.record(
      ESPHOME,
      'homeassistant/binary_sensor/plant-node/basement_leak/config',
      json({
        dev_cla: 'moisture',
        name: 'Basement leak',
        stat_t: 'plant-node/binary_sensor/basement_leak/state',
        avty_t: 'plant-node/status',
        uniq_id: 'ESPbinary_sensorbasement_leak',
        dev: { ids: 'a4cf12b3c4d5', name: 'plant-node', sw: 'esphome v2024.2.0', mdl: 'esp32dev', mf: 'espressif' },
      }),
      1000,
    );
    found.record(ESPHOME, 'plant-node/binary_sensor/basement_leak/state', Buffer.from('OFF'), 2000);
    found.record(ESPHOME, 'plant-node/sensor/mq2_voltage/state', Buffer.from('0.42'), 2100);
    found.record(ESPHOME, 'plant-node/status', Buffer.from('online'), 2200);
    const [voltage, leak] = found.list();
    expect(leak).toMatchObject({ name: 'Basement leak', vendor: 'espressif', model: 'esp32dev', lastMessage: 2000 });
    expect(leak!.bindings).toEqual([{ kind: 'leak', property: 'basement_leak', needsScale: false }]);
    expect([...leak!.exposes]).toEqual(['binary_sensor:moisture', 'binary_sensor']);
    // A sensor entity with no device class: Vigil cannot tell what it measures, so it suggests nothing.
    expect(voltage).toMatchObject({ key: 'sensor/plant-node/mq2_voltage', bindings: [] });
  });

  it('a Tasmota Zigbee bridge lists the devices of ZbReceived, and a Tasmota its analog inputs as raw values', () => {
    const found = new FoundDevices();
    found.record(
      TASMOTA,
      'tele/SonoffZB/SENSOR',
      json({ ZbReceived: { '0x099F': { Device: '0x099F', Name: 'Plant room leak', Water: 1, BatteryPercentage: 100, Endpoint: 1, LinkQuality: 66 } } }),
      1000,
    );
    found.record(TASMOTA, 'tele/SonoffZB/SENSOR', json({ Time: '2024-03-01T10:00:00', ANALOG: { A0: 512 }, Analog1: 3 }), 2000);
    const byKey = new Map(found.list().map((d) => [d.key, d]));
    expect(byKey.get('zigbee:0x099F')).toMatchObject({ name: 'Plant room leak', bindings: [{ kind: 'leak', property: 'Water', needsScale: false }] });
    expect([...byKey.get('zigbee:0x099F')!.exposes]).toEqual(['Water', 'BatteryPercentage']);
    expect(byKey.get('analog:ANALOG.A0')!.bindings).toEqual([{ kind: 'gas', property: 'ANALOG.A0', needsScale: true }]);
    expect(byKey.get('analog:Analog1')!.bindings).toEqual([{ kind: 'gas', property: 'Analog1', needsScale: true }]);
  });

  it('is bounded per gateway: the least recently heard device is forgotten first, and counted', () => {
    const found = new FoundDevices(2);
    for (const [i, name] of ['a', 'b', 'c'].entries()) found.record(Z2M, `zigbee2mqtt/${name}`, json({ contact: true }), i);
    found.record(ESPHOME, 'plant-node/binary_sensor/x/state', Buffer.from('ON'), 10);
    expect(found.list().map((d) => d.name)).toEqual(['x', 'c', 'b']);
    expect(found.evicted).toBe(1);
  });

  // Found-device entries are made from whatever the gateway's tree carries: what one device
  // accumulates across messages must be bounded too, not only the number of devices.
  it("a device's exposes stay bounded however many different keys its messages carry", () => {
    const found = new FoundDevices();
    for (let m = 0; m < 200; m++) {
      const body = Object.fromEntries(Array.from({ length: 40 }, (_, k) => [`p${m}_${k}`, 1]));
      found.record(Z2M, 'zigbee2mqtt/Chatty', json(body), m);
    }
    const [chatty] = found.list();
    expect(chatty!.exposes.size).toBeLessThanOrEqual(MAX_EXPOSES);
  });

  // Property names and device classes come from the network: an inherited member of a lookup
  // table ("constructor", "toString") is not a detector, and must not become a binding whose kind
  // is a function (a snippet with `kind: undefined`).
  it('property names and device classes that are Object members make no binding', () => {
    const found = new FoundDevices();
    found.record(Z2M, 'zigbee2mqtt/Odd', Buffer.from('{"constructor":true,"toString":1,"__proto__":{"smoke":true},"hasOwnProperty":0}'), 1);
    found.record(
      Z2M,
      'zigbee2mqtt/bridge/devices',
      json([{ ieee_address: '0x1', type: 'EndDevice', friendly_name: 'Odd list', definition: { exposes: [{ property: 'valueOf' }] } }]),
      2,
    );
    found.record(
      ESPHOME,
      'homeassistant/binary_sensor/plant-node/odd/config',
      json({ name: 'Odd', dev_cla: 'constructor', stat_t: 'plant-node/binary_sensor/odd/state' }),
      3,
    );
    found.record(TASMOTA, 'tele/SonoffZB/SENSOR', json({ ZbReceived: { '0x4A3F': { Device: '0x4A3F', constructor: 1, valueOf: 1 } } }), 4);
    const devices = found.list();
    expect(devices).toHaveLength(4);
    for (const d of devices) {
      expect(d.bindings).toEqual([]);
      expect(snippetFor(d)).toBe('');
    }
  });

  it('a renamed device leaves its old topic: a message there is another device, and old names are not kept', () => {
    const found = new FoundDevices();
    const line = (name: string) => json([{ ieee_address: '0x00158d0001a2b3c4', type: 'EndDevice', friendly_name: name, definition: null }]);
    for (let i = 0; i < 5; i++) found.record(Z2M, 'zigbee2mqtt/bridge/devices', line(`Room ${i}`), i);
    found.record(Z2M, 'zigbee2mqtt/Room 0', json({ smoke: true }), 10);
    const byKey = new Map(found.list().map((d) => [d.key, d]));
    expect(byKey.get('0x00158d0001a2b3c4')!.topic).toBe('zigbee2mqtt/Room 4');
    expect(byKey.get('0x00158d0001a2b3c4')!.lastMessage).toBeNull();
    expect(byKey.get('name:Room 0')!.lastMessage).toBe(10);
  });
});

describe('snippet', () => {
  it('one sensors: entry per detector, the id within the id pattern, raw values with a marked scale placeholder', () => {
    const found = new FoundDevices();
    found.record(Z2M, 'zigbee2mqtt/bridge/devices', json(BRIDGE_DEVICES), 1000);
    const byName = new Map(found.list().map((d) => [d.name, d]));
    expect(snippetFor(byName.get('Kitchen smoke+CO')!)).toBe(
      [
        '- id: KITCHEN-SMOKE-CO-SMK # choose the sensor id',
        '  name: "Kitchen smoke+CO (smoke)"',
        '  kind: smoke',
        '  model: "Tuya TS0601_smoke_co"',
        '  x: 0 # place it on the floor plan',
        '  y: 0',
        '  source: { adapter: zigbee2mqtt, gateway: GW-Z2M, topic: "zigbee2mqtt/Kitchen smoke+CO" }',
        '- id: KITCHEN-SMOKE-CO-CO # choose the sensor id',
        '  name: "Kitchen smoke+CO (co)"',
        '  kind: co',
        '  model: "Tuya TS0601_smoke_co"',
        '  x: 0 # place it on the floor plan',
        '  y: 0',
        '  source: { adapter: zigbee2mqtt, gateway: GW-Z2M, topic: "zigbee2mqtt/Kitchen smoke+CO" }',
        '',
      ].join('\n'),
    );
    expect(snippetFor(byName.get('Canteen gas')!)).toContain('scale: { from: [0, 1023], to: [0, 100] }');
    expect(snippetFor(byName.get('Canteen gas')!)).toContain("# gas_density is a raw value: set scale.from and scale.to from the detector's calibration");
  });

  it('names that are not ids become ids; quotes and newlines in names stay inside their string', () => {
    expect(suggestedId('烟感 2F', { kind: 'smoke', property: 'smoke', needsScale: false }, false)).toBe('2F');
    expect(suggestedId('火', { kind: 'smoke', property: 'smoke', needsScale: false }, false)).toBe('DEVICE');
    const found = new FoundDevices();
    found.record(Z2M, 'zigbee2mqtt/Evil"\n- id: X', json({ smoke: false }), 1);
    const snippet = snippetFor(found.list()[0]!);
    expect(snippet.split('\n').filter((l) => l.startsWith('- '))).toHaveLength(1);
    expect(snippet).toContain('topic: "zigbee2mqtt/Evil\\"\\n- id: X"');
  });
});
