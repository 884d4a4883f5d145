import { Router } from 'express';
import type { HealthResponse } from '../../../contract/index.ts';

export interface HealthSources {
  brokerConnected(): boolean;
  brokerDescription: string;
  influxReachable(): Promise<boolean>;
  influxAcceptingWrites(): boolean;
  outboxDepth(): { batches: number; points: number };
  startedAt: number;
  version: string;
}

/** `GET /api/health`: 200 when broker, InfluxDB and outbox are well; 503 naming what is not. */
export function healthRouter(h: HealthSources): Router {
  const router = Router();
  router.get('/api/health', async (_req, res) => {
    const broker = h.brokerConnected();
    const reachable = await h.influxReachable();
    const writing = h.influxAcceptingWrites();
    const depth = h.outboxDepth();
    const influxOk = reachable && writing;
    const body: HealthResponse = {
      ok: false,
      parts: {
        broker: { ok: broker, detail: broker ? `connected to ${h.brokerDescription}` : `not connected to ${h.brokerDescription}` },
        influx: {
          ok: influxOk,
          detail: !reachable ? 'InfluxDB unreachable: readings go to the outbox' : writing ? 'reachable, writes succeeding' : 'reachable, writes failing',
        },
        outbox: {
          ok: depth.batches === 0 || influxOk,
          depth: depth.points,
          detail: depth.batches === 0 ? 'empty' : `${depth.points} points in ${depth.batches} batches waiting${influxOk ? ', replaying' : ' for InfluxDB'}`,
        },
      },
      uptimeS: Math.round((Date.now() - h.startedAt) / 1000),
      version: h.version,
    };
    body.ok = body.parts.broker.ok && body.parts.influx.ok && body.parts.outbox.ok;
    res.status(body.ok ? 200 : 503).json(body);
  });
  return router;
}
