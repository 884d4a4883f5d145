/**
 * The composition root: reads the configuration, wires adapters to services (compose/), starts
 * the parts in order and stops them in reverse on SIGTERM/SIGINT. Nothing else constructs
 * adapters; docs/architecture.md draws the parts.
 */
import http from 'node:http';
import { composeActions } from './compose/actions.ts';
import { composeAlarms } from './compose/alarms.ts';
import { composeAuth } from './compose/auth.ts';
import { composeBroker } from './compose/broker.ts';
import { composeCameras } from './compose/cameras.ts';
import { clusterLinks, composeCluster } from './compose/cluster.ts';
import { composeForwarding } from './compose/forwarding.ts';
import { composeDrills } from './compose/drills.ts';
import { composeHttp, originPolicyFor } from './compose/http.ts';
import { composeIngest, composeMqttIngest } from './compose/ingest.ts';
import { composeLegacySession } from './compose/legacy-session.ts';
import { composePresence } from './compose/presence.ts';
import { EndedSessions, LiveFanout } from './compose/links.ts';
import { Parts, stopOnSignals } from './compose/parts.ts';
import { composeRealtime } from './compose/realtime.ts';
import { composeSafetyReports } from './compose/safety-reports.ts';
import { configOrExit, facilityOrExit } from './compose/startup.ts';
import { composeStorage } from './compose/storage.ts';
import { createLogger } from './logger.ts';
import { createMetrics } from './metrics.ts';
import { systemScheduler } from './services/clock.ts';
import { siteSessions } from './services/device-credentials.topics.ts';

export async function main(): Promise<void> {
  const config = configOrExit();
  const logger = createLogger(config.LOG_LEVEL);
  const facility = facilityOrExit(config, logger);
  const metrics = createMetrics();

  const storage = await composeStorage(config, logger, metrics);
  const ingest = await composeIngest(config, logger, metrics, facility.registry, storage.writer, storage.sql);
  // Made first: both ends of these links exist only further down.
  const live = new LiveFanout();
  const endedSessions = new EndedSessions();
  const auth = await composeAuth(config, logger, facility.registry, storage, endedSessions);
  const presence = composePresence(logger, facility.registry, storage, ingest, facility);
  // Cluster mode: the leases decide which sites' engines and sessions run here (compose/cluster.ts).
  const links = config.cluster ? clusterLinks(config.cluster, storage.sql, logger) : null;
  const alarms = await composeAlarms(config, logger, metrics, facility.registry, storage, ingest, live, facility, presence.service, links?.forwarder);
  const cameras = composeCameras(config, logger, facility, storage, alarms, live);
  const server = http.createServer();
  const realtime = composeRealtime(server, logger, alarms.service, auth.auth, live, endedSessions, originPolicyFor(server, config), config, metrics);
  // Each site's session subscribes to its topics (compose/cluster.ts); its broker role allows exactly those.
  const broker = await composeBroker(config, logger, auth, siteSessions(ingest.service, facility.registry));
  const mqtt = composeMqttIngest(config, logger, metrics, ingest, storage.writer, broker, links ? 'per-site' : 'node');
  const cluster =
    links && alarms.sites
      ? composeCluster(links, logger, metrics, {
          registry: facility.registry,
          ingest: ingest.service,
          mqtt,
          broker,
          sites: alarms.sites,
          consoles: realtime.hub,
          legacy: composeLegacySession(config, links.config, logger, storage.sql, { registry: facility.registry, ingest: ingest.service, broker, mqtt }),
        })
      : null;
  const drills = composeDrills(config, logger, facility.registry, storage, alarms.service, realtime, broker, presence.service);
  const actions = composeActions(config, logger, facility.registry, storage, alarms, auth);
  const safetyReports = composeSafetyReports(config, logger, { facility, storage, alarms, drills, actions, mqtt });
  const web = composeHttp(server, config, logger, metrics, {
    facility,
    storage,
    ingest,
    mqtt,
    broker,
    auth,
    alarms,
    drills,
    actions,
    presence,
    cameras,
    safetyReports,
    realtime,
    cluster,
    // Cluster mode: actions and HTTP-ingest observations of sites held elsewhere go to their holders.
    forwarding:
      links && alarms.sites
        ? composeForwarding(links.config, logger, { registry: facility.registry, sites: alarms.sites, ingest: ingest.service, forwarder: links.forwarder })
        : null,
  });

  // Started in this order, stopped in reverse: consuming MQTT starts only once everything
  // downstream is up, and on the way down the hub closes first, queued points are stored while
  // the broker can still be acknowledged, then the writer, HTTP, the broker and the database stop.
  const parts = new Parts(
    [
      storage.database,
      broker.part,
      realtime.fanout,
      web,
      storage.historyWriter,
      presence.part,
      mqtt.part,
      realtime.part,
      alarms.part,
      cameras.part,
      actions.part,
      safetyReports.part,
      drills.part,
      auth.part,
      // Last up, first down: on SIGTERM every site held is handed over while the rest still runs.
      ...(cluster ? [cluster.part] : []),
    ],
    logger,
    systemScheduler,
  );
  await parts.start();
  stopOnSignals(parts, logger);
}

await main();
