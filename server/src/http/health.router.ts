import { Router } from 'express';
import { can, type HealthPart, type HealthResponse, type PublicHealthResponse } from '../../../contract/index.ts';

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
  startedAt: number;
  version: string;
}

/**
 * `GET /api/health`: 200 when broker, InfluxDB and outbox are well, the broker dropped no
 * message recently and, on a node with Redis, Redis carries live events to the other nodes; 503 naming what is not (a dropped message may be a lost safety reading). Open to
 * monitoring probes, which get each part's ok and a plain detail; the broker's address, outbox
 * counts, uptime and version only go to a signed-in user who may watch alarms: they tell an
 * attacker where the broker is and how the deployment is doing.
 */
export function healthRouter(h: HealthSources): Router {
  const router = Router();
  router.get('/api/health', async (_req, res) => {
    const broker = h.brokerConnected();
    const reachable = await h.influxReachable();
    const writing = h.influxAcceptingWrites();
    const depth = h.outboxDepth();
    const influxOk = reachable && writing;
    const outboxOk = depth.batches === 0 || influxOk;
    const drops = h.brokerDrops();
    const dropsOk = !drops.recent;
    const redis = h.redis?.() ?? null;
    const ok = broker && influxOk && outboxOk && dropsOk && (redis?.ok ?? true);
    const lately = `in the last ${h.brokerDropsWindowMin} minutes`;
    const influx = {
      ok: influxOk,
      detail: !reachable ? 'InfluxDB unreachable: readings go to the outbox' : writing ? 'reachable, writes succeeding' : 'reachable, writes failing',
    };
    const status = ok ? 200 : 503;
    const user = res.locals.user;
    if (!user || !can(user.role, 'alarm.view')) {
      const body: PublicHealthResponse = {
        ok,
        parts: {
          broker: { ok: broker, detail: broker ? 'connected' : 'not connected' },
          influx,
          outbox: { ok: outboxOk, detail: depth.batches === 0 ? 'empty' : `readings waiting${influxOk ? ', replaying' : ' for InfluxDB'}` },
          drops: { ok: dropsOk, detail: dropsOk ? `the broker dropped no messages ${lately}` : `the broker dropped messages ${lately}: readings may be lost` },
          ...(redis && { redis }),
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
      },
      uptimeS: Math.round((Date.now() - h.startedAt) / 1000),
      version: h.version,
    };
    res.status(status).json(body);
  });
  return router;
}
