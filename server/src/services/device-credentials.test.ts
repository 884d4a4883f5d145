import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Gateway, SourceBinding } from '../../../contract/index.ts';
import { Registry } from '../domain/registry.ts';
import { loadFacility } from './facility.loader.ts';
import { AuthError } from './auth.errors.ts';
import { FakeTime, RecordedAudit, openTestStores, type TestStores } from '../../../test/support/auth.test-support.ts';
import {
  BrokerRefusedError,
  BrokerUnreachableError,
  brokerPlan,
  publishRights,
  type BrokerAccess,
  type BrokerPrincipal,
  type BrokerRole,
} from './device-credentials.broker.ts';
import { ApiKeyService, DeviceCredentialService } from './device-credentials.service.ts';
import { gatewayPublishFilters, gatewayTree, adapterPublishFilters } from '../domain/decoders/index.ts';
import { DeviceTopics } from './device-credentials.topics.ts';
import { topicMatches } from './mqtt-topic.ts';

// test/fixtures/facility.yaml: site t1 with T-GAS-01, T-GAS-02, T-CO-01, T-SMK-01, T-DOOR-01;
// here T-SMK-01 is bound to Zigbee2MQTT instead.
const facility = loadFacility(path.resolve('test/fixtures/facility.yaml')).facility;
const registry = new Registry({
  ...facility,
  sensors: facility.sensors.map((s) =>
    s.id === 'T-SMK-01' ? { ...s, source: { adapter: 'zigbee2mqtt', topic: 'zigbee2mqtt/Kitchen smoke' } as SourceBinding } : s,
  ),
});
/** What the device adapters report (server/src/domain/decoders publish filters); wired at the composition root. */
const adapterFilters = (source: SourceBinding): string[] => (source.adapter === 'zigbee2mqtt' ? [`${source.topic}/#`, 'zigbee2mqtt/#'] : []);
const topics = new DeviceTopics(registry, adapterFilters);

let stores: TestStores;
let time: FakeTime;
let audit: RecordedAudit;
beforeEach(() => {
  stores = openTestStores();
  time = new FakeTime();
  audit = new RecordedAudit();
});
afterEach(() => stores.close());

describe('MQTT topic filters (MQTT 3.1.1 §4.7)', () => {
  it.each([
    ['vigil/t1/A/#', 'vigil/t1/A/reading', true],
    ['vigil/t1/A/#', 'vigil/t1/A', true],
    ['vigil/t1/A/#', 'vigil/t1/AB/reading', false],
    ['vigil/t1/A/#', 'vigil/t2/A/reading', false],
    ['vigil/+/+/+', 'vigil/t1/A/status', true],
    ['#', '$SYS/broker/uptime', false],
    ['zigbee2mqtt/Kitchen gas/#', 'zigbee2mqtt/Kitchen gas', true],
    ['zigbee2mqtt/Kitchen gas/#', 'zigbee2mqtt/Kitchen gas 2', false],
  ])('%s vs %s → %s', (filter, topic, expected) => {
    expect(topicMatches(filter, topic)).toBe(expected);
  });
});

describe('ingest API keys', () => {
  const service = (legacy: string | null = null) => new ApiKeyService(stores.apiKeys, registry, audit, time, legacy);

  it('shows the key once, stores only its hash, and scopes it to sites or sensors', async () => {
    const s = service();
    const { apiKey, key } = await s.create('adam', 'kitchen gateway', { sensors: ['T-GAS-01'] });
    expect(key.startsWith(`${apiKey.id}.`)).toBe(true);
    expect(JSON.stringify(stores.db.prepare('SELECT * FROM api_keys').all())).not.toContain(key.split('.')[1]);
    const grant = (await s.verify(key))!;
    expect(grant.allows('t1', 'T-GAS-01')).toBe(true);
    expect(grant.allows('t1', 'T-GAS-02')).toBe(false);
    const site = (await s.verify((await s.create('adam', 'site gateway', { sites: ['t1'] })).key))!;
    expect(site.allows('t1', 'T-DOOR-01')).toBe(true);
    expect(site.allows('t2', 'X')).toBe(false);
    expect(audit.actions()).toEqual(['apikey.create', 'apikey.create']);
  });

  it('refuses a revoked key, a tampered one, and keys for things not in the registry', async () => {
    const s = service();
    const { apiKey, key } = await s.create('adam', 'gw', { sites: ['t1'] });
    expect(await s.verify(`${key}x`)).toBeNull();
    expect(await s.verify('vk_000000000000.nothing')).toBeNull();
    await s.revoke('adam', apiKey.id);
    expect(await s.verify(key)).toBeNull();
    expect((await s.list())[0]!.revokedAt).toBe(time.t);
    await expect(s.create('adam', 'gw', { sites: ['nowhere'] })).rejects.toThrow(AuthError);
    await expect(s.revoke('adam', apiKey.id)).rejects.toThrow(AuthError);
  });

  it('keeps INGEST_API_KEY working as a legacy all-sites key', async () => {
    const s = service('legacy-key-0123456789');
    const grant = (await s.verify('legacy-key-0123456789'))!;
    expect(grant.keyId).toBe('legacy');
    expect(grant.allows('anywhere', 'anything')).toBe(true);
    expect(await s.verify('legacy-key-012345678')).toBeNull();
    expect(await s.verify('legacy-key-0123456789x')).toBeNull();
  });
});

