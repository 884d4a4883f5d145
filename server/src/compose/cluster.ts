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
import { retry } from '../services/retry.ts';
import { siteIngestClientId } from '../services/device-credentials.broker.ts';
import { siteTopics } from '../services/device-credentials.topics.ts';
import type { IngestService } from '../services/ingest.service.ts';
import { SiteLeases, type SiteHolderStatus } from '../services/site-leases.ts';
import type { SiteAlarms } from '../services/site-alarms.ts';
import { UnheldWatch } from '../services/unheld.watch.ts';
import type { BrokerConnection } from './broker.ts';
import type { IngestSession, MqttIngest } from './ingest.ts';
import type { LegacySession, SessionSpec } from './legacy-session.ts';
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

/** About 15 s of attempts in all. */
const LEGACY_DRAIN_ATTEMPTS = 5;
const LEGACY_DRAIN_BACKOFF = { initialMs: 1000, maxMs: 8000, jitter: 0.2 };

export interface ClusterDeps {
  registry: Registry;
  ingest: Pick<IngestService, 'subscriptions'>;
  mqtt: Pick<MqttIngest, 'session' | 'flush'>;
  broker: Pick<BrokerConnection, 'siteLogin'>;
  sites: Pick<SiteAlarms, 'acquire' | 'release' | 'lost'>;
  /** This node's consoles (realtime hub): told at once when the sites without a node change. */
  consoles: { clusterChanged(notice: ClusterNotice): void };
  /** The former single-node MQTT session, drained once before any site's session starts (legacy-session.ts). */
  legacy?: Pick<LegacySession, 'claim' | 'drain'>;
}

/** A site's own MQTT session, the same on every node. */
export function siteSession(d: Pick<ClusterDeps, 'registry' | 'ingest' | 'broker'>, site: string): SessionSpec {
  return { clientId: siteIngestClientId(site), login: d.broker.siteLogin(site), topics: siteTopics(d.ingest, d.registry, site) };
}

export function composeCluster(links: ClusterLinks, logger: Logger, metrics: Metrics, d: ClusterDeps): Cluster {
  const cluster = links.config;
  const log = logger.child({ component: 'cluster', node: cluster.nodeId });
  const sessions = new Map<string, IngestSession>();
  // Sites taken while the former single-node session drains: their sessions start once it is gone.
  let deferred: Set<string> | null = null;
  const startSession = (site: string) => {
    const session = d.mqtt.session({ ...siteSession(d, site), site });
    sessions.set(site, session);
    session.start();
  };
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
        if (deferred) deferred.add(site);
        else startSession(site);
        log.info({ site, token }, 'site taken: its alarms and ingest run here');
      },
      released: async (site) => {
        deferred?.delete(site);
        const session = sessions.get(site);
        sessions.delete(site);
        // Store what was read, and let the engine commit what it caused (release waits for its
        // writes), while the session can still acknowledge it; what arrives after finds no engine
        // here and stays unacknowledged with the broker, for the next holder.
        await d.mqtt.flush();
        await d.sites.release(site);
        await session?.stop();
        log.info({ site }, 'site handed over');
      },
      lost: (site) => {
        deferred?.delete(site);
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
  const failedDrain = (err: unknown): false => {
    log.error(
      { err: (err as Error).message },
      'could not drain the former single-node MQTT session: readings it holds are not processed; the next start tries again',
    );
    return false;
  };
  const drainLegacy = async () => {
    const held = new Set(leases.status().held.map((h) => h.site));
    const elsewhere = d.registry.facility.sites.map((s) => s.id).filter((site) => !held.has(site));
    if (elsewhere.length)
      log.warn(
        { sites: elsewhere },
        'draining the former single-node MQTT session without these sites: their readings from it are stored, their alarms not evaluated',
      );
    // A broker that does not yet know the per-site clients (its reconciliation runs as this node
    // starts) is given a few seconds; the sites' sessions wait, queuing on the broker meanwhile.
    await retry(() => d.legacy!.drain(), {
      timers: systemScheduler,
      backoff: LEGACY_DRAIN_BACKOFF,
      maxAttempts: LEGACY_DRAIN_ATTEMPTS,
      onRetry: (err, attempt, delayMs) =>
        log.warn({ err: (err as Error).message, attempt, delayMs }, 'draining the former single-node MQTT session failed; retrying'),
    }).catch(failedDrain);
    const pending = deferred ?? new Set<string>();
    deferred = null;
    for (const site of pending) startSession(site);
  };
  return {
    status: () => leases.status(),
    part: {
      name: 'site leases',
      start: async () => {
        // Claimed (or waited for) before taking any site, so the drainer takes them all first.
        const drain = d.legacy && (await d.legacy.claim().catch((err: unknown) => failedDrain(err)));
        if (drain) deferred = new Set();
        await leases.start();
        if (drain) await drainLegacy();
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
