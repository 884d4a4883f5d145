/** People, sessions, API keys and device credentials. */
import { DEMO_ACCOUNTS } from '../../../contract/index.ts';
import { SqlApiKeyStore, SqlDeviceStore } from '../adapters/sql.devices.ts';
import { SqlSessionStore, SqlUserStore } from '../adapters/sql.users.ts';
import type { Config } from '../config.ts';
import { adapterPublishFilters } from '../domain/decoders/index.ts';
import type { Registry } from '../domain/registry.ts';
import type { Logger } from '../logger.ts';
import { RateLimiter } from '../services/auth.rate-limit.ts';
import { AuthService } from '../services/auth.service.ts';
import { systemClock } from '../services/clock.ts';
import { ApiKeyService, BROKER_ADMIN_USERNAME, DEFAULT_INGEST_MQTT_USERNAME, DeviceCredentialService } from '../services/device-credentials.service.ts';
import { DeviceTopics } from '../services/device-credentials.topics.ts';
import { UsersService } from '../services/users.service.ts';
import { composeBrokerAdmin, type BrokerAdmin } from './broker.ts';
import type { EndedSessions } from './links.ts';
import { Intervals, type Part } from './parts.ts';
import type { Storage } from './storage.ts';

/** Old sessions are deleted this often; that is housekeeping only, since expiry is checked on every request. */
const SESSION_PURGE_MS = 3_600_000;

export interface Auth {
  auth: AuthService;
  users: UsersService;
  apiKeys: ApiKeyService;
  deviceTopics: DeviceTopics;
  deviceCredentials: DeviceCredentialService;
  /** Device credentials change the broker through it (compose/broker.ts). */
  brokerAdmin: BrokerAdmin;
  /** Purges expired sessions. */
  part: Part;
}

/** `endedSessions` hears every session that ends early here, to close its live connections. */
export async function composeAuth(config: Config, logger: Logger, registry: Registry, storage: Storage, endedSessions: EndedSessions): Promise<Auth> {
  const { sql, audit } = storage;
  const userStore = new SqlUserStore(sql);
  const sessionStore = new SqlSessionStore(sql);
  const auth = new AuthService(userStore, sessionStore, audit, systemClock, {
    idleMs: config.SESSION_IDLE_MIN * 60_000,
    addressLimiter: new RateLimiter({ burst: config.LOGIN_RATE_PER_MIN, perSecond: config.LOGIN_RATE_PER_MIN / 60 }, systemClock),
    onSessionsEnded: (u) => endedSessions.ended(u),
  });
  const users = new UsersService(userStore, sessionStore, audit, systemClock, undefined, {
    onSessionsEnded: (u) => endedSessions.ended(u),
  });
  const deviceTopics = new DeviceTopics(registry, adapterPublishFilters);
  const apiKeys = new ApiKeyService(new SqlApiKeyStore(sql), registry, audit, systemClock, config.ingestApiKey);
  const brokerAdmin = composeBrokerAdmin(config, logger);
  // A device is its own user name and client id: neither may be the ingest's, whatever MQTT_USERNAME and MQTT_CLIENT_ID say.
  const reserved = [config.MQTT_USERNAME || DEFAULT_INGEST_MQTT_USERNAME, config.MQTT_CLIENT_ID, BROKER_ADMIN_USERNAME];
  const deviceCredentials = new DeviceCredentialService(new SqlDeviceStore(sql), registry, deviceTopics, audit, systemClock, brokerAdmin.access, reserved);
  const authLog = logger.child({ component: 'auth' });
  if (config.VIGIL_DEMO) {
    const created = await users.ensureDemoAccounts();
    authLog.info(
      { created, accounts: DEMO_ACCOUNTS.map((a) => `${a.username} / ${a.password} (${a.role})`) },
      'demo mode: sign in with a demo account (production creates none)',
    );
  }
  const purge = new Intervals([
    [
      SESSION_PURGE_MS,
      () => void auth.purgeSessions().catch((err: Error) => authLog.warn({ err: err.message }, 'could not purge old sessions; retried next hour')),
    ],
  ]);
  return {
    auth,
    users,
    apiKeys,
    deviceTopics,
    deviceCredentials,
    brokerAdmin,
    part: { name: 'session purge', start: () => purge.start(), stop: () => purge.stop() },
  };
}