/** A broker that records what it was asked, or fails as told (BrokerAccess is a port). */
class RecordingBroker implements BrokerAccess {
  readonly calls: string[] = [];
  failWith: Error | null = null;
  async grant(p: BrokerPrincipal, role: BrokerRole): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.calls.push(`grant ${p.username} as ${p.clientId} with ${role.name}: ${role.publish.join(' ')}`);
  }
  async remove(username: string): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.calls.push(`remove ${username}`);
  }
}

describe('device credentials on the broker', () => {
  const setup = (broker: BrokerAccess | null = null) => new DeviceCredentialService(stores.devices, registry, topics, audit, time, broker);

  it('a device is granted its own topics only, bound to its sensor id as client id, before add returns', async () => {
    const broker = new RecordingBroker();
    const { device, broker: sync } = await setup(broker).add('adam', 'T-DOOR-01');
    expect(device.publish).toEqual(['vigil/t1/T-DOOR-01/#']);
    expect(sync).toEqual({ state: 'applied' });
    expect(broker.calls).toEqual(['grant T-DOOR-01 as T-DOOR-01 with vigil-sensor:T-DOOR-01: vigil/t1/T-DOOR-01/#']);
  });

  it('a device bound to an adapter also publishes on its adapter topic, never a wildcard over other devices', async () => {
    const { device } = await setup().add('adam', 'T-SMK-01');
    // 'zigbee2mqtt/#' from the adapter would reach every Zigbee device: dropped.
    expect(device.publish).toEqual(['vigil/t1/T-SMK-01/#', 'zigbee2mqtt/Kitchen smoke/#']);
  });

  it('a revocation removes the client from the broker before it returns', async () => {
    const broker = new RecordingBroker();
    const devices = setup(broker);
    await devices.add('adam', 'T-GAS-01');
    const { device, broker: sync } = await devices.revoke('adam', 'T-GAS-01');
    expect(device.revokedAt).toBe(time.t);
    expect(sync).toEqual({ state: 'applied' });
    expect(broker.calls.at(-1)).toBe('remove T-GAS-01');
    expect(audit.actions()).toEqual(['device.add', 'device.revoke']);
  });

  it('an unreachable broker leaves the change pending; a refusing one withdraws the credential', async () => {
    const broker = new RecordingBroker();
    const devices = setup(broker);
    broker.failWith = new BrokerUnreachableError('no answer');
    expect((await devices.add('adam', 'T-GAS-01')).broker).toEqual({ state: 'pending', reason: 'no answer' });
    expect((await devices.active()).map((d) => d.sensorId)).toEqual(['T-GAS-01']);
    broker.failWith = new BrokerRefusedError('Role not found');
    await expect(devices.add('adam', 'T-GAS-02')).rejects.toThrow(BrokerRefusedError);
    expect((await devices.active()).map((d) => d.sensorId)).toEqual(['T-GAS-01']);
    expect(audit.actions()).toEqual(['device.add', 'device.add', 'device.revoke']);
  });

  it("refuses credentials for a sensor outside the registry, Vigil's own names and a second live credential", async () => {
    const devices = setup();
    await expect(devices.add('adam', 'NOT-THERE')).rejects.toThrow(AuthError);
    await devices.add('adam', 'T-CO-01');
    await expect(devices.add('adam', 'T-CO-01')).rejects.toThrow(/already has credentials/);
    await devices.revoke('adam', 'T-CO-01');
    await expect(devices.add('adam', 'T-CO-01')).resolves.toMatchObject({ device: { sensorId: 'T-CO-01', revokedAt: null }, broker: { state: 'unmanaged' } });
  });
});

