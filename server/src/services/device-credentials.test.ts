import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SourceBinding } from '../../../contract/index.ts';
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

  it('shows the key once, stores only its hash, and scopes it to sites or sensors', () => {
    const s = service();
    const { apiKey, key } = s.create('adam', 'kitchen gateway', { sensors: ['T-GAS-01'] });
    expect(key.startsWith(`${apiKey.id}.`)).toBe(true);
    expect(JSON.stringify(stores.db.prepare('SELECT * FROM api_keys').all())).not.toContain(key.split('.')[1]);
    const grant = s.verify(key)!;
    expect(grant.allows('t1', 'T-GAS-01')).toBe(true);
    expect(grant.allows('t1', 'T-GAS-02')).toBe(false);
    const site = s.verify(s.create('adam', 'site gateway', { sites: ['t1'] }).key)!;
    expect(site.allows('t1', 'T-DOOR-01')).toBe(true);
    expect(site.allows('t2', 'X')).toBe(false);
    expect(audit.actions()).toEqual(['apikey.create', 'apikey.create']);
  });

  it('refuses a revoked key, a tampered one, and keys for things not in the registry', () => {
    const s = service();
    const { apiKey, key } = s.create('adam', 'gw', { sites: ['t1'] });
    expect(s.verify(`${key}x`)).toBeNull();
    expect(s.verify('vk_000000000000.nothing')).toBeNull();
    s.revoke('adam', apiKey.id);
    expect(s.verify(key)).toBeNull();
    expect(s.list()[0]!.revokedAt).toBe(time.t);
    expect(() => s.create('adam', 'gw', { sites: ['nowhere'] })).toThrow(AuthError);
    expect(() => s.revoke('adam', apiKey.id)).toThrow(AuthError);
  });

  it('keeps INGEST_API_KEY working as a legacy all-sites key', () => {
    const s = service('legacy-key-0123456789');
    const grant = s.verify('legacy-key-0123456789')!;
    expect(grant.keyId).toBe('legacy');
    expect(grant.allows('anywhere', 'anything')).toBe(true);
    expect(s.verify('legacy-key-012345678')).toBeNull();
    expect(s.verify('legacy-key-0123456789x')).toBeNull();
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
    expect(devices.active().map((d) => d.sensorId)).toEqual(['T-GAS-01']);
    broker.failWith = new BrokerRefusedError('Role not found');
    await expect(devices.add('adam', 'T-GAS-02')).rejects.toThrow(BrokerRefusedError);
    expect(devices.active().map((d) => d.sensorId)).toEqual(['T-GAS-01']);
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
      devices: devices.all(),
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
