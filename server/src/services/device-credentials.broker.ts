/**
 * Who may connect to the MQTT broker and what each may do: the ONE set of rules. The broker's
 * dynamic-security configuration (adapters/mosquitto.dynsec.ts, at run time and in the file
 * `vigil broker init` writes) and the password/ACL files of `vigil mosquitto-config` are both
 * rendered from `brokerPlan()`.
 *
 * - Every credential is bound to one MQTT client id (username = client id, except Vigil's ingest,
 *   whose client id is MQTT_CLIENT_ID). A broker hands a client id's session to whoever connects
 *   with it last: without the binding any credential could take Vigil's persistent ingest
 *   session, or another device's.
 * - A device signs in with its sensor id and the password `device add` printed, publishes only to
 *   its sensor's own topics (DeviceTopics: `vigil/<site>/<sensorId>/#` and its adapter topic) and
 *   subscribes to nothing.
 * - A gateway (`gateway add`) signs in with its gateway id and publishes exactly its topic tree
 *   and discovery topics (`gatewayPublishFilters`): its own state, its bound devices' states and
 *   devices not bound to any sensor alike. It may also subscribe to its own tree (not to
 *   discovery): real gateways do at start — Zigbee2MQTT to `<baseTopic>/#` for its
 *   `bridge/request/...` and `<device>/set`, ESPHome to its command topics. Vigil never commands
 *   a device and publishes nothing there, so all it can read is what it and the devices in its
 *   own tree publish. Refusing would not stop it either (Mosquitto 2.0 answers a denied SUBSCRIBE
 *   with SUBACK 0x80 and keeps the connection, test/integration/gateway.credentials.test.ts), but
 *   then a real gateway logs a failed subscription at every start.
 * - Simulated devices (`sim@<id>`, demo mode only) and drill devices (`drill@<sensorId>`, used by
 *   drills the server runs) have the rights of that sensor's device or gateway: one credential
 *   per device because each device is one connection with its own last will. Sensor and gateway
 *   ids cannot contain `@`, so these names never collide with a device's. Drills publish no
 *   gateway traffic, so there are no drill gateways.
 * - Vigil's ingest reads everything (`#`, and `$SYS/#` for the broker's drop counter) and
 *   publishes nothing.
 * - With several nodes each site has an ingest session of its own, run by the node holding the
 *   site: user name and client id `vigil-<site>`, bound to that client id, with the ingest's
 *   password, so whichever node holds the site resumes that session. Its role (`vigil-site:<site>`)
 *   lets it subscribe to exactly the filters that session subscribes to (`siteTopics`: the site's
 *   `vigil/<site>/#` and its sensors' and gateways' adapter topics) and the drop counter, and
 *   receive nothing else: a node holding one site cannot read, store and acknowledge another
 *   site's readings, not even through a subscription its persistent session kept from before the
 *   facility changed.
 * - Sensor and gateway ids, which are MQTT user names, may not start with `vigil-` (Vigil's own
 *   clients, `reservedDeviceId`), and a site may not be called so that `vigil-<site>` is one of
 *   them (`reservedSiteId`): the facility is refused at load.
 * - Nobody connects anonymously.
 */
import type { Gateway, Sensor } from '../../../contract/index.ts';
import { gatewayPublishFilters, gatewayTree } from '../domain/decoders/index.ts';
import type { DeviceRecord } from './device-credentials.ports.ts';
import type { DeviceTopics } from './device-credentials.topics.ts';

/** Fills `{sensor}`: the simulator's `--username` takes the same templates, one credential per device. */
export const SIMULATOR_USERNAME_TEMPLATE = 'sim@{sensor}';
export const DRILL_USERNAME_TEMPLATE = 'drill@{sensor}';
const SENSOR_PLACEHOLDER = '{sensor}';
export const usernameFor = (template: string, sensorId: string): string => template.replace(SENSOR_PLACEHOLDER, sensorId);
const SIM_PREFIX = SIMULATOR_USERNAME_TEMPLATE.replace(SENSOR_PLACEHOLDER, '');
const DRILL_PREFIX = DRILL_USERNAME_TEMPLATE.replace(SENSOR_PLACEHOLDER, '');

