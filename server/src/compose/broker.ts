/**
 * The MQTT broker Vigil's ingest client and drills connect to: MQTT_URL, or the Mosquitto
 * `npm start` runs on 127.0.0.1:MQTT_PORT. Everything else sees only a `BrokerConnection`.
 *
 * Vigil administers the broker's dynamic security when `vigil broker init` left the
 * administrator's password in DATA_DIR: the broker is made to match the device credentials on
 * every connection, and Vigil's ingest and drill devices sign in with credentials of their own,
 * each bound to its client id (services/device-credentials.broker.ts). Otherwise the operator
 * keeps the broker's rules (`vigil mosquitto-config`) and the ingest signs in with
 * MQTT_USERNAME/MQTT_PASSWORD.
 */
import { loadBrokerSecrets, type BrokerSecrets } from '../adapters/broker.secrets.ts';
import { MosquittoDynsec } from '../adapters/mosquitto.dynsec.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { DRILL_USERNAME_TEMPLATE, brokerPlan, siteIngestClientId, type SiteSession } from '../services/device-credentials.broker.ts';
import { BROKER_ADMIN_USERNAME, DEFAULT_INGEST_MQTT_USERNAME } from '../services/device-credentials.service.ts';
import type { Auth } from './auth.ts';
import type { Part } from './parts.ts';

export interface BrokerLogin {
  username?: string | undefined;
  password?: string | undefined;
}

/** The broker's administration, made before the device credentials, which change the broker through it. */
export interface BrokerAdmin {
  secrets: BrokerSecrets;
  /** Null when Vigil does not administer the broker. */
  access: MosquittoDynsec | null;
}

export function composeBrokerAdmin(config: Config, logger: Logger): BrokerAdmin {
  const secrets = loadBrokerSecrets(config.DATA_DIR);
  const access =
    secrets.admin === null
      ? null
      : new MosquittoDynsec({ url: config.mqttUrl, username: BROKER_ADMIN_USERNAME, password: secrets.admin, logger: logger.child({ component: 'broker' }) });
  return { secrets, access };
}

export interface BrokerConnection {
  url: string;
  /** Where the broker is, for the health report. */
  description: string;
  /** The ingest client's credentials. */
  ingestLogin: BrokerLogin;
  /** Cluster mode: the credentials of a site's ingest session (client id `vigil-<site>`), the same on every node. */
  siteLogin(site: string): BrokerLogin;
  /** How drills (the simulator as a child process) sign in: one credential per drill device, the password read from a file. */
  drillLogin: { username: string; passwordFile: string };
  /** Starting it reconciles the broker (or tries once) before the ingest client connects; stopping closes the admin connection. */
  part: Part;
}

/** `sites`: the facility's sites and their sessions' topics (cluster mode gives each its ingest session and role). */
export async function composeBroker(config: Config, logger: Logger, auth: Auth, sites: readonly SiteSession[] = []): Promise<BrokerConnection> {
  const { secrets, access } = auth.brokerAdmin;
  const url = config.mqttUrl;
  const drillLogin = { username: DRILL_USERNAME_TEMPLATE, passwordFile: secrets.file('drill') };
  if (!access) {
    return {
      url,
      description: new URL(url).host,
      ingestLogin: { username: config.MQTT_USERNAME, password: config.MQTT_PASSWORD },
      // The operator's broker rules must let this login use each site's client id.
      siteLogin: () => ({ username: config.MQTT_USERNAME, password: config.MQTT_PASSWORD }),
      drillLogin,
      part: { name: 'MQTT broker (not administered)' },
    };
  }
  const log = logger.child({ component: 'broker' });
  const ingestUsername = config.MQTT_USERNAME || DEFAULT_INGEST_MQTT_USERNAME;
  const plan = async () =>
    brokerPlan({
      sensors: auth.deviceTopics.sensors(),
      topics: auth.deviceTopics,
      gateways: auth.deviceTopics.gateways(),
      devices: await auth.deviceCredentials.all(),
      ingest: { username: ingestUsername, clientId: config.MQTT_CLIENT_ID, password: secrets.ingest, sites: config.cluster ? sites : [] },
      drillPassword: secrets.drill,
      simulatorPassword: config.VIGIL_DEMO ? secrets.simulator : null,
    });
  return {
    url,
    description: new URL(url).host,
    ingestLogin: { username: ingestUsername, password: secrets.ingest },
    siteLogin: (site) => ({ username: siteIngestClientId(site), password: secrets.ingest }),
    drillLogin,
    part: {
      name: 'MQTT broker administration',
      // Resolves after the first attempt, successful or not: a broker that is down does not hold up the start.
      start: () =>
        access.keepReconciled(plan, (r) => {
          if (r instanceof Error) return log.warn({ err: r.message, url }, 'cannot administer the broker yet; retrying');
          log.info({ url, changes: r.commands.length }, 'broker access matches the device credentials');
          if (r.missing.length)
            log.error(
              { devices: r.missing },
              'device credentials missing on the broker (issued while it was down?): they reach it when it next starts through npm start or Docker Compose, or re-issue them',
            );
        }),
      stop: () => access.close(),
    },
  };
}
