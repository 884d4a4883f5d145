/**
 * The command line's composition root: the same database (and migrations) and facility file as
 * the server, read from the same environment (DATA_DIR, FACILITY_FILE). The facility is loaded
 * only by commands that need it, so `user add` works even while the facility file is being fixed.
 */
import os from 'node:os';
import { loadStorageConfig } from '../config.ts';
import { Registry } from '../domain/registry.ts';
import { adapterPublishFilters } from '../domain/decoders/index.ts';
import { openDatabase, type SqliteDatabase } from '../adapters/sqlite.database.ts';
import { MIGRATIONS } from '../adapters/sqlite.migrations.ts';
import { SqliteAuditLog } from '../adapters/sqlite.audit.ts';
import { SqliteSessionStore, SqliteUserStore } from '../adapters/sqlite.users.ts';
import { SqliteApiKeyStore, SqliteDeviceStore } from '../adapters/sqlite.devices.ts';
import { loadFacility } from '../services/facility.loader.ts';
import { systemClock } from '../services/clock.ts';
import { UsersService } from '../services/users.service.ts';
import { ApiKeyService, DeviceCredentialService } from '../services/device-credentials.service.ts';
import { DeviceTopics } from '../services/device-credentials.topics.ts';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** All of stdin (for --password-stdin). */
  readStdin(): Promise<string>;
  /** Asks for a secret without echoing it. */
  promptHidden(question: string): Promise<string>;
}

export class CliContext {
  readonly env: ReturnType<typeof loadStorageConfig>;
  /** Who the audit trail names for what this command does. */
  readonly actor = `cli:${os.userInfo().username}`;
  private db: SqliteDatabase | null = null;
  private registryCache: Registry | null = null;

  constructor(
    readonly io: CliIo,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    this.env = loadStorageConfig(env);
  }

  database(): SqliteDatabase {
    this.db ??= openDatabase(this.env.DATA_DIR, MIGRATIONS);
    return this.db;
  }

  registry(): Registry {
    this.registryCache ??= new Registry(loadFacility(this.env.FACILITY_FILE).facility);
    return this.registryCache;
  }

  users(): UsersService {
    const db = this.database();
    return new UsersService(new SqliteUserStore(db), new SqliteSessionStore(db), new SqliteAuditLog(db), systemClock);
  }

  apiKeys(): ApiKeyService {
    const db = this.database();
    return new ApiKeyService(new SqliteApiKeyStore(db), this.registry(), new SqliteAuditLog(db), systemClock, null);
  }

  deviceTopics(): DeviceTopics {
    return new DeviceTopics(this.registry(), adapterPublishFilters);
  }

  devices(): DeviceCredentialService {
    const db = this.database();
    return new DeviceCredentialService(new SqliteDeviceStore(db), this.registry(), this.deviceTopics(), new SqliteAuditLog(db), systemClock);
  }

  close(): void {
    this.db?.close();
    this.db = null;
  }
}
