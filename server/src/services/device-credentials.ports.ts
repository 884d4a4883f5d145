/** Storage ports for device credentials (adapter: server/src/adapters/sql.devices.ts). */
import type { ApiKeyScope } from '../../../contract/index.ts';

export interface ApiKeyRecord {
  /** Public id, the key's prefix (`vk_...`). */
  id: string;
  name: string;
  /** SHA-256 of the secret part (auth.tokens.ts). */
  secretHash: string;
  scope: ApiKeyScope;
  createdAt: number;
  createdBy: string;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

export interface ApiKeyStore {
  insert(k: ApiKeyRecord): Promise<void>;
  get(id: string): Promise<ApiKeyRecord | undefined>;
  list(): Promise<ApiKeyRecord[]>;
  /** False when there was no such unrevoked key. */
  revoke(id: string, at: number): Promise<boolean>;
  markUsed(id: string, at: number): Promise<void>;
  /** Runs `fn` in one transaction (the key change and its audit entry together). */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
}

/** A device is a sensor's own device, or a gateway that publishes for the sensors behind it. */
export type DeviceKind = 'sensor' | 'gateway';

export interface DeviceRecord {
  kind: DeviceKind;
  /**
   * The sensor (or, of a gateway, the gateway) this credential belongs to; also its MQTT username.
   * Sensor and gateway ids share one namespace (contract/facility.ts), as MQTT usernames do.
   */
  sensorId: string;
  /** Mosquitto's `$7$` PBKDF2-SHA512 hash (mosquitto-config.ts): both brokers check the same. */
  passwordHash: string;
  createdAt: number;
  createdBy: string;
  revokedAt: number | null;
}

export interface DeviceStore {
  /** Inserts, or replaces a revoked credential (of either kind); false when a live one exists. */
  put(d: DeviceRecord): Promise<boolean>;
  get(sensorId: string): Promise<DeviceRecord | undefined>;
  list(): Promise<DeviceRecord[]>;
  revoke(sensorId: string, at: number): Promise<boolean>;
  transaction<T>(fn: () => Promise<T>): Promise<T>;
}
