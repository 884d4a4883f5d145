import { Router } from 'express';
import { can, type ClusterHealth, type HealthPart, type HealthResponse, type PublicHealthResponse } from '../../../contract/index.ts';
import type { StoreCheck } from './health.store.ts';

export interface HealthSources {
  brokerConnected(): boolean;
  brokerDescription: string;
  influxReachable(): Promise<boolean>;
  influxAcceptingWrites(): boolean;
  outboxDepth(): { batches: number; points: number };
  /**
   * The broker's own dropped-message count since Vigil started, and whether it rose recently.
   * Mosquitto counts drops for all its clients, not only Vigil's session, so it is reported as
   * the broker's.
   */
  brokerDrops(): { dropped: number; recent: boolean };
  /** How long `recent` looks back, for the text. */
  brokerDropsWindowMin: number;
  /** Redis, which carries live events between nodes; absent (or null) on a node without it. */
  redis?(): HealthPart | null;
  /** Cluster mode: the sites this node holds, its peers, the sites nobody holds; absent (or null) on one node. */
  cluster?(): Omit<ClusterHealth, 'ok' | 'detail'> | null;
  /** A warning about the operational store (null when there is none). */
  storeWarning?: string | null;
  /**
   * The operational store, asked with a time limit (health.store.ts): who the session cookie
   * belongs to, and whether the store answers. Then the router is mounted before the session
   * middleware, which would wait for the store up to the pool's bounds (about 13 s). Absent: the
   * user is the one the session middleware found, and the store is not checked.
   */
  store?: StoreCheck;
  startedAt: number;
  version: string;
}

/**
 * `GET /api/health`: 200 when broker, InfluxDB and outbox are well, the broker dropped no
 * message recently, on a node with Redis, Redis carries live events to the other nodes, and on a
 * node of several every site has a node running it, and the operational store answers in time;
 * 503 naming what is not (a dropped message may be a lost safety reading, a site without a node
 * raises no alarm). It answers within ~2 s whatever fails (health.store.ts). Open to
 * monitoring probes, which get each part's ok and a plain detail; the broker's address, outbox
 * counts, uptime and version only go to a signed-in user who may watch alarms: they tell an
 * attacker where the broker is and how the deployment is doing.
 */
export function healthRouter(h: HealthSources): Router {
  const router = Router();
  router.get('/api/health', async (req, res) => {
    const broker = h.brokerConnected();
    const [reachable, viewer, storeFailing] = await Promise.all([h.influxReachable(), h.store?.viewer(req.headers.cookie), h.store?.failing() ?? null]);
    const writing = h.influxAcceptingWrites();
    const depth = h.outboxDepth();
    const influxOk = reachable && writing;
    const outboxOk = depth.batches === 0 || influxOk;
    const drops = h.brokerDrops();
    const dropsOk = !drops.recent;
    const redis = h.redis?.() ?? null;
    const sites = h.cluster?.() ?? null;
    const clusterOk = sites === null || sites.unheld.length === 0;
    // A store that does not answer is an outage (nothing can be committed); one that sorts
    // differently is a warning, which does not fail the check.
    const failing = viewer?.failing ?? storeFailing;
    const store = failing ? { ok: false, detail: failing } : h.storeWarning ? { ok: true, detail: h.storeWarning } : null;
    const ok = broker && influxOk && outboxOk && dropsOk && (redis?.ok ?? true) && clusterOk && (store?.ok ?? true);
    const lately = `in the last ${h.brokerDropsWindowMin} minutes`;
    const influx = {
      ok: influxOk,
      detail: !reachable ? 'InfluxDB unreachable: readings go to the outbox' : writing ? 'reachable, writes succeeding' : 'reachable, writes failing',
    };
    const status = ok ? 200 : 503;
    const user = viewer ? viewer.user : res.locals.user;
    if (!user || !can(user.role, 'alarm.view')) {
      const body: PublicHealthResponse = {
        ok,
        parts: {
          broker: { ok: broker, detail: broker ? 'connected' : 'not connected' },
          influx,
          outbox: { ok: outboxOk, detail: depth.batches === 0 ? 'empty' : `readings waiting${influxOk ? ', replaying' : ' for InfluxDB'}` },
          drops: { ok: dropsOk, detail: dropsOk ? `the broker dropped no messages ${lately}` : `the broker dropped messages ${lately}: readings may be lost` },
          ...(redis && { redis }),
          ...(sites && {
            cluster: {
              ok: clusterOk,
              detail: clusterOk ? 'every site has a node' : `${sites.unheld.length} site${sites.unheld.length === 1 ? ' has' : 's have'} no node`,
            },
          }),
          ...(store && { store: { ok: store.ok, detail: store.ok ? 'see the signed-in report' : 'not answering' } }),
        },
      };
      res.status(status).json(body);
      return;
    }
    const body: HealthResponse = {
      ok,
      parts: {
        broker: { ok: broker, detail: broker ? `connected to ${h.brokerDescription}` : `not connected to ${h.brokerDescription}` },
        influx,
        outbox: {
          ok: outboxOk,
          depth: depth.points,
          detail: depth.batches === 0 ? 'empty' : `${depth.points} points in ${depth.batches} batches waiting${influxOk ? ', replaying' : ' for InfluxDB'}`,
        },
        drops: {
          ok: dropsOk,
          dropped: drops.dropped,
          // The broker's counter covers every client of the broker, so the text names the broker, not Vigil.
          detail: dropsOk
            ? `the broker dropped no messages ${lately} (${drops.dropped} since Vigil started)`
            : `the broker dropped ${drops.dropped} messages since Vigil started, some ${lately}: readings may be lost`,
        },
        ...(redis && { redis }),
        ...(sites && {
          cluster: {
            ok: clusterOk,
            // The sites by name: the banner tells the officer which site's alarms nothing watches.
            detail: clusterOk
              ? `node ${sites.node} runs ${sites.held.length} site${sites.held.length === 1 ? '' : 's'}${sites.peers.length ? `; peers: ${sites.peers.join(', ')}` : '; no peers heard'}`
              : `no node runs site${sites.unheld.length > 1 ? 's' : ''} ${sites.unheld.join(', ')}: their alarms and readings are not processed`,
            ...sites,
          },
        }),
        ...(store && { store }),
      },
      uptimeS: Math.round((Date.now() - h.startedAt) / 1000),
      version: h.version,
    };
    res.status(status).json(body);
  });
  return router;
}
