/** HTTP: the REST API, /metrics and the dashboard on one server (Socket.IO shares it, see realtime.ts). */
import fs from 'node:fs';
import type http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_DATA_DIR, type Config } from '../config.ts';
import { sessionAccess } from '../http/access.ts';
import { actionsRouter } from '../http/actions.router.ts';
import { alarmsRouter } from '../http/alarms.router.ts';
import { camerasRouter } from '../http/cameras.router.ts';
import { notificationsRouter } from '../http/notifications.router.ts';
import { presenceRouter } from '../http/presence.router.ts';
import { createApp } from '../http/app.ts';
import { authRouter } from '../http/auth.router.ts';
import { sessionMiddleware } from '../http/auth.middleware.ts';
import { SESSION_COOKIE } from '../../../contract/index.ts';
import { devicesRouter } from '../http/devices.router.ts';
import { drillsRouter } from '../http/drills.router.ts';
import { handoversRouter } from '../http/handovers.router.ts';
import { facilityRouter } from '../http/facility.router.ts';
import { discoveryRouter } from '../http/discovery.router.ts';
import { gatewaysRouter } from '../http/gateways.router.ts';
import { healthRouter } from '../http/health.router.ts';
import { BoundedStoreCheck } from '../http/health.store.ts';
import { ingestRouter } from '../http/ingest.router.ts';
import { jsonBody } from '../http/parse.ts';
import { reportsRouter } from '../http/reports.router.ts';
import { safetyReportRouter } from '../http/safety-report.router.ts';
import { kpiRouter } from '../http/kpi.router.ts';
import { InfluxPresence } from '../adapters/influx.presence.ts';
import { SqlKpiSource } from '../adapters/sql.kpi.ts';
import { KpiService } from '../services/kpi.service.ts';
import { originPolicy, requestGuard, securityHeaders, type OriginPolicy } from '../http/security.ts';
import { usersRouter } from '../http/users.router.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import { RateLimiter } from '../services/auth.rate-limit.ts';
import { BROKER_DROPS_RECENT_MS } from '../services/broker.drops.ts';
import { systemClock, systemScheduler } from '../services/clock.ts';
import { DiscoveryService } from '../services/discovery.service.ts';
import { GatewayService } from '../services/gateway.service.ts';
import { SensorEventsService } from '../services/sensor-events.service.ts';
import { ReadingsService } from '../services/readings.service.ts';
import { ReportService } from '../services/report.service.ts';
import type { Actions } from './actions.ts';
import type { Alarms } from './alarms.ts';
import type { Auth } from './auth.ts';
import type { Cameras } from './cameras.ts';
import type { BrokerConnection } from './broker.ts';
import type { Drills } from './drills.ts';
import type { SafetyReports } from './safety-reports.ts';
import { composeHandovers } from './handovers.ts';
import type { Ingest, MqttIngest } from './ingest.ts';
import type { Part } from './parts.ts';
import type { Presence } from './presence.ts';
import type { Realtime } from './realtime.ts';
import { clusterHealth, type Cluster } from './cluster.ts';
import type { Forwarding } from './forwarding.ts';
import type { Facility } from './startup.ts';
import type { Storage } from './storage.ts';

