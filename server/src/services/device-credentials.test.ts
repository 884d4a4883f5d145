import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SourceBinding } from '../../../contract/index.ts';
import { Registry } from '../domain/registry.ts';
import { loadFacility } from './facility.loader.ts';
import { AuthError } from './auth.errors.ts';
import { FakeTime, RecordedAudit, openTestStores, type TestStores } from '../../../test/support/auth.test-support.ts';
import { BrokerPolicy, type MqttPrincipal } from './device-credentials.broker.ts';
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

describe('ingest API keys (issue 4 "Devices")', () => {
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

describe('embedded broker policy (issue 4 "MQTT, embedded broker")', () => {
  const setup = (allowAnonymous = false) => {
    const devices = new DeviceCredentialService(stores.devices, registry, topics, audit, time);
    return { devices, policy: new BrokerPolicy(topics, devices, { allowAnonymous }, time) };
  };
  const pw = (s: string) => Buffer.from(s);

  it('a device signs in with its own password and publishes only under its own topics', async () => {
    const { devices, policy } = setup();
    const { password } = await devices.add('adam', 'T-DOOR-01');
    expect(await policy.authenticate('T-DOOR-01', pw('wrong'))).toBeNull();
    expect(await policy.authenticate('T-GAS-01', pw(password))).toBeNull();
    const door = (await policy.authenticate('T-DOOR-01', pw(password)))!;
    expect(door).toEqual({ kind: 'device', sensorId: 'T-DOOR-01', publish: ['vigil/t1/T-DOOR-01/#'] });
    expect(policy.mayPublish(door, 'vigil/t1/T-DOOR-01/event')).toBe(true);
    // The threat in issue 4: a compromised door sensor faking a kitchen gas reading.
    expect(policy.mayPublish(door, 'vigil/t1/T-GAS-01/reading')).toBe(false);
    expect(policy.mayPublish(door, 'vigil/t2/T-DOOR-01/reading')).toBe(false);
    expect(policy.maySubscribe(door, 'vigil/#')).toBe(false);
  });

  it('a revoked device is refused at its next connection and, within a second, on the open one', async () => {
    const { devices, policy } = setup();
    const { password } = await devices.add('adam', 'T-GAS-01');
    const gas = (await policy.authenticate('T-GAS-01', pw(password)))!;
    expect(policy.mayPublish(gas, 'vigil/t1/T-GAS-01/reading')).toBe(true);
    devices.revoke('adam', 'T-GAS-01');
    time.advance(1000);
    expect(policy.mayPublish(gas, 'vigil/t1/T-GAS-01/reading')).toBe(false);
    expect(await policy.authenticate('T-GAS-01', pw(password))).toBeNull();
    expect(audit.actions()).toEqual(['device.add', 'device.revoke']);
  });

  it('a device bound to an adapter also publishes on its adapter topic, never a wildcard over other devices', async () => {
    const { devices, policy } = setup();
    const { password, device } = await devices.add('adam', 'T-SMK-01');
    // 'zigbee2mqtt/#' from the adapter would reach every Zigbee device: dropped.
    expect(device.publish).toEqual(['vigil/t1/T-SMK-01/#', 'zigbee2mqtt/Kitchen smoke/#']);
    const smoke = (await policy.authenticate('T-SMK-01', pw(password)))!;
    expect(policy.mayPublish(smoke, 'zigbee2mqtt/Kitchen smoke')).toBe(true);
    expect(policy.mayPublish(smoke, 'zigbee2mqtt/Kitchen smoke/availability')).toBe(true);
    expect(policy.mayPublish(smoke, 'zigbee2mqtt/Kitchen gas')).toBe(false);
  });

  it('refuses anonymous clients outside demo mode; in demo mode they publish only as registered sensors', async () => {
    expect(await setup(false).policy.authenticate(undefined, undefined)).toBeNull();
    const { policy } = setup(true);
    const anon = (await policy.authenticate(undefined, undefined))!;
    expect(anon).toEqual({ kind: 'anonymous' });
    expect(policy.mayPublish(anon, 'vigil/t1/T-GAS-01/reading')).toBe(true);
    expect(policy.mayPublish(anon, 'vigil/t1/STRANGER/reading')).toBe(false);
    expect(policy.mayPublish(anon, 'vigil/t9/T-GAS-01/reading')).toBe(false);
    expect(policy.mayPublish(anon, 'zigbee2mqtt/Kitchen smoke')).toBe(true);
    expect(policy.mayPublish(anon, 'zigbee2mqtt/Someone else')).toBe(false);
    expect(policy.mayPublish(anon, 'other/topic')).toBe(false);
  });

  it("Vigil's own ingest client gets an in-memory credential: subscribe anything, publish nothing", async () => {
    const { policy } = setup();
    const { username, password } = policy.internalCredential;
    const ingest = (await policy.authenticate(username, pw(password))) as MqttPrincipal;
    expect(ingest).toEqual({ kind: 'ingest' });
    expect(policy.maySubscribe(ingest, 'vigil/+/+/+')).toBe(true);
    expect(policy.mayPublish(ingest, 'vigil/t1/T-GAS-01/reading')).toBe(false);
    expect(await policy.authenticate(username, pw(`${password}x`))).toBeNull();
    expect(await policy.authenticate(policy.drillCredential.username, pw(password))).toBeNull();
    expect(await policy.authenticate(policy.drillCredential.username, pw(policy.drillCredential.password))).toEqual({ kind: 'drill' });
  });

  it('refuses credentials for a sensor outside the registry and a second live credential', async () => {
    const { devices } = setup();
    await expect(devices.add('adam', 'NOT-THERE')).rejects.toThrow(AuthError);
    await devices.add('adam', 'T-CO-01');
    await expect(devices.add('adam', 'T-CO-01')).rejects.toThrow(/already has credentials/);
    devices.revoke('adam', 'T-CO-01');
    await expect(devices.add('adam', 'T-CO-01')).resolves.toMatchObject({ device: { sensorId: 'T-CO-01', revokedAt: null } });
  });
});
