import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import type { HealthResponse, PublicHealthResponse, User } from '../../../contract/index.ts';
import { healthRouter, type HealthSources } from './health.router.ts';

/**
 * A message the broker drops may be a lost safety reading, so `/api/health` is degraded (503, the
 * same as for InfluxDB down) while the broker dropped messages recently, and says the count is the
 * broker's (docs/contracts.md "REST API").
 */
const officer: User = { username: 'ann', displayName: 'Ann', role: 'officer', disabled: false };

function sources(drops: { dropped: number; recent: boolean }, over: Partial<HealthSources> = {}): HealthSources {
  return {
    brokerConnected: () => true,
    brokerDescription: 'mqtt://127.0.0.1:1883',
    influxReachable: async () => true,
    influxAcceptingWrites: () => true,
    outboxDepth: () => ({ batches: 0, points: 0 }),
    brokerDrops: () => drops,
    brokerDropsWindowMin: 10,
    startedAt: Date.now(),
    version: 'test',
    ...over,
  };
}

let server: http.Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

async function get(h: HealthSources, user?: User): Promise<{ status: number; body: HealthResponse & PublicHealthResponse }> {
  const app = express();
  app.use((_req, res, next) => {
    res.locals.user = user;
    next();
  });
  app.use(healthRouter(h));
  server = http.createServer(app);
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/health`);
  return { status: res.status, body: (await res.json()) as HealthResponse & PublicHealthResponse };
}

describe('GET /api/health and the broker dropping messages', () => {
  it('is degraded (503) while the broker dropped messages recently, naming the broker and the count', async () => {
    const { status, body } = await get(sources({ dropped: 128_000, recent: true }), officer);
    expect(status).toBe(503);
    expect(body.ok).toBe(false);
    expect(body.parts.drops).toEqual({
      ok: false,
      dropped: 128_000,
      detail: 'the broker dropped 128000 messages since Vigil started, some in the last 10 minutes: readings may be lost',
    });
    expect(body.parts.broker.ok).toBe(true);
  });

  it('degrades the same way as InfluxDB down', async () => {
    const influxDown = await get(sources({ dropped: 0, recent: false }, { influxReachable: async () => false }), officer);
    server!.close();
    server = undefined;
    const dropping = await get(sources({ dropped: 5, recent: true }), officer);
    expect(dropping.status).toBe(influxDown.status);
    expect(dropping.body.ok).toBe(influxDown.body.ok);
  });

  it('tells a probe without a session that drops happened, without the count', async () => {
    const { status, body } = await get(sources({ dropped: 128_000, recent: true }));
    expect(status).toBe(503);
    expect(body.parts.drops).toEqual({ ok: false, detail: 'the broker dropped messages in the last 10 minutes: readings may be lost' });
  });

  it('is well again once the drops are older than the window, still reporting the count since Vigil started', async () => {
    const { status, body } = await get(sources({ dropped: 128_000, recent: false }), officer);
    expect(status).toBe(200);
    expect(body.ok).toBe(true);
    expect(body.parts.drops).toMatchObject({ ok: true, dropped: 128_000 });
    expect(body.parts.drops.detail).toContain('128000 since Vigil started');
  });
});