const VERSION = (JSON.parse(fs.readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export interface HttpDeps {
  facility: Facility;
  storage: Storage;
  ingest: Ingest;
  mqtt: MqttIngest;
  broker: BrokerConnection;
  auth: Auth;
  alarms: Alarms;
  drills: Drills;
  cameras: Cameras;
  actions: Actions;
  presence: Presence;
  safetyReports: SafetyReports;
  realtime: Pick<Realtime, 'redisHealth'>;
  /** Cluster mode: the sites this node holds (health); null on one node. */
  cluster: Pick<Cluster, 'status'> | null;
  /** Cluster mode: the routes other nodes forward to, and the HTTP ingest that forwards; absent on one node. */
  forwarding?: Forwarding | null;
}

/** Routes `server`'s requests to the API; the part listens on HOST:PORT and closes. */
export function composeHttp(server: http.Server, config: Config, logger: Logger, metrics: Metrics, d: HttpDeps): Part {
  const access = sessionAccess;
  const { registry } = d.facility;
  const { writer } = d.storage;
  const alarms = d.alarms.service;
  const startedAt = Date.now();
  const origins = originPolicyFor(server, config);
  const handovers = composeHandovers({
    registry,
    storage: d.storage,
    alarms,
    drills: d.drills.service,
    brokerConnected: () => d.mqtt.connected(),
    actions: d.actions.service,
  });
  const app = createApp({
    middleware: [
      securityHeaders(),
      requestGuard(origins, SESSION_COOKIE),
      // Before the session middleware, which waits for the store up to the pool's bounds (~13 s): health
      // reads the session itself, bounded, and answers when the store does not (health.store.ts).
      healthRouter({
        brokerConnected: () => d.mqtt.connected(),
        brokerDescription: d.broker.description,
        influxReachable: () => d.storage.influx.ping(),
        influxAcceptingWrites: () => writer.isSinkUp,
        outboxDepth: () => writer.outboxDepth(),
        brokerDrops: () => d.mqtt.drops.status(),
        brokerDropsWindowMin: BROKER_DROPS_RECENT_MS / 60_000,
        redis: () => d.realtime.redisHealth(),
        cluster: () => (d.cluster ? clusterHealth(d.cluster.status()) : null),
        storeWarning: d.storage.storeWarning,
        store: new BoundedStoreCheck({
          sessions: d.auth.auth,
          ...(d.storage.sql.dialect === 'postgres' && { probe: () => d.storage.sql.get('SELECT 1') }),
          name: d.storage.sql.dialect === 'postgres' ? 'PostgreSQL' : 'the store',
          scheduler: systemScheduler,
        }),
        startedAt,
        version: VERSION,
      }),
      sessionMiddleware(d.auth.auth),
    ],
    routers: [
      facilityRouter(
        registry,
        () => alarms.sensorStates(),
        (id) => alarms.sensorState(id),
        new ReadingsService(d.storage.history),
        d.facility.planFiles,
        access,
        new SensorEventsService(d.storage.history),
      ),
      reportsRouter(new ReportService(alarms), access),
      kpiRouter(kpiService(d, config), () => registry.facility.sites.map((s) => s.id), access),
      safetyReportRouter(d.safetyReports.service, d.safetyReports.pdf, access),
      gatewaysRouter(new GatewayService(registry, d.ingest.gateways, alarms), access),
      discoveryRouter(new DiscoveryService(registry, d.ingest.found), access),
      drillsRouter(d.drills.service, access, jsonBody('256kb')),
      handoversRouter(handovers, access, jsonBody('64kb')),
      alarmsRouter(alarms, d.actions.service, d.storage.audit, access, jsonBody('64kb'), logger),
      notificationsRouter(async (id) => (await alarms.get(id)) !== undefined, d.alarms.notifications, access),
      camerasRouter(d.cameras.service, async (id) => alarms.get(id), access),
      presenceRouter(d.presence.service, registry, (id) => alarms.get(id), access, jsonBody('4kb')),
      actionsRouter(d.actions.service, d.alarms.notifications, access, jsonBody('64kb')),
      ...(d.forwarding ? [d.forwarding.internal] : []),
      ingestRouter(
        d.forwarding?.httpIngest ?? d.ingest.service,
        registry,
        d.ingest.rejections,
        d.auth.apiKeys,
        access,
        new RateLimiter({ burst: 2 * config.INGEST_RATE_PER_S, perSecond: config.INGEST_RATE_PER_S }, systemClock),
      ),
      authRouter(d.auth.auth, { demo: config.VIGIL_DEMO }),
      usersRouter(d.auth.users, access),
      devicesRouter(d.auth.apiKeys, d.auth.deviceCredentials, access),
    ],
    metrics: metrics.registry,
    clientDist: config.CLIENT_DIST,
    logger: logger.child({ component: 'http' }),
  });
  // Socket.IO attached its own request handler when the hub was made and passes on only listeners
  // that existed then; one added now sees its long-polling requests too, and Express's 404 for them
  // would collide with engine.io's answer (ERR_HTTP_HEADERS_SENT crashes the process).
  server.on('request', (req, res) => {
    if (!req.url?.startsWith('/socket.io/')) app(req, res);
  });
  return {
    name: 'HTTP server',
    start: async () => {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.PORT, config.HOST, () => {
          server.off('error', reject);
          resolve();
        });
      });
      const port = (server.address() as { port: number }).port;
      logger.info({ port, url: `http://127.0.0.1:${port}/`, allowedOrigins: origins.origins(), dataDir: config.DATA_DIR }, 'Vigil HTTP listening');
      const oldDefault = path.join(path.dirname(DEFAULT_DATA_DIR), '..', 'data', 'vigil.db');
      // DATA_DIR's default was data/ before it became the one npm start uses: say so rather than seem to have lost the state.
      if (config.DATA_DIR === DEFAULT_DATA_DIR && fs.existsSync(oldDefault))
        logger.warn(
          { dataDir: config.DATA_DIR, found: oldDefault },
          'a database from the former default DATA_DIR exists: set DATA_DIR to its directory to use it',
        );
    },
    stop: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** The alarm-performance KPIs (services/kpi.service.ts) over the alarm store, InfluxDB and the live engine. */
export function kpiService(d: Pick<HttpDeps, 'storage' | 'alarms' | 'facility'>, config: Pick<Config, 'RAW_RETENTION_DAYS'>): KpiService {
  return new KpiService({
    alarms: new SqlKpiSource(d.storage.sql),
    presence: new InfluxPresence(d.storage.influx),
    live: { snapshot: async () => d.alarms.service.snapshot() },
    registry: d.facility.registry,
    clock: systemClock,
    rawRetentionMs: config.RAW_RETENTION_DAYS * 86_400_000,
  });
}

/**
 * The origins browsers may act from (PUBLIC_URL, else where `server` listens): the HTTP guard and
 * the Socket.IO handshake use the same answer.
 */
export function originPolicyFor(server: http.Server, config: Pick<Config, 'PUBLIC_URL' | 'HOST'>): OriginPolicy {
  let hosts: string[] | null = null;
  return originPolicy(config.PUBLIC_URL, () => {
    const a = server.address();
    if (a === null || typeof a === 'string') return null;
    hosts ??= listeningHosts(config.HOST);
    return { hosts, port: a.port };
  });
}

/** The names a browser on this machine or the LAN may use for a server bound to `host`. */
function listeningHosts(host: string): string[] {
  const hosts = new Set(['localhost', '127.0.0.1', '::1', host]);
  if (host === '0.0.0.0' || host === '::') {
    hosts.delete(host);
    hosts.add(os.hostname());
    for (const nets of Object.values(os.networkInterfaces())) for (const n of nets ?? []) if (!n.address.includes('%')) hosts.add(n.address);
  }
  return [...hosts];
}
