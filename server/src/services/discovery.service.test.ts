// "Devices found" against a loaded facility: a device some sensor reads is not listed, and the
// snippet offered for one that is, pasted under a zone as it is, loads — after which the device
// drops out of the list. Nothing is bound automatically.
import { describe, expect, it } from 'vitest';
import { facilityFiles } from '../../../test/support/facility.files.ts';
import { FoundDevices } from '../domain/discovery/found-devices.ts';
import { Registry } from '../domain/registry.ts';
import { DiscoveryService } from './discovery.service.ts';
import { loadFacility } from './facility.loader.ts';

const files = facilityFiles('vigil-discovery-');
const BOUND_SMOKE = '{ id: R301-SMK, name: Room 301 smoke, kind: smoke, x: 10, y: 10, source: { adapter: zigbee2mqtt, topic: "zigbee2mqtt/Room 301 smoke" } }';
const GATEWAYS = [
  '{ id: GW-Z2M, name: Zigbee bridge, adapter: zigbee2mqtt, zone: z }',
  '{ id: GW-TAS, name: Tasmota bridge, adapter: tasmota, topic: SonoffZB, zone: z }',
];
// A snippet is pasted as it is under the zone's `sensors:` list.
const facilityFile = (sensors: string[]): string => files.write(sensors, { gateways: GATEWAYS, defaults: ['  leak: { heartbeatS: 3600 }'] });

const json = (v: unknown): Buffer => Buffer.from(JSON.stringify(v));
const DEVICES = [
  {
    ieee_address: '0x00158d0001a2b3c4',
    type: 'EndDevice',
    friendly_name: 'Room 301 smoke',
    definition: { model: 'HS1SA', vendor: 'HEIMAN', description: 'Smoke detector', exposes: [{ type: 'binary', property: 'smoke', name: 'smoke' }] },
  },
  {
    ieee_address: '0x00158d00045d6e7f',
    type: 'EndDevice',
    friendly_name: 'Plant room leak',
    definition: {
      model: 'SJCGQ11LM',
      vendor: 'Aqara',
      description: 'Water leak sensor',
      exposes: [{ type: 'binary', property: 'water_leak', name: 'water_leak' }],
    },
  },
  {
    ieee_address: '0xa4c138ffeeddcc02',
    type: 'EndDevice',
    friendly_name: 'Canteen gas',
    definition: { model: 'TS0601_gas', vendor: 'Tuya', exposes: [{ type: 'numeric', property: 'gas_density', name: 'gas_density' }] },
  },
];

function discover(file: string): { service: DiscoveryService; registry: Registry } {
  const registry = new Registry(loadFacility(file).facility);
  const found = new FoundDevices();
  found.record(registry.gateway('GW-Z2M')!, 'zigbee2mqtt/bridge/devices', json(DEVICES), 1000);
  found.record(
    registry.gateway('GW-TAS')!,
    'tele/SonoffZB/SENSOR',
    json({ ZbReceived: { '0x662E': { Device: '0x662E', Name: 'Back door', Contact: 0, Endpoint: 1, LinkQuality: 66 } } }),
    1100,
  );
  return { service: new DiscoveryService(registry, found), registry };
}

describe('GET /api/discovery', () => {
  it('lists what no sensor reads, most recently heard first, each with its gateway and what it is', () => {
    const { service } = discover(facilityFile([BOUND_SMOKE]));
    const { devices, evicted } = service.list();
    expect(evicted).toBe(0);
    expect(devices.map((d) => [d.gatewayId, d.name, d.model, d.bindings.map((b) => b.kind)])).toEqual([
      ['GW-TAS', 'Back door', null, ['door']],
      ['GW-Z2M', 'Plant room leak', 'SJCGQ11LM', ['leak']],
      ['GW-Z2M', 'Canteen gas', 'TS0601_gas', ['gas']],
    ]);
  });

  it('the offered snippets load as they are (scale placeholder included), and the devices they bind leave the list', () => {
    const first = discover(facilityFile([BOUND_SMOKE])).service.list().devices;
    const snippets = first.map((d) => d.snippet);
    expect(snippets.every((s) => s.length > 0)).toBe(true);
    const { service, registry } = discover(facilityFile([BOUND_SMOKE, ...snippets]));
    expect(service.list().devices).toEqual([]);
    expect(registry.sensor('PLANT-ROOM-LEAK')).toMatchObject({ kind: 'leak', source: { adapter: 'zigbee2mqtt', topic: 'zigbee2mqtt/Plant room leak' } });
    expect(registry.sensor('BACK-DOOR')).toMatchObject({ kind: 'door', source: { adapter: 'tasmota', topic: 'SonoffZB', sensorKey: '0x662E' } });
    expect(registry.sensor('CANTEEN-GAS')).toMatchObject({ kind: 'gas', source: { scale: { from: [0, 1023], to: [0, 100] } } });
  });

  it('a device whose gateway is no longer in the registry is not offered', () => {
    const { registry } = discover(facilityFile([]));
    const found = new FoundDevices();
    found.record({ ...registry.gateway('GW-Z2M')!, id: 'GONE' }, 'zigbee2mqtt/bridge/devices', json(DEVICES), 1);
    expect(new DiscoveryService(registry, found).list().devices).toEqual([]);
  });
});
