// The drill client: registers with the server's drill API (contract/drill.ts), and tolerates a
// server without it (404), one that refuses (401/403) or none at all — with a warning, never a failure.
import { describe, expect, it } from 'vitest';
import { drillStartBodySchema } from '../../../contract/index.ts';
import type { Scenario } from '../scenario/scenario.schema.ts';
import { endDrill, registerDrill, toDrillExpectations, type DrillServer } from './drill.client.ts';
import { makeDrillId, tagDrill } from './drill.id.ts';
import { emission, willPayload } from '../generate/emission.ts';

interface Call {
  url: string;
  body: unknown;
  cookie: string | null;
}

function fakeServer(answer: (url: string) => Response | Error): { server: DrillServer; calls: Call[]; warnings: string[] } {
  const calls: Call[] = [];
  const warnings: string[] = [];
  const server: DrillServer = {
    url: 'http://vigil.test',
    warn: (m) => warnings.push(m),
    fetch: (async (input: string, init: RequestInit) => {
      const headers = init.headers as Record<string, string>;
      calls.push({ url: input, body: JSON.parse(String(init.body)), cookie: headers.cookie ?? null });
      const a = answer(input);
      if (a instanceof Error) throw a;
      return a;
    }) as typeof fetch,
  };
  return { server, calls, warnings };
}

const registration = {
  id: 'drill-20261127-101500-canteen-gas-leak',
  scenario: 'canteen-gas-leak',
  siteId: 'hq',
  speed: 10,
  expected: [{ sensorId: 'CAN-GAS-01', condition: 'gas' as const, priority: 'critical' as const, withinS: 100 }],
};

describe('registerDrill / endDrill', () => {
  it('posts a body the server accepts, then ends the drill', async () => {
    const { server, calls, warnings } = fakeServer(() => new Response('{}', { status: 201 }));
    const r = await registerDrill(registration, server);
    expect(r.registered).toBe(true);
    expect(calls[0]!.url).toBe('http://vigil.test/api/drills');
    expect(drillStartBodySchema.parse(calls[0]!.body)).toMatchObject({
      id: registration.id,
      scenario: 'canteen-gas-leak',
      siteId: 'hq',
      speed: 10,
      run: false,
    });
    expect(await endDrill(registration.id, server, r.cookie)).toBe(true);
    expect(calls[1]!.url).toBe(`http://vigil.test/api/drills/${registration.id}/end`);
    expect(warnings).toEqual([]);
  });

  it("signs in first when given a manager's credentials, and sends the session cookie", async () => {
    const { server, calls } = fakeServer((url) =>
      url.endsWith('/login')
        ? new Response('{}', { status: 200, headers: { 'set-cookie': 'vigil_session=abc123; HttpOnly; Path=/' } })
        : new Response('{}', { status: 201 }),
    );
    const r = await registerDrill(registration, { ...server, user: 'mgr.chen', password: 'correct horse battery' });
    expect(calls[0]!.body).toEqual({ username: 'mgr.chen', password: 'correct horse battery' });
    expect(calls[1]!.cookie).toBe('vigil_session=abc123');
    expect(r).toEqual({ registered: true, cookie: 'vigil_session=abc123' });
  });

  it.each([
    [404, /has no drill API \(404\).*still tagged/],
    [401, /refused to register the drill \(401\).*--api-user/],
    [500, /answered 500/],
  ])('tolerates %i with a warning', async (status, warning) => {
    const { server, warnings } = fakeServer(() => new Response(JSON.stringify({ error: { code: 'X', message: 'nope' } }), { status }));
    expect((await registerDrill(registration, server)).registered).toBe(false);
    expect(warnings[0]).toMatch(warning);
  });

  it('tolerates a server that is not there', async () => {
    const { server, warnings } = fakeServer(() => new TypeError('fetch failed'));
    expect((await registerDrill(registration, server)).registered).toBe(false);
    expect(await endDrill(registration.id, server, null)).toBe(false);
    expect(warnings[0]).toMatch(/cannot reach http:\/\/vigil.test to register the drill \(fetch failed\)/);
  });
});

describe('drill ids and tagging', () => {
  it('makes drill-<yyyymmdd-hhmmss>-<name> in UTC, valid for the server', () => {
    const id = makeDrillId('canteen-gas-leak', Date.parse('2026-11-27T10:15:00+08:00'));
    expect(id).toBe('drill-20261127-021500-canteen-gas-leak');
    expect(drillStartBodySchema.shape.id.safeParse(id).success).toBe(true);
    expect(makeDrillId('x'.repeat(80), 0).length).toBeLessThanOrEqual(64);
  });

  it('tags every emission, the last will too', () => {
    const d = { id: 'GH-1F-SMK-101', siteId: 'lodging' };
    const tagged = [...tagDrill([emission(1, d, 'status', { online: true }), emission(2, d, 'status', willPayload(), 'will')], 'drill-t1')];
    expect(tagged.map((e) => e.payload)).toEqual([
      { online: true, drill: 'drill-t1' },
      { online: false, drill: 'drill-t1' },
    ]);
    expect(tagged[1]!.via).toBe('will');
  });

  it('expands counted expectations into one per expected alarm, as the server scores them', () => {
    const scenario = {
      expect: [
        { zone: 'gh-rooms-1f', condition: 'offline', priority: 'medium', within: 30, count: 3 },
        { sensor: 'X-1', condition: 'smoke', priority: 'critical', within: 60, count: 1 },
      ],
    } as unknown as Scenario;
    expect(toDrillExpectations(scenario)).toEqual([
      { zoneId: 'gh-rooms-1f', condition: 'offline', priority: 'medium', withinS: 30 },
      { zoneId: 'gh-rooms-1f', condition: 'offline', priority: 'medium', withinS: 30 },
      { zoneId: 'gh-rooms-1f', condition: 'offline', priority: 'medium', withinS: 30 },
      { sensorId: 'X-1', condition: 'smoke', priority: 'critical', withinS: 60 },
    ]);
  });
});