/** Roles Vigil creates and may delete again; any other role on the broker is left alone. */
export const SENSOR_ROLE_PREFIX = 'vigil-sensor:';
export const GATEWAY_ROLE_PREFIX = 'vigil-gateway:';
export const INGEST_ROLE = 'vigil-ingest';
export const SITE_ROLE_PREFIX = 'vigil-site:';

/** Mosquitto's count of messages it dropped, which every ingest session reads (the drop monitor, broker.drops.ts). */
export const BROKER_DROPPED_TOPIC = '$SYS/broker/publish/messages/dropped';

export interface BrokerRole {
  name: string;
  /** Topic filters a holder may publish to. */
  publish: readonly string[];
  /** Topic filters a holder may subscribe to. */
  subscribe: readonly string[];
  /**
   * When set, the only topic filters a holder receives messages on, whatever its session is
   * subscribed to (a persistent session keeps subscriptions its role no longer allows).
   */
  receive?: readonly string[];
}

/** A site's ingest session (several nodes) and the filters it subscribes to (`siteTopics`). */
export interface SiteSession {
  site: string;
  topics: readonly string[];
}

export type PrincipalKind = 'ingest' | 'device' | 'gateway' | 'simulator' | 'drill';

export interface BrokerPrincipal {
  kind: PrincipalKind;
  username: string;
  /** The only client id this credential may connect with. */
  clientId: string;
  role: string;
  /** Vigil's own principals have a password Vigil keeps; of a device only the `$7$` hash is stored. */
  secret: { password: string } | { hash: string };
}

export interface BrokerPlan {
  roles: BrokerRole[];
  principals: BrokerPrincipal[];
  /** A client that must not exist: a revoked device, a sensor gone from the registry, simulated devices outside demo mode. */
  isStaleClient(username: string): boolean;
  isStaleRole(name: string): boolean;
}

export interface BrokerPlanInput {
  sensors: readonly Sensor[];
  topics: DeviceTopics;
  /** Every registered gateway (whose credentials the plan covers). */
  gateways: readonly Gateway[];
  /** Every device and gateway credential, revoked ones too (their clients are removed). */
  devices: readonly DeviceRecord[];
  /** `sites`: the facility's sites, each given its own ingest session credential and role (several nodes). */
  ingest: { username: string; clientId: string; password: string; sites?: readonly SiteSession[] };
  /** Null: no drill devices (the broker does not carry drills). */
  drillPassword: string | null;
  /** Demo mode only; null removes the simulated devices. */
  simulatorPassword: string | null;
}

export const sensorRole = (sensorId: string): string => `${SENSOR_ROLE_PREFIX}${sensorId}`;

/** The role of a registered sensor's device, or undefined when it may publish nowhere. */
export function sensorRoleOf(topics: DeviceTopics, sensorId: string): BrokerRole | undefined {
  const publish = topics.filtersOf(sensorId);
  return publish.length ? { name: sensorRole(sensorId), publish, subscribe: [] } : undefined;
}

/** A device's credential, as `device add` issues it. */
export function devicePrincipal<S extends BrokerPrincipal['secret']>(sensorId: string, secret: S): BrokerPrincipal & { secret: S } {
  return { kind: 'device', username: sensorId, clientId: sensorId, role: sensorRole(sensorId), secret };
}

export const gatewayRole = (gatewayId: string): string => `${GATEWAY_ROLE_PREFIX}${gatewayId}`;

/** A gateway's role: publish its whole tree and discovery topics, subscribe to its own tree (see above why). */
export function gatewayRoleOf(gateway: Gateway): BrokerRole {
  return { name: gatewayRole(gateway.id), publish: gatewayPublishFilters(gateway), subscribe: gatewayTree(gateway).own };
}

/** A gateway's credential, as `gateway add` issues it. */
export function gatewayPrincipal<S extends BrokerPrincipal['secret']>(gatewayId: string, secret: S): BrokerPrincipal & { secret: S } {
  return { kind: 'gateway', username: gatewayId, clientId: gatewayId, role: gatewayRole(gatewayId), secret };
}

