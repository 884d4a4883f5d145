/**
 * Device credentials: HTTP ingest API keys scoped to sites or sensors, and per-device MQTT
 * passwords, for sensors' own devices and for gateways. A secret is returned once, at creation; only a hash is stored. Every change is
 * audited. On a broker Vigil administers (BrokerAccess) an MQTT credential takes effect, and a
 * revocation disconnects the device, before the call returns.
 */
import crypto from 'node:crypto';
import type { ApiKeyScope, ApiKeyView, DeviceView, GatewayCredentialView } from '../../../contract/index.ts';
import type { Registry } from '../domain/registry.ts';
import type { AuditLog } from './audit.port.ts';
import { AuthError } from './auth.errors.ts';
import { newSecret, sameHash, sameSecret, secretHash } from './auth.tokens.ts';
import type { Clock } from './clock.ts';
import type { ApiKeyRecord, ApiKeyStore, DeviceKind, DeviceRecord, DeviceStore } from './device-credentials.ports.ts';
import type { DeviceTopics } from './device-credentials.topics.ts';
import {
  BrokerUnreachableError,
  devicePrincipal,
  gatewayPrincipal,
  BROKER_ADMIN_USERNAME,
  DEFAULT_INGEST_MQTT_USERNAME,
  gatewayRoleOf,
  reservedDeviceId,
  sensorRoleOf,
  type BrokerAccess,
  type BrokerPrincipal,
  type BrokerRole,
  type BrokerSync,
} from './device-credentials.broker.ts';
import { mosquittoHash } from './mosquitto-config.ts';

/** What a presented ingest key may write. */
export interface IngestGrant {
  /** `legacy` for INGEST_API_KEY, else the key id. */
  keyId: string;
  allows(siteId: string, sensorId: string): boolean;
}

/** Checks `Authorization: Bearer <key>` of POST /api/ingest. */
export interface IngestKeyVerifier {
  verify(presented: string): Promise<IngestGrant | null>;
}

export { BROKER_ADMIN_USERNAME, DEFAULT_INGEST_MQTT_USERNAME } from './device-credentials.broker.ts';

const KEY_ID = /^vk_[0-9a-f]{12}$/;
/** `lastUsedAt` is written at most this often per key (not on every request). */
const MARK_USED_EVERY_MS = 60_000;

export const apiKeyView = (k: ApiKeyRecord): ApiKeyView => ({
  id: k.id,
  name: k.name,
  scope: k.scope,
  createdAt: k.createdAt,
  createdBy: k.createdBy,
  lastUsedAt: k.lastUsedAt,
  revokedAt: k.revokedAt,
});

export class ApiKeyService implements IngestKeyVerifier {
  private readonly lastMarked = new Map<string, number>();

  constructor(
    private readonly keys: ApiKeyStore,
    private readonly registry: Registry,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    /** INGEST_API_KEY (or the demo key): a legacy key allowed to write every site. */
    private readonly legacyKey: string | null,
  ) {}

  /** Creates a key; the returned `key` is the only time the secret is seen. */
  async create(actor: string, name: string, scope: ApiKeyScope): Promise<{ apiKey: ApiKeyView; key: string }> {
    this.checkScope(scope);
    const id = `vk_${crypto.randomBytes(6).toString('hex')}`;
    const secret = newSecret();
    const at = this.clock.now();
    const record: ApiKeyRecord = {
      id,
      name: name.trim(),
      secretHash: secretHash(secret),
      scope,
      createdAt: at,
      createdBy: actor,
      lastUsedAt: null,
      revokedAt: null,
    };
    await this.keys.transaction(async () => {
      await this.keys.insert(record);
      await this.audit.append({ actor, action: 'apikey.create', target: `apikey:${id}`, detail: { name: record.name, scope }, at });
    });
    return { apiKey: apiKeyView(record), key: `${id}.${secret}` };
  }

  private checkScope(scope: ApiKeyScope): void {
    const unknown = 'sites' in scope ? scope.sites.filter((s) => !this.registry.site(s)) : scope.sensors.filter((s) => !this.registry.sensor(s));
    const list = 'sites' in scope ? scope.sites : scope.sensors;
    if (list.length === 0) throw new AuthError('BAD_REQUEST', 'the scope lists no site or sensor');
    if (unknown.length) throw new AuthError('BAD_REQUEST', `not in the facility registry: ${unknown.join(', ')}`);
  }

  async list(): Promise<ApiKeyView[]> {
    return (await this.keys.list()).map(apiKeyView);
  }

