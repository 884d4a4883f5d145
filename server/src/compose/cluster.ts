/**
 * Cluster mode (NODE_ID with DATABASE_URL; docs/architecture.md "Sites and leases" and "Several
 * nodes"): the sites this node runs are those whose leases it holds. Taking a site starts its
 * alarm engine (restored from the store) and then its own MQTT session, `vigil-<site>`, a
 * persistent session subscribed to that site's topics only, so whichever node holds the site
 * resumes the broker's session and receives what the previous holder had not acknowledged.
 *
 * Handing a site over cleanly (SIGTERM, rebalancing): everything read so far is stored and
 * acknowledged, the session stops, the engine saves its rule states and its last commits land,
 * and only then is the lease released. Losing a lease (it was not renewed in time, another node
 * may hold the site already): the session and the engine stop at once and nothing more is
 * written or acknowledged; what was not durable is redelivered to the next holder.
 */
import type { ClusterHealth, ClusterNotice } from '../../../contract/index.ts';
import { NodeForwarder } from '../adapters/node.forwarder.ts';
import { PostgresLeaseStore } from '../adapters/postgres.leases.ts';
import type { Sql } from '../adapters/sql.ts';
import type { ClusterConfig } from '../config.ts';
import { Registry } from '../domain/registry.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import { systemScheduler } from '../services/clock.ts';
import { siteIngestClientId } from '../services/device-credentials.broker.ts';
import { siteTopics } from '../services/device-credentials.topics.ts';
import type { IngestService } from '../services/ingest.service.ts';
import { SiteLeases, type SiteHolderStatus } from '../services/site-leases.ts';
import type { SiteAlarms } from '../services/site-alarms.ts';
import { UnheldWatch } from '../services/unheld.watch.ts';
import type { BrokerConnection } from './broker.ts';
import type { IngestSession, MqttIngest } from './ingest.ts';
import type { Part } from './parts.ts';

// The site's topics are also its broker role's (services/device-credentials.broker.ts): one function for both.
export { siteTopics } from '../services/device-credentials.topics.ts';

/** What the alarm side needs before the leases run: where each site's holder is, and how to reach it. */
export interface ClusterLinks {
  config: ClusterConfig;
  leaseStore: PostgresLeaseStore;
  forwarder: NodeForwarder;
}

export function clusterLinks(config: ClusterConfig, sql: Sql, logger: Logger): ClusterLinks {
  const log = logger.child({ component: 'cluster', node: config.nodeId });
  // The lease store records NODE_URL with every heartbeat: the forwarder of every node reads it.
  const leaseStore = new PostgresLeaseStore(sql, config.nodeUrl);
  const forwarder = new NodeForwarder({
    node: config.nodeId,
    secret: config.nodeSecret,
    directory: leaseStore,
    scheduler: systemScheduler,
    onError: (err, site, holder) => log.warn({ err: (err as Error).message, site, holder }, 'could not reach the node holding a site'),
  });
  return { config, leaseStore, forwarder };
}

export interface Cluster {
  /** Sites held, peers seen, sites nobody holds (health, metrics). */
  status(): SiteHolderStatus;
  /** Started last, stopped first: on SIGTERM every site is handed over before anything else stops. */
  part: Part;
}

/** The `cluster` part of GET /api/health. */
export function clusterHealth(status: SiteHolderStatus): Omit<ClusterHealth, 'ok' | 'detail'> {
  return {
    node: status.node,
    held: status.held.map(({ site, token, ageMs }) => ({ site, token, ageMs })),
    peers: status.peers.map((p) => p.id),
    unheld: status.unheld,
  };
}

export interface ClusterDeps {
  registry: Registry;
  ingest: Pick<IngestService, 'subscriptions'>;
  mqtt: Pick<MqttIngest, 'session' | 'flush'>;
  broker: Pick<BrokerConnection, 'siteLogin'>;
  sites: Pick<SiteAlarms, 'acquire' | 'release' | 'lost'>;
  /** This node's consoles (realtime hub): told at once when the sites without a node change. */
  consoles: { clusterChanged(notice: ClusterNotice): void };
}

export function composeCluster(links: ClusterLinks, logger: Logger, metrics: Metrics, d: ClusterDeps): Cluster {
  const cluster = links.config;
  const log = logger.child({ component: 'cluster', node: cluster.nodeId });
  const sessions = new Map<string, IngestSession>();
  const leases = new SiteLeases({
    node: cluster.nodeId,
    sites: d.registry.facility.sites.map((s) => s.id),
    store: links.leaseStore,
    scheduler: systemScheduler,
    work: {
      acquired: async (site, token) => {
        // The engine first: the session's first messages (the previous holder's unacknowledged
        // ones) must find it running.
        await d.sites.acquire(site, token);
        const session = d.mqtt.session({ clientId: siteIngestClientId(site), login: d.broker.siteLogin(site), topics: siteTopics(d.ingest, d.registry, site) });
        sessions.set(site, session);
        session.start();
        log.info({ site, token }, 'site taken: its alarms and ingest run here');
      },
      released: async (site) => {
        const session = sessions.get(site);
        sessions.delete(site);
        // Store what was read while the session can still acknowledge it; what arrives after
        // stays unacknowledged with the broker, for the next holder.
        await d.mqtt.flush();
        await session?.stop();
        await d.sites.release(site);
        log.info({ site }, 'site handed over');
      },
      lost: (site) => {
        const session = sessions.get(site);
        sessions.delete(site);
        d.sites.lost(site);
        void session?.stop();
        log.error({ site }, 'site lease lost (not renewed in time, or taken over): its alarms and ingest stopped here');
      },
    },
    onError: (err, what) => log.warn({ err: (err as Error).message, what }, 'site leases'),
  });
  metrics.watchCluster({ held: () => leases.status().held, unheld: () => leases.status().unheld });
  const unheld = new UnheldWatch(
    () => leases.status(),
    (notice) => {
      if (notice.unheld.length > 0) log.warn({ unheld: notice.unheld }, 'sites without a node: their alarms and readings are not processed');
      d.consoles.clusterChanged(notice);
    },
    systemScheduler,
    (err) => log.warn({ err: (err as Error).message }, 'could not tell the consoles about sites without a node'),
  );
  return {
    status: () => leases.status(),
    part: {
      name: 'site leases',
      start: async () => {
        await leases.start();
        unheld.start();
        log.info({ held: leases.status().held.map((h) => h.site) }, 'site leases running');
      },
      // Every site handed over (sessions flushed and stopped, engines saved, leases released), so
      // the other nodes take them at their next round instead of after the lease TTL.
      stop: () => {
        unheld.stop();
        return leases.drain();
      },
      stopWithinMs: 15_000,
    },
  };
}
