// Several nodes (README "Several nodes (high availability)", "What the broker needs"): each site's
// ingest session is one broker session that whichever node holds the site resumes, so its
// credential, user name and client id `vigil-<site>`, is bound to that client id and shared by the
// nodes (the ingest's password). Its role lets it subscribe to and receive its own site's topics
// only, so a node holding one site cannot read another's; a site removed from the facility loses
// its credential and role at the next reconciliation.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ACL_ACCESS, reconcileCommands, roleAcls, type DynsecState } from './mosquitto.dynsec.ts';
import { adapterPublishFilters, createDeviceDecoders } from '../domain/decoders/index.ts';
import { nativeDecoder } from '../domain/observation.decode.ts';
import { Registry } from '../domain/registry.ts';
import {
  BROKER_DROPPED_TOPIC,
  INGEST_ROLE,
  brokerPlan,
  reservedDeviceId,
  reservedSiteId,
  siteRole,
  type BrokerPlan,
  type BrokerPlanInput,
} from '../services/device-credentials.broker.ts';
import { DeviceTopics, decoderSubscriptions, siteSessions, siteTopics } from '../services/device-credentials.topics.ts';
import { loadFacility } from '../services/facility.loader.ts';

// The demo facility: sites hq and lodging, the Zigbee2MQTT bridge LDG-Z2M at lodging.
const facility = loadFacility(path.resolve(import.meta.dirname, '../../../config/facility.yaml')).facility;
const registry = new Registry(facility);
const ingest = decoderSubscriptions([nativeDecoder, ...createDeviceDecoders()]);
const sites = facility.sites.map((s) => s.id);

function plan(o: { registry?: Registry; sites?: boolean; devices?: BrokerPlanInput['devices'] } = {}): BrokerPlan {
  const r = o.registry ?? registry;
  return brokerPlan({
    sensors: r.allSensors(),
    topics: new DeviceTopics(r, adapterPublishFilters),
    gateways: r.gateways(),
    devices: o.devices ?? [],
    ingest: { username: 'vigil-ingest', clientId: 'vigil-ingest', password: 'ingest-secret', sites: o.sites === false ? [] : siteSessions(ingest, r) },
    // Drill devices: the plan has a role for every sensor, so a new sensor's shows up with the site's.
    drillPassword: 'drill-secret',
    simulatorPassword: null,
  });
}

/** The broker as the plan left it (what the reconciliation reads back). */
function brokerState(p: BrokerPlan): DynsecState {
  return {
    clients: new Map(p.principals.map((x) => [x.username, { clientid: x.clientId, roles: [x.role], disabled: false }])),
    roles: new Map(p.roles.map((r) => [r.name, roleAcls(r)])),
    defaultAccess: { ...DEFAULT_ACL_ACCESS },
  };
}