  async revoke(actor: string, id: string): Promise<ApiKeyView> {
    const at = this.clock.now();
    const k = await this.keys.transaction(async () => {
      if (!(await this.keys.revoke(id, at))) throw new AuthError('NOT_FOUND', `no active API key ${id}`);
      const revoked = (await this.keys.get(id))!;
      await this.audit.append({ actor, action: 'apikey.revoke', target: `apikey:${id}`, detail: { name: revoked.name }, at });
      return revoked;
    });
    return apiKeyView(k);
  }

  async verify(presented: string): Promise<IngestGrant | null> {
    if (this.legacyKey !== null && sameSecret(presented, this.legacyKey)) return { keyId: 'legacy', allows: () => true };
    const dot = presented.indexOf('.');
    const id = presented.slice(0, dot);
    if (dot < 0 || !KEY_ID.test(id)) return null;
    const k = await this.keys.get(id);
    if (!k || k.revokedAt !== null || !sameHash(secretHash(presented.slice(dot + 1)), k.secretHash)) return null;
    const now = this.clock.now();
    if (now - (this.lastMarked.get(id) ?? 0) >= MARK_USED_EVERY_MS) {
      this.lastMarked.set(id, now);
      await this.keys.markUsed(id, now);
    }
    const scope = k.scope;
    if ('sites' in scope) {
      const sites = new Set(scope.sites);
      return { keyId: id, allows: (siteId) => sites.has(siteId) };
    }
    const sensors = new Set(scope.sensors);
    return { keyId: id, allows: (_siteId, sensorId) => sensors.has(sensorId) };
  }
}

async function applied(change: () => Promise<void>): Promise<BrokerSync> {
  try {
    await change();
    return { state: 'applied' };
  } catch (err) {
    if (err instanceof BrokerUnreachableError) return { state: 'pending', reason: err.message };
    throw err;
  }
}

export class DeviceCredentialService {
  constructor(
    private readonly devices: DeviceStore,
    private readonly registry: Registry,
    private readonly topics: DeviceTopics,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    /** The broker Vigil administers; null when the operator configures the broker (mosquitto-config, another broker). */
    private readonly broker: BrokerAccess | null = null,
    private readonly reservedUsernames: readonly string[] = [DEFAULT_INGEST_MQTT_USERNAME, BROKER_ADMIN_USERNAME],
  ) {}

  view(d: DeviceRecord): DeviceView {
    return {
      sensorId: d.sensorId,
      username: d.sensorId,
      publish: this.topics.filtersOf(d.sensorId),
      createdAt: d.createdAt,
      createdBy: d.createdBy,
      revokedAt: d.revokedAt,
    };
  }

  gatewayView(d: DeviceRecord): GatewayCredentialView {
    const gateway = this.registry.gateway(d.sensorId);
    const role = gateway && gatewayRoleOf(gateway);
    return {
      gatewayId: d.sensorId,
      username: d.sensorId,
      publish: [...(role?.publish ?? [])],
      subscribe: [...(role?.subscribe ?? [])],
      createdAt: d.createdAt,
      createdBy: d.createdBy,
      revokedAt: d.revokedAt,
    };
  }

  /**
   * Issues MQTT credentials for a registered sensor; the password is returned this once. The
   * device connects with its sensor id as both username and client id.
   */
  async add(actor: string, sensorId: string): Promise<{ device: DeviceView; password: string; broker: BrokerSync }> {
    if (!this.registry.sensor(sensorId)) throw new AuthError('NOT_FOUND', `sensor ${sensorId} is not in the facility registry`);
    const role = sensorRoleOf(this.topics, sensorId);
    if (!role) throw new AuthError('BAD_REQUEST', `sensor ${sensorId} has no topic of its own to publish to`);
    const { record, password, broker } = await this.issue(actor, 'sensor', sensorId, (secret) => devicePrincipal(sensorId, secret), role);
    return { device: this.view(record), password, broker };
  }

  /**
   * Issues MQTT credentials for a registered gateway; the password is returned this once. The
   * gateway connects with its gateway id as both username and client id.
   */
  async addGateway(actor: string, gatewayId: string): Promise<{ gateway: GatewayCredentialView; password: string; broker: BrokerSync }> {
    const gateway = this.registry.gateway(gatewayId);
    if (!gateway) throw new AuthError('NOT_FOUND', `gateway ${gatewayId} is not in the facility registry`);
    const { record, password, broker } = await this.issue(actor, 'gateway', gatewayId, (secret) => gatewayPrincipal(gatewayId, secret), gatewayRoleOf(gateway));
    return { gateway: this.gatewayView(record), password, broker };
  }

