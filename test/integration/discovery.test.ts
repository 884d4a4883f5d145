// "Devices found": a Zigbee2MQTT bridge announces its devices (its retained `bridge/devices`,
// zigbee2mqtt.io "MQTT topics and messages") and an unbound device reports; through real
// Mosquitto into the real server, an admin sees every device no sensor reads, with a snippet to
// bind it, and the bound ones not at all. Nothing is bound, nothing raises an alarm.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS, type AlarmListResponse, type DiscoveryResponse, type Role } from '../../contract/index.ts';
import { startAdapterStack, type AdapterStack } from '../support/adapter.stack.ts';
import { stopAllServices } from '../support/services.ts';
import { eventually, type VigilHandle } from '../support/vigil.ts';

const FACILITY = path.resolve('test/fixtures/gateways/facility.yaml');

let vigil: VigilHandle;
let pub: AdapterStack['pub'];

const login = (role: Role): Promise<string> => {
  const account = DEMO_ACCOUNTS.find((a) => a.role === role)!;
  return vigil.login(account.username, account.password);
};

beforeAll(async () => {
  ({ vigil, pub } = await startAdapterStack({
    facility: FACILITY,
    db: 'vigil_discovery_test',
    warmUpSensor: { topic: 'vigil/g1/G-NATIVE-GAS/reading', sensor: 'G-NATIVE-GAS' },
  }));
});

afterAll(async () => {
  await vigil?.stop();
  await stopAllServices();
});

const device = (ieee: string, name: string, model: string, vendor: string, properties: string[]) => ({
  ieee_address: ieee,
  type: 'EndDevice',
  friendly_name: name,
  supported: true,
  definition: { model, vendor, description: model, exposes: properties.map((p) => ({ type: 'binary', name: p, property: p, access: 1 })) },
  interview_completed: true,
});

describe('GET /api/discovery', () => {
  it('lists the devices a gateway announced or sent that no sensor reads, with a binding snippet; admins only', async () => {
    await pub('zigbee2mqtt/bridge/devices', [
      { ieee_address: '0x00124b0014d9a1b2', type: 'Coordinator', friendly_name: 'Coordinator', definition: null },
      // Bound (G-Z2M-SMK reads this topic): not offered.
      device('0x00158d0001a2b3c4', 'Kitchen smoke', 'HS1SA', 'HEIMAN', ['smoke', 'battery_low']),
      device('0x00158d00045d6e7f', 'Cold store leak', 'SJCGQ11LM', 'Aqara', ['water_leak', 'battery_low']),
    ]);
    await pub('zigbee2mqtt/Hallway motion', { occupancy: true, battery: 97, linkquality: 120 });

    const admin = await login('admin');
    const found = await eventually(
      async () => {
        const res = await vigil.api<DiscoveryResponse>('/api/discovery', { headers: { cookie: admin } });
        expect(res.status).toBe(200);
        expect(res.body.devices.map((d) => d.name).sort()).toEqual(['Cold store leak', 'Hallway motion']);
        return res.body.devices;
      },
      15_000,
      'the unbound devices listed',
    );
    const leak = found.find((d) => d.name === 'Cold store leak')!;
    expect(leak).toMatchObject({ gatewayId: 'G-Z2M', adapter: 'zigbee2mqtt', vendor: 'Aqara', model: 'SJCGQ11LM', topic: 'zigbee2mqtt/Cold store leak' });
    expect(leak.snippet).toContain('kind: leak');
    expect(leak.snippet).toContain('source: { adapter: zigbee2mqtt, gateway: G-Z2M, topic: "zigbee2mqtt/Cold store leak" }');
    // Motion is not a kind Vigil has: listed with what it exposes, but no snippet.
    const motion = found.find((d) => d.name === 'Hallway motion')!;
    expect(motion).toMatchObject({ snippet: '', bindings: [] });
    expect(motion.exposes).toContain('occupancy');
    expect(motion.lastMessage).not.toBeNull();

    for (const role of ['manager', 'officer'] as const) {
      const res = await vigil.api('/api/discovery', { headers: { cookie: await login(role) } });
      expect(res.status, role).toBe(403);
    }
    // Discovery is advice: none of this raised an alarm.
    const alarms = await vigil.api<AlarmListResponse>('/api/alarms', { headers: { cookie: admin } });
    expect(alarms.body.alarms.filter((a) => a.sensorId !== 'G-NATIVE-GAS')).toEqual([]);
  });
});
