// The dynamic-security reconciliation without a broker: which commands make the broker match the
// plan, and what the offline file holds. The same plan against a real Mosquitto is in
// test/integration/broker.identity.test.ts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Registry } from '../domain/registry.ts';
import { adapterPublishFilters } from '../domain/decoders/index.ts';
import { brokerPlan, type BrokerPlan, type BrokerPrincipal } from '../services/device-credentials.broker.ts';
import { DeviceTopics } from '../services/device-credentials.topics.ts';
import { loadFacility } from '../services/facility.loader.ts';
import { aclFile, mosquittoHash, planAclEntries, verifyMosquittoHash } from '../services/mosquitto-config.ts';
import { DEFAULT_ACL_ACCESS, reconcileCommands, roleAcls, type DynsecState } from './mosquitto.dynsec.ts';
import { writeDynsecFile } from './mosquitto.dynsec-file.ts';

const doorRole = { name: 'vigil-sensor:DOOR', publish: ['vigil/hq/DOOR/#'], subscribe: [] };
const ingestRole = { name: 'vigil-ingest', publish: [], subscribe: ['#', '$SYS/#'] };
const ingest: BrokerPrincipal = { kind: 'ingest', username: 'vigil-ingest', clientId: 'vigil-ingest', role: 'vigil-ingest', secret: { password: 'i' } };
const drill: BrokerPrincipal = { kind: 'drill', username: 'drill@DOOR', clientId: 'drill@DOOR', role: doorRole.name, secret: { password: 'd' } };

function plan(principals: BrokerPrincipal[], stale: string[] = []): BrokerPlan {
  return {
    roles: [ingestRole, doorRole],
    principals,
    isStaleClient: (u) => stale.includes(u),
    isStaleRole: (r) => r.startsWith('vigil-sensor:') && r !== doorRole.name,
  };
}

const matching = (): DynsecState => ({
  clients: new Map([
    ['vigil-ingest', { clientid: 'vigil-ingest', roles: ['vigil-ingest'], disabled: false }],
    ['drill@DOOR', { clientid: 'drill@DOOR', roles: [doorRole.name], disabled: false }],
    ['vigil-admin', { roles: ['vigil-admin'], disabled: false }],
  ]),
  roles: new Map([
    [
      'vigil-ingest',
      [
        { acltype: 'subscribePattern', topic: '#', allow: true, priority: -1 },
        { acltype: 'subscribePattern', topic: '$SYS/#', allow: true },
      ],
    ],
    [doorRole.name, [{ acltype: 'publishClientSend', topic: 'vigil/hq/DOOR/#', allow: true }]],
  ]),
  defaultAccess: { ...DEFAULT_ACL_ACCESS },
});