/** Every MQTT client of Vigil's own is called `vigil-...`; devices may not be. */
const VIGIL_PREFIX = 'vigil-';

/** The broker administrator Vigil and its CLI sign in as (dynamic security). */
export const BROKER_ADMIN_USERNAME = 'vigil-admin';
/** The MQTT username (and default client id) of Vigil's own ingest client; MQTT_USERNAME overrides. */
export const DEFAULT_INGEST_MQTT_USERNAME = 'vigil-ingest';

/** A site's ingest session (several nodes): the user name and client id every holder of the site uses. */
export const siteIngestClientId = (site: string): string => `${VIGIL_PREFIX}${site}`;

export const ingestRole = (): BrokerRole => ({ name: INGEST_ROLE, publish: [], subscribe: ['#', '$SYS/#'] });

export const siteRole = (site: string): string => `${SITE_ROLE_PREFIX}${site}`;

/** A site session's role: subscribe to and receive exactly its topics and the drop counter, publish nothing. */
export function siteRoleOf(session: SiteSession): BrokerRole {
  const filters = [...new Set([...session.topics, BROKER_DROPPED_TOPIC])];
  return { name: siteRole(session.site), publish: [], subscribe: filters, receive: filters };
}

/**
 * Why a sensor or gateway may not have this id, or null. Its id is its MQTT user name and client
 * id, and every `vigil-` name is Vigil's: its ingest (`vigil-ingest`), its broker administrator
 * (`vigil-admin`), each site's ingest session (`vigil-<site>`). A device by such a name would take
 * that client's credential and session, and the reconciliation deletes unplanned `vigil-` clients.
 */
export function reservedDeviceId(id: string): string | null {
  return id.startsWith(VIGIL_PREFIX)
    ? `ids starting with "${VIGIL_PREFIX}" are reserved for Vigil's own MQTT clients (${DEFAULT_INGEST_MQTT_USERNAME}, ${BROKER_ADMIN_USERNAME}, ${VIGIL_PREFIX}<site> of each site's ingest session)`
    : null;
}

/** Why a site may not have this id, or null: its ingest session's name `vigil-<site>` would be another of Vigil's clients. */
export function reservedSiteId(id: string): string | null {
  const clientId = siteIngestClientId(id);
  return [DEFAULT_INGEST_MQTT_USERNAME, BROKER_ADMIN_USERNAME].includes(clientId)
    ? `the site's ingest session would be the MQTT client ${clientId}, which is Vigil's ${clientId === BROKER_ADMIN_USERNAME ? 'broker administrator' : 'single-node ingest'}`
    : null;
}

