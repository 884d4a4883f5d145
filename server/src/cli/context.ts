/**
 * The command line's composition root: the same store (and migrations) and facility file as
 * the server, read from the same environment (DATABASE_URL or DATA_DIR, FACILITY_FILE). The facility is loaded
 * only by commands that need it, so `user add` works even while the facility file is being fixed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadStorageConfig } from '../config.ts';
import { Registry } from '../domain/registry.ts';
import { adapterPublishFilters, createDeviceDecoders } from '../domain/decoders/index.ts';
import { nativeDecoder } from '../domain/observation.decode.ts';
import { SqlAuditLog } from '../adapters/sql.audit.ts';
import type { Sql } from '../adapters/sql.ts';
import { SqlSessionStore, SqlUserStore } from '../adapters/sql.users.ts';
import { SqlApiKeyStore, SqlDeviceStore } from '../adapters/sql.devices.ts';
import { loadBrokerSecrets, readAdminSecret, type BrokerSecrets } from '../adapters/broker.secrets.ts';
import { oneShotDynsec } from '../adapters/mosquitto.dynsec.ts';
import { createLogger } from '../logger.ts';
import { openStore, redactedUrl } from '../adapters/sql.open.ts';
import { CliError } from './cli.errors.ts';
import { loadFacility } from '../services/facility.loader.ts';
import { systemClock } from '../services/clock.ts';
import { UsersService } from '../services/users.service.ts';
import { ApiKeyService, BROKER_ADMIN_USERNAME, DEFAULT_INGEST_MQTT_USERNAME, DeviceCredentialService } from '../services/device-credentials.service.ts';
import { brokerPlan, type BrokerAccess, type BrokerPlan } from '../services/device-credentials.broker.ts';
import { DeviceTopics, decoderSubscriptions, siteSessions } from '../services/device-credentials.topics.ts';

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
  private registryCache: Registry | null = null;
  private sqlCache: Promise<Sql> | null = null;

  constructor(
    readonly io: CliIo,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    this.env = loadStorageConfig(env);
  }

  /** The SQLite file the server reads in this DATA_DIR (when DATABASE_URL does not name PostgreSQL). */
  get databaseFile(): string {
    return path.join(this.env.DATA_DIR, 'vigil.db');
  }

  /**
   * The server's operational store, for every store adapter: PostgreSQL at DATABASE_URL, else the
   * SQLite file in DATA_DIR, as the server decides (adapters/sql.open.ts). Everything the
   * command line reads or writes goes through here, so it always works on the store the server
   * uses; which one is always named on stderr, as a CLI and a server with different settings would
   * otherwise each work on a store of their own without a word. Only commands that set up a new
   * installation (`user add` for the first administrator, `broker init` before the first start) may
   * create a SQLite file; every other command refuses one that does not exist yet (a PostgreSQL
   * database exists before Vigil, made by its administrator, and is migrated as the server does).
   * Closed by {@link close} at the end of the command.
   */
  async sql(options: { create?: boolean } = {}): Promise<Sql> {
    this.sqlCache ??= this.openStore(options.create === true);
    return this.sqlCache;
  }

  private async openStore(create: boolean): Promise<Sql> {
    const url = this.env.DATABASE_URL;
    if (url !== undefined) {
      const sql = await openStore({ DATABASE_URL: url, DATA_DIR: this.env.DATA_DIR }, createLogger('silent'));
      this.io.err(`vigil: database ${redactedUrl(url)}\n`);
      return sql;
    }
    const file = this.databaseFile;
    const exists = fs.existsSync(file);
    if (!exists && !create)
      throw new CliError(
        'FAILED',
        `no Vigil database at ${file} (DATA_DIR=${this.env.DATA_DIR}): run the command with the server's DATA_DIR (or its DATABASE_URL), or start the server once to create it`,
      );
    const sql = await openStore({ DATABASE_URL: undefined, DATA_DIR: this.env.DATA_DIR }, createLogger('silent'));
    this.io.err(
      exists
        ? `vigil: database ${file}\n`
        : `vigil: created a new, empty database ${file}: the server must run with DATA_DIR=${this.env.DATA_DIR} to see what this command writes\n`,
    );
    return sql;
  }

  registry(): Registry {
    this.registryCache ??= new Registry(loadFacility(this.env.FACILITY_FILE).facility);
    return this.registryCache;
  }

  async users(): Promise<UsersService> {
    const sql = await this.sql();
    return new UsersService(new SqlUserStore(sql), new SqlSessionStore(sql), new SqlAuditLog(sql), systemClock);
  }

  async apiKeys(): Promise<ApiKeyService> {
    const sql = await this.sql();
    return new ApiKeyService(new SqlApiKeyStore(sql), this.registry(), new SqlAuditLog(sql), systemClock, null);
  }

  deviceTopics(): DeviceTopics {
    return new DeviceTopics(this.registry(), adapterPublishFilters);
  }

  /**
   * The broker at MQTT_URL when this DATA_DIR administers it (`broker init` was run here): device
   * changes are applied to it directly, so they take effect at once whether or not the server runs.
   */
  brokerAccess(): BrokerAccess | null {
    const password = readAdminSecret(this.env.DATA_DIR);
    if (password === null) return null;
    return oneShotDynsec({ url: this.env.mqttUrl, username: BROKER_ADMIN_USERNAME, password, logger: createLogger('silent') });
  }

  async devices(): Promise<DeviceCredentialService> {
    const sql = await this.sql();
    // As the server's (compose/auth.ts): a device may not be the ingest's user name or client id.
    const reserved = [this.ingestUsername(), this.env.MQTT_CLIENT_ID, BROKER_ADMIN_USERNAME];
    return new DeviceCredentialService(
      new SqlDeviceStore(sql),
      this.registry(),
      this.deviceTopics(),
      new SqlAuditLog(sql),
      systemClock,
      this.brokerAccess(),
      reserved,
    );
  }

  brokerSecrets(options: { createAdmin?: boolean } = {}): BrokerSecrets {
    return loadBrokerSecrets(this.env.DATA_DIR, options);
  }

  /** The server's plan (same inputs): its ingest client, the devices and gateways, drills, and the simulator in demo mode. */
  async brokerPlan(
    secrets: BrokerSecrets,
    ingest: { username: string; password: string } = { username: this.ingestUsername(), password: secrets.ingest },
  ): Promise<BrokerPlan> {
    const devices = await (await this.devices()).all();
    return brokerPlan({
      sensors: this.registry().allSensors(),
      topics: this.deviceTopics(),
      gateways: this.registry().gateways(),
      devices,
      // A cluster node's broker also carries each site's ingest session (several nodes).
      ingest: {
        ...ingest,
        clientId: this.env.MQTT_CLIENT_ID,
        sites: this.env.NODE_ID ? siteSessions(decoderSubscriptions([nativeDecoder, ...createDeviceDecoders()]), this.registry()) : [],
      },
      drillPassword: secrets.drill,
      simulatorPassword: this.env.VIGIL_DEMO ? secrets.simulator : null,
    });
  }

  ingestUsername(): string {
    return this.env.MQTT_USERNAME || DEFAULT_INGEST_MQTT_USERNAME;
  }

  /** Ends the command's connection to the store: an open database server connection would keep the process alive. */
  async close(): Promise<void> {
    const sql = this.sqlCache;
    this.sqlCache = null;
    // A store that failed to open has nothing to close.
    await (await sql?.catch(() => null))?.close();
  }
}