describe('reconciling dynamic security with the plan', () => {
  it('changes nothing when the broker matches: every change would disconnect the clients it touches', () => {
    expect(reconcileCommands(plan([ingest, drill]), matching())).toEqual({ commands: [], missing: [] });
  });

  it('re-binds a client id that drifted, restores its role and re-enables it', () => {
    const state = matching();
    state.clients.set('drill@DOOR', { clientid: undefined, roles: ['site-role'], disabled: true });
    expect(reconcileCommands(plan([ingest, drill]), state).commands).toEqual([
      { command: 'setClientId', username: 'drill@DOOR', clientid: 'drill@DOOR' },
      { command: 'removeClientRole', username: 'drill@DOOR', rolename: 'site-role' },
      { command: 'addClientRole', username: 'drill@DOOR', rolename: doorRole.name },
      { command: 'enableClient', username: 'drill@DOOR' },
    ]);
  });

  it('puts back the deny-by-default access and a role rule someone widened', () => {
    const state = matching();
    state.defaultAccess.publishClientSend = true;
    state.roles.set(doorRole.name, [{ acltype: 'publishClientSend', topic: 'vigil/#', allow: true }]);
    expect(reconcileCommands(plan([ingest, drill]), state).commands).toEqual([
      { command: 'setDefaultACLAccess', acls: [{ acltype: 'publishClientSend', allow: false }] },
      { command: 'removeRoleACL', rolename: doorRole.name, acltype: 'publishClientSend', topic: 'vigil/#' },
      { command: 'addRoleACL', rolename: doorRole.name, acltype: 'publishClientSend', topic: 'vigil/hq/DOOR/#', allow: true },
    ]);
  });

  it('creates what has a password, reports devices known only by their hash, deletes stale clients and roles', () => {
    const state = matching();
    state.clients.delete('drill@DOOR');
    state.clients.set('OLD-DEVICE', { clientid: 'OLD-DEVICE', roles: ['vigil-sensor:OLD-DEVICE'], disabled: false });
    state.roles.set('vigil-sensor:OLD-DEVICE', []);
    const device: BrokerPrincipal = { kind: 'device', username: 'DOOR', clientId: 'DOOR', role: doorRole.name, secret: { hash: '$7$...' } };
    const r = reconcileCommands(plan([ingest, drill, device], ['OLD-DEVICE']), state);
    expect(r.missing).toEqual(['DOOR']);
    expect(r.commands).toEqual([
      { command: 'createClient', username: 'drill@DOOR', password: 'd', clientid: 'drill@DOOR', roles: [{ rolename: doorRole.name }] },
      { command: 'deleteClient', username: 'OLD-DEVICE' },
      { command: 'deleteRole', rolename: 'vigil-sensor:OLD-DEVICE' },
    ]);
  });

  it('re-creates a re-issued credential even though the client exists (its old password must stop working)', () => {
    const r = reconcileCommands(plan([ingest, drill]), matching(), { recreate: new Set(['drill@DOOR']) });
    expect(r.commands.map((c) => c.command)).toEqual(['deleteClient', 'createClient']);
  });
});

describe('the dynamic-security file written while the broker is stopped', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  const tmpFile = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-dynsec-'));
    dirs.push(dir);
    return path.join(dir, 'dynamic-security.json');
  };
  type FileClient = { username: string; clientid?: string; password: string; salt: string; iterations: number; roles: { rolename: string }[] };
  const read = (file: string) =>
    JSON.parse(fs.readFileSync(file, 'utf8')) as { clients: FileClient[]; roles: { rolename: string }[]; defaultACLAccess: object };
  const asHash = (c: FileClient) => `$7$${c.iterations}$${c.salt}$${c.password}`;

  it('holds a device by its stored hash, the others by a hash of their password, each bound to its client id', async () => {
    const file = tmpFile();
    const deviceHash = await mosquittoHash('device-password', 101);
    const device: BrokerPrincipal = { kind: 'device', username: 'DOOR', clientId: 'DOOR', role: doorRole.name, secret: { hash: deviceHash } };
    expect(await writeDynsecFile(file, plan([ingest, drill, device]), { username: 'vigil-admin', password: 'admin-pw' })).toEqual({ created: true });
    const doc = read(file);
    const byName = new Map(doc.clients.map((c) => [c.username, c]));
    expect(asHash(byName.get('DOOR')!)).toBe(deviceHash);
    expect(byName.get('DOOR')!.clientid).toBe('DOOR');
    expect(byName.get('drill@DOOR')).toMatchObject({ clientid: 'drill@DOOR', roles: [{ rolename: doorRole.name }] });
    expect(await verifyMosquittoHash('d', asHash(byName.get('drill@DOOR')!))).toBe(true);
    expect(await verifyMosquittoHash('admin-pw', asHash(byName.get('vigil-admin')!))).toBe(true);
    expect(doc.defaultACLAccess).toEqual(DEFAULT_ACL_ACCESS);
    expect((fs.statSync(file).mode & 0o777).toString(8)).toBe('600');
  });

  it("holds a gateway issued while the broker was down: its stored hash, its client id, its role's publish and subscribe filters", async () => {
    const file = tmpFile();
    const registry = new Registry(loadFacility(path.resolve('test/fixtures/gateway-credentials/facility.yaml')).facility);
    const hash = await mosquittoHash('gateway-password', 101);
    const p = brokerPlan({
      sensors: registry.allSensors(),
      topics: new DeviceTopics(registry, adapterPublishFilters),
      gateways: registry.gateways(),
      devices: [{ kind: 'gateway', sensorId: 'G-Z2M', passwordHash: hash, createdAt: 0, createdBy: 'adam', revokedAt: null }],
      ingest: { username: 'vigil-ingest', clientId: 'vigil-ingest', password: 'i' },
      drillPassword: null,
      simulatorPassword: null,
    });
    await writeDynsecFile(file, p, { username: 'vigil-admin', password: 'a' });
    const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as {
      clients: FileClient[];
      roles: { rolename: string; acls: { acltype: string; topic: string }[] }[];
    };
    const gateway = doc.clients.find((c) => c.username === 'G-Z2M')!;
    expect(gateway).toMatchObject({ clientid: 'G-Z2M', roles: [{ rolename: 'vigil-gateway:G-Z2M' }] });
    expect(asHash(gateway)).toBe(hash);
    expect(doc.roles.find((r) => r.rolename === 'vigil-gateway:G-Z2M')!.acls.map((a) => `${a.acltype} ${a.topic}`)).toEqual([
      'publishClientSend zigbee2mqtt/#',
      'publishClientSend homeassistant/+/+/+/config',
      'subscribePattern zigbee2mqtt/#',
    ]);
  });

  it('keeps entries Vigil does not manage and drops the stale ones on the next write', async () => {
    const file = tmpFile();
    await writeDynsecFile(file, plan([ingest, drill]), { username: 'vigil-admin', password: 'a' });
    const doc = read(file);
    doc.clients.push({ username: 'nodered', password: 'x', salt: 'y', iterations: 1, roles: [] });
    fs.writeFileSync(file, JSON.stringify(doc));
    expect(await writeDynsecFile(file, plan([ingest], ['drill@DOOR']), { username: 'vigil-admin', password: 'a' })).toEqual({ created: false });
    expect(read(file).clients.map((c) => c.username)).toEqual(['vigil-admin', 'vigil-ingest', 'nodered']);
  });
});