// The loader refuses such a facility (facility.broker-ids.ts); the service does not rely on it:
// a credential under a Vigil name would be that client's (README "Several nodes").
describe('device and gateway credentials under names Vigil reserves', () => {
  it('are refused for a vigil- id, with why, and nothing is stored or audited', async () => {
    const gas = registry.allSensors().find((s) => s.id === 'T-GAS-01')!;
    const bridge = new Registry(loadFacility(path.resolve('test/fixtures/gateway-credentials/facility.yaml')).facility).gateway('G-Z2M')!;
    const gateway: Gateway = { ...bridge, id: 'vigil-t1', siteId: 't1', sensorIds: [] };
    const odd = new Registry({ ...facility, sensors: [...facility.sensors, { ...gas, id: 'vigil-t1' }], gateways: [gateway] });
    const devices = new DeviceCredentialService(stores.devices, odd, new DeviceTopics(odd), audit, time);
    await expect(devices.add('adam', 'vigil-t1')).rejects.toThrow(/vigil-t1 cannot have MQTT credentials: ids starting with "vigil-" are reserved/);
    await expect(devices.addGateway('adam', 'vigil-t1')).rejects.toThrow(AuthError);
    expect(await devices.all()).toEqual([]);
    expect(audit.actions()).toEqual([]);
  });

  it('are refused for the ingest’s own user name or client id when MQTT_USERNAME / MQTT_CLIENT_ID name a sensor, which then gets no broker rights', async () => {
    const reserved = ['vigil-ingest', 'T-DOOR-01', 'vigil-admin'];
    const devices = new DeviceCredentialService(stores.devices, registry, topics, audit, time, null, reserved);
    await expect(devices.add('adam', 'T-DOOR-01')).rejects.toThrow(/T-DOOR-01 is reserved for Vigil's own MQTT client/);
    // A credential issued before MQTT_CLIENT_ID was changed: the device would take the ingest's session.
    const old = { kind: 'sensor' as const, sensorId: 'T-DOOR-01', passwordHash: '$7$1$a$b', createdAt: 0, createdBy: 'adam', revokedAt: null };
    const p = brokerPlan({
      sensors: registry.allSensors(),
      topics,
      gateways: [],
      devices: [old],
      ingest: { username: 'vigil-ingest', clientId: 'T-DOOR-01', password: 'i' },
      drillPassword: null,
      simulatorPassword: null,
    });
    expect(p.principals.filter((x) => x.clientId === 'T-DOOR-01').map((x) => x.kind)).toEqual(['ingest']);
  });
});

describe('the broker plan: one set of rules', () => {
  const ingest = { username: 'vigil-ingest', clientId: 'vigil-ingest', password: 'ingest-secret' };
  const plan = async (o: { demo?: boolean; revoke?: string[] } = {}) => {
    const devices = new DeviceCredentialService(stores.devices, registry, topics, audit, time);
    await devices.add('adam', 'T-DOOR-01');
    await devices.add('adam', 'T-GAS-01');
    for (const id of o.revoke ?? []) await devices.revoke('adam', id);
    return brokerPlan({
      sensors: registry.allSensors(),
      topics,
      gateways: registry.gateways(),
      devices: await devices.all(),
      ingest,
      drillPassword: 'drill-secret',
      simulatorPassword: o.demo ? 'sim-secret' : null,
    });
  };

  it('binds every credential to one client id: its own name, or MQTT_CLIENT_ID for the ingest', async () => {
    const p = await plan({ demo: true });
    for (const principal of p.principals) expect(principal.clientId).toBe(principal.kind === 'ingest' ? ingest.clientId : principal.username);
    expect(new Set(p.principals.map((x) => x.clientId)).size).toBe(p.principals.length);
  });

  it('a device, its drill device and its simulated device publish to the same topics, only their own', async () => {
    const p = await plan({ demo: true });
    const rights = publishRights(p);
    expect(rights.get('T-DOOR-01')).toEqual(['vigil/t1/T-DOOR-01/#']);
    expect(rights.get('drill@T-DOOR-01')).toEqual(['vigil/t1/T-DOOR-01/#']);
    expect(rights.get('sim@T-DOOR-01')).toEqual(['vigil/t1/T-DOOR-01/#']);
    expect(rights.get('drill@T-SMK-01')).toEqual(['vigil/t1/T-SMK-01/#', 'zigbee2mqtt/Kitchen smoke/#']);
    // The ingest client reads and never publishes.
    expect(rights.get('vigil-ingest')).toEqual([]);
    expect(p.roles.find((r) => r.name === 'vigil-ingest')!.subscribe).toEqual(['#', '$SYS/#']);
  });

  it('simulated devices exist only in demo mode; revoked devices and stale Vigil roles are removed, other clients kept', async () => {
    const p = await plan({ revoke: ['T-GAS-01'] });
    expect(p.principals.some((x) => x.kind === 'simulator')).toBe(false);
    expect(p.principals.map((x) => x.username)).not.toContain('T-GAS-01');
    expect(p.isStaleClient('T-GAS-01')).toBe(true);
    expect(p.isStaleClient('sim@T-GAS-01')).toBe(true);
    expect(p.isStaleClient('T-DOOR-01')).toBe(false);
    expect(p.isStaleClient('nodered')).toBe(false);
    expect(p.isStaleRole('vigil-sensor:GONE')).toBe(true);
    expect(p.isStaleRole('vigil-sensor:T-DOOR-01')).toBe(false);
    expect(p.isStaleRole('site-operators')).toBe(false);
  });
});

// test/fixtures/gateways/facility.yaml: site g1 with the Zigbee2MQTT bridge G-Z2M (base topic
// zigbee2mqtt) and the sensors G-NATIVE-GAS, G-Z2M-GAS and G-Z2M-SMK; here a Tasmota gateway too.
describe('gateway credentials: one set of rules for dynamic security and the ACL file', () => {
  const gwFacility = loadFacility(path.resolve('test/fixtures/gateways/facility.yaml')).facility;
  const tasmota: Gateway = {
    id: 'G-TAS',
    name: 'Tasmota',
    adapter: 'tasmota',
    topic: 'SonoffZB',
    siteId: 'g1',
    zoneId: null,
    floorId: null,
    heartbeatS: null,
    sensorIds: [],
  };
  const gwRegistry = new Registry({ ...gwFacility, gateways: [...gwFacility.gateways!, tasmota] });
  const setup = (broker: BrokerAccess | null = null, reg: Registry = gwRegistry) =>
    new DeviceCredentialService(stores.devices, reg, new DeviceTopics(reg, adapterPublishFilters), audit, time, broker);
  const planOf = async (devices: DeviceCredentialService, o: { demo?: boolean; reg?: Registry } = {}) => {
    const reg = o.reg ?? gwRegistry;
    return brokerPlan({
      sensors: reg.allSensors(),
      topics: new DeviceTopics(reg, adapterPublishFilters),
      gateways: reg.gateways(),
      devices: await devices.all(),
      ingest: { username: 'vigil-ingest', clientId: 'vigil-ingest', password: 'i' },
      drillPassword: 'drill-secret',
      simulatorPassword: o.demo ? 'sim-secret' : null,
    });
  };
  const z2m = () => gwRegistry.gateway('G-Z2M')!;

  it("a gateway's role publishes exactly gatewayPublishFilters and subscribes to its own tree, bound to its id", async () => {
    const broker = new RecordingBroker();
    const devices = setup(broker);
    const { gateway, broker: sync } = await devices.addGateway('adam', 'G-Z2M');
    await devices.addGateway('adam', 'G-TAS');
    expect(gateway).toMatchObject({ gatewayId: 'G-Z2M', username: 'G-Z2M', publish: gatewayPublishFilters(z2m()), subscribe: ['zigbee2mqtt/#'] });
    expect(sync).toEqual({ state: 'applied' });
    expect(broker.calls).toEqual([
      'grant G-Z2M as G-Z2M with vigil-gateway:G-Z2M: zigbee2mqtt/# homeassistant/+/+/+/config',
      'grant G-TAS as G-TAS with vigil-gateway:G-TAS: tele/SonoffZB/# stat/SonoffZB/# tasmota/discovery/+/config tasmota/discovery/+/sensors',
    ]);
    const p = await planOf(devices);
    const principal = p.principals.find((x) => x.username === 'G-Z2M')!;
    expect(principal).toMatchObject({ kind: 'gateway', clientId: 'G-Z2M', role: 'vigil-gateway:G-Z2M' });
    const role = p.roles.find((r) => r.name === principal.role)!;
    expect(role.publish).toEqual(gatewayPublishFilters(z2m()));
    expect(role.subscribe).toEqual(gatewayTree(z2m()).own);
    // Subscribing to discovery would let it read other gateways' discovery messages: not granted.
    expect(p.roles.find((r) => r.name === 'vigil-gateway:G-TAS')!.subscribe).toEqual(['tele/SonoffZB/#', 'stat/SonoffZB/#']);
    expect(audit.actions()).toEqual(['gateway.add', 'gateway.add']);
  });

  it("in demo mode the simulator's gateway connection (sim@<gateway>) has the gateway's role; outside it does not exist", async () => {
    const devices = setup();
    const demo = await planOf(devices, { demo: true });
    expect(demo.principals.find((x) => x.username === 'sim@G-Z2M')).toMatchObject({ kind: 'simulator', clientId: 'sim@G-Z2M', role: 'vigil-gateway:G-Z2M' });
    expect(publishRights(demo).get('sim@G-Z2M')).toEqual([...gatewayPublishFilters(z2m())].sort());
    const prod = await planOf(devices);
    expect(prod.principals.map((x) => x.username)).not.toContain('sim@G-Z2M');
    expect(prod.isStaleClient('sim@G-Z2M')).toBe(true);
    // Drills publish no gateway traffic.
    expect(demo.principals.map((x) => x.username)).not.toContain('drill@G-Z2M');
  });

  it('a revoked gateway, or one gone from the facility file, is removed with its role; its id reused for a sensor gets no gateway rights', async () => {
    const devices = setup();
    await devices.addGateway('adam', 'G-Z2M');
    await devices.addGateway('adam', 'G-TAS');
    await devices.revokeGateway('adam', 'G-TAS');
    const p = await planOf(devices);
    expect(p.principals.map((x) => x.username)).not.toContain('G-TAS');
    expect(p.isStaleClient('G-TAS')).toBe(true);
    expect(p.isStaleRole('vigil-gateway:G-TAS')).toBe(true);
    expect(p.isStaleRole('vigil-gateway:G-Z2M')).toBe(false);

    const sensor = gwRegistry.sensor('G-NATIVE-GAS')!;
    const without = new Registry({ ...gwFacility, gateways: [], sensors: [...gwFacility.sensors, { ...sensor, id: 'G-Z2M' }] });
    const q = await planOf(devices, { reg: without });
    expect(q.principals.map((x) => x.username)).not.toContain('G-Z2M');
    expect(q.isStaleClient('G-Z2M')).toBe(true);
    expect(q.isStaleRole('vigil-gateway:G-Z2M')).toBe(true);
  });

  it('gateway and device commands keep to their own kind; unknown gateways, sensors and live credentials are refused', async () => {
    const broker = new RecordingBroker();
    const devices = setup(broker);
    await expect(devices.addGateway('adam', 'NOT-THERE')).rejects.toThrow(/not in the facility registry/);
    await expect(devices.addGateway('adam', 'G-NATIVE-GAS')).rejects.toThrow(/not in the facility registry/);
    await expect(devices.add('adam', 'G-Z2M')).rejects.toThrow(/not in the facility registry/);
    await devices.addGateway('adam', 'G-Z2M');
    await devices.add('adam', 'G-NATIVE-GAS');
    await expect(devices.addGateway('adam', 'G-Z2M')).rejects.toThrow(/already has credentials/);
    expect((await devices.list()).map((d) => d.sensorId)).toEqual(['G-NATIVE-GAS']);
    expect((await devices.gatewayList()).map((g) => g.gatewayId)).toEqual(['G-Z2M']);
    await expect(devices.revoke('adam', 'G-Z2M')).rejects.toThrow(AuthError);
    await expect(devices.revokeGateway('adam', 'G-NATIVE-GAS')).rejects.toThrow(AuthError);
    const { gateway, broker: sync } = await devices.revokeGateway('adam', 'G-Z2M');
    expect(gateway.revokedAt).toBe(time.t);
    expect(sync).toEqual({ state: 'applied' });
    expect(broker.calls.at(-1)).toBe('remove G-Z2M');
    await expect(devices.revokeGateway('adam', 'G-Z2M')).rejects.toThrow(AuthError);
    expect(audit.actions()).toEqual(['gateway.add', 'device.add', 'gateway.revoke']);
  });
});