  private async issue(
    actor: string,
    kind: DeviceKind,
    id: string,
    principal: (secret: { password: string }) => BrokerPrincipal & { secret: { password: string } },
    role: BrokerRole,
  ): Promise<{ record: DeviceRecord; password: string; broker: BrokerSync }> {
    const what = kind === 'sensor' ? 'device' : 'gateway';
    const target = `${kind}:${id}`;
    if (this.reservedUsernames.includes(id)) throw new AuthError('BAD_REQUEST', `${id} is reserved for Vigil's own MQTT client`);
    const reserved = reservedDeviceId(id);
    if (reserved !== null) throw new AuthError('BAD_REQUEST', `${id} cannot have MQTT credentials: ${reserved}`);
    const existing = await this.devices.get(id);
    if (existing && existing.revokedAt === null)
      throw new AuthError('ALREADY_EXISTS', `${what} ${id} already has credentials: revoke them first to issue new ones`);
    const password = newSecret();
    const passwordHash = await mosquittoHash(password);
    const at = this.clock.now();
    const record: DeviceRecord = { kind, sensorId: id, passwordHash, createdAt: at, createdBy: actor, revokedAt: null };
    await this.devices.transaction(async () => {
      if (!(await this.devices.put(record))) throw new AuthError('ALREADY_EXISTS', `${what} ${id} already has credentials`);
      await this.audit.append({
        actor,
        action: `${what}.add`,
        target,
        detail: role.subscribe.length ? { publish: role.publish, subscribe: role.subscribe } : { publish: role.publish },
        at,
      });
    });
    const broker = this.broker;
    if (!broker) return { record, password, broker: { state: 'unmanaged' } };
    try {
      return { record, password, broker: await applied(() => broker.grant(principal({ password }), role)) };
    } catch (err) {
      // The broker refused: a credential nobody can use must not stay on record as issued.
      await this.devices.transaction(async () => {
        if (await this.devices.revoke(id, this.clock.now()))
          await this.audit.append({ actor, action: `${what}.revoke`, target, detail: { reason: 'the broker refused the credential' }, at });
      });
      throw err;
    }
  }

  /** Sensors' device credentials. */
  async list(): Promise<DeviceView[]> {
    return (await this.devices.list()).filter((d) => d.kind === 'sensor').map((d) => this.view(d));
  }

  async gatewayList(): Promise<GatewayCredentialView[]> {
    return (await this.devices.list()).filter((d) => d.kind === 'gateway').map((d) => this.gatewayView(d));
  }

  async revoke(actor: string, sensorId: string): Promise<{ device: DeviceView; broker: BrokerSync }> {
    const { record, broker } = await this.withdraw(actor, 'sensor', sensorId);
    return { device: this.view(record), broker };
  }

  /** Refuses the gateway's credential; on a broker Vigil administers, its connection is closed before this returns. */
  async revokeGateway(actor: string, gatewayId: string): Promise<{ gateway: GatewayCredentialView; broker: BrokerSync }> {
    const { record, broker } = await this.withdraw(actor, 'gateway', gatewayId);
    return { gateway: this.gatewayView(record), broker };
  }

  private async withdraw(actor: string, kind: DeviceKind, id: string): Promise<{ record: DeviceRecord; broker: BrokerSync }> {
    const what = kind === 'sensor' ? 'device' : 'gateway';
    const at = this.clock.now();
    await this.devices.transaction(async () => {
      // Each command revokes its own kind only: `device revoke <gateway id>` is not a way to cut a gateway off by mistake.
      if ((await this.devices.get(id))?.kind !== kind || !(await this.devices.revoke(id, at)))
        throw new AuthError('NOT_FOUND', `no active credentials for ${what} ${id}`);
      await this.audit.append({ actor, action: `${what}.revoke`, target: `${kind}:${id}`, at });
    });
    const broker = this.broker;
    const sync: BrokerSync = broker ? await applied(() => broker.remove(id)) : { state: 'unmanaged' };
    return { record: (await this.devices.get(id))!, broker: sync };
  }

  /** Every device and gateway credential, revoked ones included (the broker plan removes those). */
  all(): Promise<DeviceRecord[]> {
    return this.devices.list();
  }

  /** Live device and gateway credentials. */
  async active(): Promise<DeviceRecord[]> {
    return (await this.devices.list()).filter((d) => d.revokedAt === null);
  }
}