export function brokerPlan(input: BrokerPlanInput): BrokerPlan {
  const roles = new Map<string, BrokerRole>();
  const principals: BrokerPrincipal[] = [];
  const add = (p: BrokerPrincipal, role: BrokerRole): void => {
    roles.set(role.name, role);
    principals.push(p);
  };

  add(
    { kind: 'ingest', username: input.ingest.username, clientId: input.ingest.clientId, role: INGEST_ROLE, secret: { password: input.ingest.password } },
    ingestRole(),
  );
  for (const session of input.ingest.sites ?? []) {
    const username = siteIngestClientId(session.site);
    const role = siteRoleOf(session);
    add({ kind: 'ingest', username, clientId: username, role: role.name, secret: { password: input.ingest.password } }, role);
  }
  const vigils = new Set(principals.flatMap((p) => [p.username, p.clientId]));
  const registered = new Set(input.sensors.map((s) => s.id));
  const gateways = new Map(input.gateways.map((g) => [g.id, g]));
  for (const d of input.devices) {
    // `device add` and the facility refuse Vigil's own names; a custom MQTT_USERNAME could still equal a sensor id.
    if (d.revokedAt !== null || vigils.has(d.sensorId)) continue;
    // The stored kind decides: a gateway id reused for a sensor (or back) in the facility file gets no rights from the old credential.
    if (d.kind === 'gateway') {
      const gateway = gateways.get(d.sensorId);
      if (gateway) add(gatewayPrincipal(d.sensorId, { hash: d.passwordHash }), gatewayRoleOf(gateway));
    } else {
      const role = registered.has(d.sensorId) ? sensorRoleOf(input.topics, d.sensorId) : undefined;
      if (role) add(devicePrincipal(d.sensorId, { hash: d.passwordHash }), role);
    }
  }
  for (const sensor of input.sensors) {
    const role = sensorRoleOf(input.topics, sensor.id);
    if (!role) continue;
    for (const [kind, template, password] of [
      ['simulator', SIMULATOR_USERNAME_TEMPLATE, input.simulatorPassword],
      ['drill', DRILL_USERNAME_TEMPLATE, input.drillPassword],
    ] as const) {
      if (password === null) continue;
      const username = usernameFor(template, sensor.id);
      add({ kind, username, clientId: username, role: role.name, secret: { password } }, role);
    }
  }
  // The simulator's gateway connection (`simulate run` publishes a bridge's own state from it).
  if (input.simulatorPassword !== null)
    for (const gateway of input.gateways) {
      const username = usernameFor(SIMULATOR_USERNAME_TEMPLATE, gateway.id);
      add(
        { kind: 'simulator', username, clientId: username, role: gatewayRole(gateway.id), secret: { password: input.simulatorPassword } },
        gatewayRoleOf(gateway),
      );
    }

  const planned = new Set(principals.map((p) => p.username));
  const deviceUsernames = new Set(input.devices.map((d) => d.sensorId));
  return {
    roles: [...roles.values()],
    principals,
    isStaleClient: (u) =>
      !planned.has(u) &&
      (deviceUsernames.has(u) ||
        u.startsWith(SIM_PREFIX) ||
        u.startsWith(DRILL_PREFIX) ||
        // Vigil's own clients share the prefix: its single ingest session and its administrator.
        (u.startsWith(VIGIL_PREFIX) && u !== input.ingest.username && u !== input.ingest.clientId && u !== BROKER_ADMIN_USERNAME)),
    isStaleRole: (name) =>
      (name.startsWith(SENSOR_ROLE_PREFIX) || name.startsWith(GATEWAY_ROLE_PREFIX) || name.startsWith(SITE_ROLE_PREFIX)) && !roles.has(name),
  };
}

/** The publish filters of each principal (for comparing renderings of the plan). */
export function publishRights(plan: BrokerPlan): Map<string, string[]> {
  const byRole = new Map(plan.roles.map((r) => [r.name, r.publish]));
  return new Map(plan.principals.map((p) => [p.username, [...(byRole.get(p.role) ?? [])].sort()]));
}

/** Why the broker did not (yet) apply a credential change. */
export class BrokerUnreachableError extends Error {
  override readonly name = 'BrokerUnreachableError';
}

/** The broker answered but refused (bad admin credential, a command it rejected). */
export class BrokerRefusedError extends Error {
  override readonly name = 'BrokerRefusedError';
}

/**
 * The broker's access configuration, changed at run time (adapter: adapters/mosquitto.dynsec.ts).
 * Each call takes effect before it resolves: a granted device can connect, a revoked one is
 * disconnected and refused. Rejects with BrokerUnreachableError or BrokerRefusedError.
 */
export interface BrokerAccess {
  /** Creates (or re-creates, with the new password) the device's client and its role. */
  grant(principal: BrokerPrincipal & { secret: { password: string } }, role: BrokerRole): Promise<void>;
  /** Deletes the client; its connections are closed. No error when it does not exist. */
  remove(username: string): Promise<void>;
}

/** What became of a credential change on the broker. */
export type BrokerSync =
  /** In effect now. */
  | { state: 'applied' }
  /** Vigil does not administer this broker (mosquitto-config files, another broker): the operator applies it. */
  | { state: 'unmanaged' }
  /** The broker could not be reached: applied when it next starts (`vigil broker init`) or when Vigil reconciles. */
  | { state: 'pending'; reason: string };