describe('one set of rules: the ACL file grants what the dynamic-security roles grant', () => {
  it('each gateway, its simulated connection and a device: the same publish and subscribe filters in both renderings', () => {
    // test/fixtures/gateway-credentials/facility.yaml: the Zigbee2MQTT bridge G-Z2M, the Tasmota gateway G-TAS, sensor G-NATIVE-GAS.
    const registry = new Registry(loadFacility(path.resolve('test/fixtures/gateway-credentials/facility.yaml')).facility);
    const record = (kind: 'sensor' | 'gateway', id: string) => ({
      kind,
      sensorId: id,
      passwordHash: '$7$1$a$b',
      createdAt: 0,
      createdBy: 'adam',
      revokedAt: null,
    });
    const p = brokerPlan({
      sensors: registry.allSensors(),
      topics: new DeviceTopics(registry, adapterPublishFilters),
      gateways: registry.gateways(),
      devices: [record('gateway', 'G-Z2M'), record('gateway', 'G-TAS'), record('sensor', 'G-NATIVE-GAS')],
      ingest: { username: 'vigil-ingest', clientId: 'vigil-ingest', password: 'i' },
      drillPassword: 'd',
      simulatorPassword: 's',
    });
    const acl = aclFile(planAclEntries(p), 'header');
    for (const username of ['G-Z2M', 'G-TAS', 'sim@G-Z2M', 'G-NATIVE-GAS', 'vigil-ingest']) {
      const block = acl.split('\n\n').find((b) => b.split('\n').includes(`user ${username}`));
      expect(block, username).toBeDefined();
      const fromFile = block!
        .split('\n')
        .filter((l) => l.startsWith('topic '))
        .map((l) => /^topic (read|write) (.+)$/.exec(l)!)
        .map(([, access, topic]) => `${access === 'read' ? 'subscribePattern' : 'publishClientSend'} ${topic}`);
      const role = p.roles.find((r) => r.name === p.principals.find((x) => x.username === username)!.role)!;
      expect(fromFile.sort(), username).toEqual(
        roleAcls(role)
          .map((a) => `${a.acltype} ${a.topic}`)
          .sort(),
      );
    }
    expect(acl).toContain('user G-Z2M\ntopic read zigbee2mqtt/#\ntopic write zigbee2mqtt/#\ntopic write homeassistant/+/+/+/config\n');
  });
});