describe('per-site ingest credentials', () => {
  it('gives every site a credential bound to vigil-<site>, with the ingest’s password and a role of its own', () => {
    expect(sites).toEqual(['hq', 'lodging']);
    const ingestPrincipals = plan().principals.filter((p) => p.kind === 'ingest');
    expect(ingestPrincipals).toEqual([
      { kind: 'ingest', username: 'vigil-ingest', clientId: 'vigil-ingest', role: INGEST_ROLE, secret: { password: 'ingest-secret' } },
      ...sites.map((site) => ({
        kind: 'ingest',
        username: `vigil-${site}`,
        clientId: `vigil-${site}`,
        role: `vigil-site:${site}`,
        secret: { password: 'ingest-secret' },
      })),
    ]);
  });

  it('lets a site’s session subscribe to and receive exactly what it subscribes to: its own topics and the drop counter', () => {
    const p = plan();
    for (const site of sites) {
      const role = p.roles.find((r) => r.name === siteRole(site))!;
      const topics = [...siteTopics(ingest, registry, site), BROKER_DROPPED_TOPIC];
      expect(role).toEqual({ name: `vigil-site:${site}`, publish: [], subscribe: topics, receive: topics });
      expect(role.subscribe).not.toContain('#');
      expect(role.subscribe).not.toContain('$SYS/#');
      expect(role.subscribe).toContain(`vigil/${site}/#`);
    }
    const hq = p.roles.find((r) => r.name === 'vigil-site:hq')!;
    const lodging = p.roles.find((r) => r.name === 'vigil-site:lodging')!;
    // The Zigbee bridge stands at lodging: its tree is lodging's alone.
    expect(lodging.subscribe.some((t) => t.startsWith('zigbee2mqtt/'))).toBe(true);
    expect(hq.subscribe.some((t) => t.startsWith('zigbee2mqtt/') || t.startsWith('vigil/lodging/'))).toBe(false);
    // In the plugin's terms: pattern subscriptions, and receiving only those (ahead of a deny of everything else).
    expect(roleAcls(hq).map((a) => `${a.acltype} ${a.topic} ${a.allow}`)).toEqual([
      ...hq.subscribe.map((t) => `subscribePattern ${t} true`),
      ...hq.subscribe.map((t) => `publishClientReceive ${t} true`),
      'publishClientReceive # false',
    ]);
  });

  it('updates a site’s role in the same reconciliation as the device roles when the facility gains a gateway and sensor there', () => {
    const before = plan();
    // A second Zigbee2MQTT bridge, at hq, and a smoke detector behind it.
    const bridge = { ...registry.gateway('LDG-Z2M')!, id: 'HQ-Z2M', siteId: 'hq', baseTopic: 'zigbee-hq' };
    const smoke = {
      ...registry.allSensors().find((s) => s.id === 'GH-SMK-201')!,
      id: 'HQ-SMK-299',
      siteId: 'hq',
      source: { adapter: 'zigbee2mqtt' as const, gateway: 'HQ-Z2M', topic: 'zigbee-hq/Lobby smoke' },
    };
    const grown = new Registry({ ...facility, gateways: [...(facility.gateways ?? []), bridge], sensors: [...facility.sensors, smoke] });
    const after = plan({ registry: grown });
    const changes = reconcileCommands(after, brokerState(before)).commands;
    const hqBefore = before.roles.find((r) => r.name === 'vigil-site:hq')!.subscribe;
    const added = after.roles.find((r) => r.name === 'vigil-site:hq')!.subscribe.filter((t) => !hqBefore.includes(t));
    expect(added).toContain('zigbee-hq/#');
    for (const topic of added) {
      expect(changes).toContainEqual({ command: 'addRoleACL', rolename: 'vigil-site:hq', acltype: 'subscribePattern', topic, allow: true });
      expect(changes).toContainEqual({ command: 'addRoleACL', rolename: 'vigil-site:hq', acltype: 'publishClientReceive', topic, allow: true, priority: 1 });
    }
    // The new sensor's device role comes with it.
    expect(changes).toContainEqual(expect.objectContaining({ command: 'createRole', rolename: 'vigil-sensor:HQ-SMK-299' }));
    // lodging's role does not change: its session is not kicked for another site's devices.
    expect(changes.filter((c) => c.rolename === 'vigil-site:lodging')).toEqual([]);
    expect(reconcileCommands(after, brokerState(after)).commands).toEqual([]);
  });

  it('has none on one node, and removes a site credential and role no longer planned, never Vigil’s other clients', () => {
    const single = plan({ sites: false });
    expect(single.principals.filter((p) => p.kind === 'ingest').map((p) => p.username)).toEqual(['vigil-ingest']);
    expect(single.roles.map((r) => r.name)).not.toContain('vigil-site:hq');
    expect(single.isStaleClient('vigil-hq')).toBe(true);
    expect(single.isStaleRole('vigil-site:hq')).toBe(true);
    expect(plan().isStaleClient('vigil-hq')).toBe(false);
    expect(plan().isStaleRole('vigil-site:hq')).toBe(false);
    expect(plan().isStaleClient('vigil-gone')).toBe(true);
    expect(plan().isStaleRole('vigil-site:gone')).toBe(true);
    // Vigil's own single session and its broker administrator are never taken for a site's.
    for (const p of [plan(), single]) {
      expect(p.isStaleClient('vigil-ingest')).toBe(false);
      expect(p.isStaleClient('vigil-admin')).toBe(false);
      expect(p.isStaleRole(INGEST_ROLE)).toBe(false);
      expect(p.isStaleRole('vigil-admin')).toBe(false);
    }
  });

  it('gives a device credential under a site session’s name no rights of its own (a facility not read by the loader)', () => {
    const impostor = { ...registry.allSensors().find((s) => s.siteId === 'hq')!, id: 'vigil-hq' };
    const p = plan({
      registry: new Registry({ ...facility, sensors: [...facility.sensors, impostor] }),
      devices: [{ kind: 'sensor', sensorId: 'vigil-hq', passwordHash: '$7$1$a$b', createdAt: 0, createdBy: 'adam', revokedAt: null }],
    });
    expect(p.principals.filter((x) => x.username === 'vigil-hq')).toEqual([expect.objectContaining({ kind: 'ingest', role: 'vigil-site:hq' })]);
  });
});

describe('names Vigil reserves for its own MQTT clients', () => {
  it('refuses sensor and gateway ids starting with vigil-, and says why', () => {
    for (const id of ['vigil-hq', 'vigil-lodging', 'vigil-ingest', 'vigil-admin', 'vigil-anything'])
      expect(reservedDeviceId(id)).toMatch(/reserved for Vigil's own MQTT clients/);
    for (const id of ['KIT-GAS-01', 'vigil', 'Vigil-X', 'my-vigil-01']) expect(reservedDeviceId(id)).toBeNull();
  });

  it('refuses site ids whose session would be the administrator or the single-node ingest', () => {
    expect(reservedSiteId('admin')).toMatch(/vigil-admin, which is Vigil's broker administrator/);
    expect(reservedSiteId('ingest')).toMatch(/vigil-ingest, which is Vigil's single-node ingest/);
    for (const id of sites) expect(reservedSiteId(id)).toBeNull();
  });
});
