// A node of several (docs/architecture.md "Sites and leases"): /api/health says which sites it
// runs and which no node runs. A site nobody runs raises no alarm, so that is a 503 naming the
// sites to a signed-in user; a probe without a session learns only how many.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { SESSION_COOKIE, type HealthResponse, type User } from '../../../contract/index.ts';
import type { AuthenticatedSession } from '../services/auth.service.ts';
import { systemScheduler } from '../services/clock.ts';
import { healthRouter, type HealthSources } from './health.router.ts';
import { BoundedStoreCheck } from './health.store.ts';

const officer: User = { username: 'ann', displayName: 'Ann', role: 'officer', disabled: false };

function sources(unheld: string[], over: Partial<HealthSources> = {}): HealthSources {
  return {
    brokerConnected: () => true,
    brokerDescription: 'mqtt://127.0.0.1:1883',
    influxReachable: async () => true,
    influxAcceptingWrites: () => true,
    outboxDepth: () => ({ batches: 0, points: 0 }),
    brokerDrops: () => ({ dropped: 0, recent: false }),
    brokerDropsWindowMin: 10,
    cluster: () => ({ node: 'vigil-a', held: [{ site: 'north', token: 3, ageMs: 800 }], peers: ['vigil-b'], unheld }),
    startedAt: Date.now(),
    version: 'test',
    ...over,
  };
}

let server: http.Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

async function get(h: HealthSources, user?: User, headers: Record<string, string> = {}): Promise<{ status: number; body: HealthResponse }> {
  const app = express();
  app.use((_req, res, next) => {
    res.locals.user = user;
    next();
  });
  app.use(healthRouter(h));
  server = http.createServer(app);
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/health`, { headers });
  return { status: res.status, body: (await res.json()) as HealthResponse };
}

describe('GET /api/health on a node of several', () => {
  it('names the sites held (token, lease age) and the peers while every site has a node', async () => {
    const { status, body } = await get(sources([]), officer);
    expect(status).toBe(200);
    expect(body.parts.cluster).toEqual({
      ok: true,
      detail: 'node vigil-a runs 1 site; peers: vigil-b',
      node: 'vigil-a',
      held: [{ site: 'north', token: 3, ageMs: 800 }],
      peers: ['vigil-b'],
      unheld: [],
    });
  });

  it('is degraded (503) naming the sites no node runs; a probe learns how many, not which', async () => {
    const signedIn = await get(sources(['south', 'east']), officer);
    expect(signedIn.status).toBe(503);
    expect(signedIn.body.parts.cluster).toMatchObject({
      ok: false,
      unheld: ['south', 'east'],
      detail: 'no node runs sites south, east: their alarms and readings are not processed',
    });
    const probe = await get(sources(['south', 'east']));
    expect(probe.status).toBe(503);
    expect(probe.body.parts.cluster).toEqual({ ok: false, detail: '2 sites have no node' });
  });

  it('has no cluster part on a single node, and reports a store warning without failing', async () => {
    const { status, body } = await get(sources([], { cluster: () => null, storeWarning: 'collation is en_US.UTF-8' }), officer);
    expect(status).toBe(200);
    expect(body.parts.cluster).toBeUndefined();
    expect(body.parts.store).toEqual({ ok: true, detail: 'collation is en_US.UTF-8' });
  });

  // The banner needs this answer, and the database may be what failed (health.store.ts).
  it('answers within the bound with the store frozen: 503, the store failing, the sites still named to the officer it knew', async () => {
    let frozen = false;
    const known: AuthenticatedSession = {
      user: officer,
      session: {
        id: 1,
        tokenHash: 'x',
        username: 'ann',
        createdAt: 0,
        lastSeenAt: 0,
        expiresAt: Date.now() + 60_000,
        revokedAt: null,
        address: '',
        userAgent: '',
      },
    };
    // A frozen PostgreSQL: the query never returns.
    const answer = <T>(value: T): Promise<T> => (frozen ? new Promise<T>(() => undefined) : Promise.resolve(value));
    const waitMs = 200;
    const store = new BoundedStoreCheck({
      sessions: { authenticate: (token) => answer(token === 't-ann' ? known : null) },
      probe: () => answer(1),
      name: 'PostgreSQL',
      scheduler: systemScheduler,
      waitMs,
    });
    const cookie = { cookie: `${SESSION_COOKIE}=t-ann` };
    const before = await get(sources(['south'], { store }), undefined, cookie);
    expect(before.body.parts.store).toBeUndefined();
    expect(before.body.parts.cluster?.unheld).toEqual(['south']);

    frozen = true;
    const started = Date.now();
    const { status, body } = await get(sources(['south'], { store }), undefined, cookie);
    expect(Date.now() - started).toBeLessThan(waitMs + 1_000);
    expect(status).toBe(503);
    expect(body.parts.store).toEqual({ ok: false, detail: 'PostgreSQL did not answer within 0.2 s' });
    expect(body.parts.cluster?.unheld).toEqual(['south']);
    expect(body.version).toBe('test');
  });
});
