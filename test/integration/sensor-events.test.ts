// The door timeline: a door's events published over real Mosquitto, stored in real InfluxDB, read
// back by GET /api/sensors/:id/events newest first with the badge.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SensorEventsResponse } from '../../contract/index.ts';
import { mosquittoPub } from '../support/clients.ts';
import { stopAllServices, type MosquittoHandle } from '../support/services.ts';
import { eventually, signedIn, startVigilStack, type VigilHandle } from '../support/vigil.ts';

const DB = 'vigil_sensor_events_test';
let broker: MosquittoHandle;
let vigil: VigilHandle;
let cookie: string;

beforeAll(async () => {
  ({ broker, vigil } = await startVigilStack({
    db: DB,
    facility: path.resolve('test/fixtures/facility.yaml'),
    env: { FLUSH_INTERVAL_MS: '100' },
  }));
  cookie = await signedIn(vigil, 'officer1', 'officer');
});

afterAll(async () => {
  await vigil?.stop();
  await stopAllServices();
});

const events = (query: string) =>
  vigil.api<SensorEventsResponse & { error?: { code: string } }>(`/api/sensors/T-DOOR-01/events${query}`, { headers: { cookie } });

describe('GET /api/sensors/:id/events (door timeline)', () => {
  it('lists a door sensor’s events newest first, with the badge of granted and denied', async () => {
    const t0 = Date.now() - 60_000;
    const sent = [
      { ts: t0, type: 'access_granted', credential: 'BADGE-0042' },
      { ts: t0 + 1000, type: 'open' },
      { ts: t0 + 5000, type: 'closed' },
      { ts: t0 + 9000, type: 'access_denied', credential: 'BADGE-0666' },
    ];
    for (const e of sent) await mosquittoPub(broker.port, 'vigil/t1/T-DOOR-01/event', JSON.stringify(e));
    const res = await eventually(
      async () => {
        const r = await events(`?from=${t0 - 1000}`);
        return r.body.events?.length === sent.length ? r : undefined;
      },
      10_000,
      'four door events stored and listed',
    );
    expect(res.status).toBe(200);
    expect(res.body.truncated).toBe(false);
    expect(res.body.events).toEqual([
      { t: t0 + 9000, type: 'access_denied', credential: 'BADGE-0666' },
      { t: t0 + 5000, type: 'closed' },
      { t: t0 + 1000, type: 'open' },
      { t: t0, type: 'access_granted', credential: 'BADGE-0042' },
    ]);
    // The range bounds what is listed.
    expect((await events(`?from=${t0 + 2000}&to=${t0 + 6000}`)).body.events.map((e) => e.type)).toEqual(['closed']);
  });

  it('refuses a range longer than 31 days or reversed, and an unknown sensor', async () => {
    const now = Date.now();
    expect((await events(`?from=${now - 32 * 86_400_000}&to=${now}`)).status).toBe(400);
    expect((await events(`?from=${now}&to=${now - 1000}`)).status).toBe(400);
    expect((await vigil.api('/api/sensors/NO-SUCH/events', { headers: { cookie } })).status).toBe(404);
    expect((await vigil.api('/api/sensors/T-DOOR-01/events')).status).toBe(401);
  });
});
