// "Devices found" against a loaded facility: a device some sensor reads is not listed, and the
// snippet offered for one that is, pasted under a zone as it is, loads — after which the device
// drops out of the list. Nothing is bound automatically.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FoundDevices } from '../domain/discovery/found-devices.ts';
import { Registry } from '../domain/registry.ts';
import { DiscoveryService } from './discovery.service.ts';
import { loadFacility } from './facility.loader.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'vigil-discovery-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(
  path.join(dir, 'plan.svg'),
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100"><rect data-zone="z" x="0" y="0" width="100" height="100"/></svg>',
);

const BOUND_SMOKE =
  '- { id: R301-SMK, name: Room 301 smoke, kind: smoke, x: 10, y: 10, source: { adapter: zigbee2mqtt, topic: "zigbee2mqtt/Room 301 smoke" } }';

function facilityFile(sensorLines: string[]): string {
  const file = path.join(dir, `facility-${Math.random().toString(36).slice(2)}.yaml`);
  const lines = [
    'facility: { name: Discovery }',
    'defaults:',
    '  gas: { heartbeatS: 60, thresholds: { low: 10, high: 20, deadband: 2, lowOnDelayS: 2, highOnDelayS: 0, riseRate: 5, riseWindowS: 30 } }',
    '  smoke: { heartbeatS: 300 }',
    '  door: { heartbeatS: 300, heldOpenS: 60 }',
    '  leak: { heartbeatS: 3600 }',
    'sites:',
    '  - id: s',
    '    name: Site',
    '    timezone: Asia/Shanghai',
    '    gateways:',
    '      - { id: GW-Z2M, name: Zigbee bridge, adapter: zigbee2mqtt, zone: z }',
    '      - { id: GW-TAS, name: Tasmota bridge, adapter: tasmota, topic: SonoffZB, zone: z }',
    '    floors:',
    '      - id: f',
    '        name: Floor',
    '        plan: plan.svg',
    '        zones:',
    '          - id: z',
    '            name: Zone',
    `            sensors:${sensorLines.length === 0 ? ' []' : ''}`,
    // A snippet is pasted as it is, indented to the zone's `sensors:` list.
    ...sensorLines.flatMap((l) => l.split('\n').filter((x) => x.length > 0)).map((l) => `              ${l}`),
    '',
  ];
  writeFileSync(file, lines.join('\n'));
  return file;
}

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
