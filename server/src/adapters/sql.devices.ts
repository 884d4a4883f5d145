/**
 * HTTP ingest API keys and MQTT device credentials over {@link Sql} (SQLite or PostgreSQL); the
 * tables are made by `authMigration` (sqlite.users.ts) and `deviceKindMigration` (sqlite.devices.ts).
 */
import type { ApiKeyScope } from '../../../contract/index.ts';
import type { ApiKeyRecord, ApiKeyStore, DeviceKind, DeviceRecord, DeviceStore } from '../services/device-credentials.ports.ts';
import type { Sql } from './sql.ts';

interface ApiKeyRow {
  id: string;
  name: string;
  secret_hash: string;
  scope_sites: string | null;
  scope_sensors: string | null;
  created_at: number;
  created_by: string;
  last_used_at: number | null;
  revoked_at: number | null;
}

const toApiKey = (r: ApiKeyRow): ApiKeyRecord => ({
  id: r.id,
  name: r.name,
  secretHash: r.secret_hash,
  scope: (r.scope_sites !== null
    ? { sites: JSON.parse(r.scope_sites) as string[] }
    : { sensors: JSON.parse(r.scope_sensors ?? '[]') as string[] }) satisfies ApiKeyScope,
  createdAt: r.created_at,
  createdBy: r.created_by,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
});

export class SqlApiKeyStore implements ApiKeyStore {
  constructor(private readonly sql: Sql) {}

  async insert(k: ApiKeyRecord): Promise<void> {
    const sites = 'sites' in k.scope ? JSON.stringify(k.scope.sites) : null;
    const sensors = 'sensors' in k.scope ? JSON.stringify(k.scope.sensors) : null;
    await this.sql.run('INSERT INTO api_keys (id, name, secret_hash, scope_sites, scope_sensors, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)', [
      k.id,
      k.name,
      k.secretHash,
      sites,
      sensors,
      k.createdAt,
      k.createdBy,
    ]);
  }

  async get(id: string): Promise<ApiKeyRecord | undefined> {
    const r = await this.sql.get<ApiKeyRow>('SELECT * FROM api_keys WHERE id = ?', [id]);
    return r && toApiKey(r);
  }

  async list(): Promise<ApiKeyRecord[]> {
    return (await this.sql.all<ApiKeyRow>('SELECT * FROM api_keys ORDER BY created_at, id')).map(toApiKey);
  }

  async revoke(id: string, at: number): Promise<boolean> {
    return (await this.sql.run('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', [at, id])).changes === 1;
  }

  async markUsed(id: string, at: number): Promise<void> {
    // Never backwards: each node marks on its own schedule.
    await this.sql.run('UPDATE api_keys SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)', [at, id, at]);
  }

  transaction<T>(fn: () => Promise<T>): Promise<T> {
    return this.sql.transaction(fn);
  }
}

interface DeviceRow {
  kind: DeviceKind;
  sensor_id: string;
  password_hash: string;
  created_at: number;
  created_by: string;
  revoked_at: number | null;
}

const toDevice = (r: DeviceRow): DeviceRecord => ({
  kind: r.kind,
  sensorId: r.sensor_id,
  passwordHash: r.password_hash,
  createdAt: r.created_at,
  createdBy: r.created_by,
  revokedAt: r.revoked_at,
});

export class SqlDeviceStore implements DeviceStore {
  constructor(private readonly sql: Sql) {}

  async put(d: DeviceRecord): Promise<boolean> {
    // Replaces a revoked row only: a live credential is never overwritten silently, whichever node
    // issues it.
    const r = await this.sql.run(
      `INSERT INTO mqtt_devices (kind, sensor_id, password_hash, created_at, created_by) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (sensor_id) DO UPDATE SET kind = excluded.kind, password_hash = excluded.password_hash, created_at = excluded.created_at,
         created_by = excluded.created_by, revoked_at = NULL WHERE mqtt_devices.revoked_at IS NOT NULL`,
      [d.kind, d.sensorId, d.passwordHash, d.createdAt, d.createdBy],
    );
    return r.changes === 1;
  }

  async get(sensorId: string): Promise<DeviceRecord | undefined> {
    const r = await this.sql.get<DeviceRow>('SELECT * FROM mqtt_devices WHERE sensor_id = ?', [sensorId]);
    return r && toDevice(r);
  }

  async list(): Promise<DeviceRecord[]> {
    return (await this.sql.all<DeviceRow>('SELECT * FROM mqtt_devices ORDER BY sensor_id')).map(toDevice);
  }

  async revoke(sensorId: string, at: number): Promise<boolean> {
    return (await this.sql.run('UPDATE mqtt_devices SET revoked_at = ? WHERE sensor_id = ? AND revoked_at IS NULL', [at, sensorId])).changes === 1;
  }

  transaction<T>(fn: () => Promise<T>): Promise<T> {
    return this.sql.transaction(fn);
  }
}
