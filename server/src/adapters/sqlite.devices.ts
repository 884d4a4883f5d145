/** HTTP ingest API keys and MQTT device credentials (tables created by `authMigration`, sqlite.users.ts). */
import type { ApiKeyScope } from '../../../contract/index.ts';
import type { ApiKeyRecord, ApiKeyStore, DeviceKind, DeviceRecord, DeviceStore } from '../services/device-credentials.ports.ts';
import type { SqliteDatabase } from './sqlite.database.ts';

/**
 * Gateway credentials share the device table: its key is the MQTT username, and a sensor and a
 * gateway can never hold the same one. Rows from before this are sensors' devices.
 */
export const deviceKindMigration = (db: SqliteDatabase): void => {
  db.exec(`ALTER TABLE mqtt_devices ADD COLUMN kind TEXT NOT NULL DEFAULT 'sensor' CHECK (kind IN ('sensor', 'gateway'))`);
};

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

export class SqliteApiKeyStore implements ApiKeyStore {
  private readonly add;
  private readonly byId;
  private readonly all;
  private readonly revokeStmt;
  private readonly used;

  constructor(db: SqliteDatabase) {
    this.add = db.prepare(`INSERT INTO api_keys (id, name, secret_hash, scope_sites, scope_sensors, created_at, created_by)
      VALUES (?, ?, ?, ?, ?, ?, ?)`);
    this.byId = db.prepare('SELECT * FROM api_keys WHERE id = ?');
    this.all = db.prepare('SELECT * FROM api_keys ORDER BY created_at, id');
    this.revokeStmt = db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL');
    this.used = db.prepare('UPDATE api_keys SET last_used_at = ? WHERE id = ?');
  }

  insert(k: ApiKeyRecord): void {
    const sites = 'sites' in k.scope ? JSON.stringify(k.scope.sites) : null;
    const sensors = 'sensors' in k.scope ? JSON.stringify(k.scope.sensors) : null;
    this.add.run(k.id, k.name, k.secretHash, sites, sensors, k.createdAt, k.createdBy);
  }

  get(id: string): ApiKeyRecord | undefined {
    const r = this.byId.get(id) as ApiKeyRow | undefined;
    return r && toApiKey(r);
  }

  list(): ApiKeyRecord[] {
    return (this.all.all() as ApiKeyRow[]).map(toApiKey);
  }

  revoke(id: string, at: number): boolean {
    return this.revokeStmt.run(at, id).changes === 1;
  }

  markUsed(id: string, at: number): void {
    this.used.run(at, id);
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

export class SqliteDeviceStore implements DeviceStore {
  private readonly upsert;
  private readonly byId;
  private readonly all;
  private readonly revokeStmt;

  constructor(private readonly db: SqliteDatabase) {
    // Replaces a revoked row only: a live credential is never overwritten silently.
    this.upsert = db.prepare(`INSERT INTO mqtt_devices (kind, sensor_id, password_hash, created_at, created_by) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (sensor_id) DO UPDATE SET kind = excluded.kind, password_hash = excluded.password_hash, created_at = excluded.created_at,
        created_by = excluded.created_by, revoked_at = NULL WHERE mqtt_devices.revoked_at IS NOT NULL`);
    this.byId = db.prepare('SELECT * FROM mqtt_devices WHERE sensor_id = ?');
    this.all = db.prepare('SELECT * FROM mqtt_devices ORDER BY sensor_id');
    this.revokeStmt = db.prepare('UPDATE mqtt_devices SET revoked_at = ? WHERE sensor_id = ? AND revoked_at IS NULL');
  }

  put(d: DeviceRecord): boolean {
    return this.upsert.run(d.kind, d.sensorId, d.passwordHash, d.createdAt, d.createdBy).changes === 1;
  }

  get(sensorId: string): DeviceRecord | undefined {
    const r = this.byId.get(sensorId) as DeviceRow | undefined;
    return r && toDevice(r);
  }

  list(): DeviceRecord[] {
    return (this.all.all() as DeviceRow[]).map(toDevice);
  }

  revoke(sensorId: string, at: number): boolean {
    return this.revokeStmt.run(at, sensorId).changes === 1;
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }
}
