// People sign in, roles are enforced on every action, and devices can write only their
// own data — through the real server and its Mosquitto with dynamic security (as `npm start` runs
// it). The audit trail is read back through GET /api/audit.
import fs from 'node:fs';
import path from 'node:path';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  ApiKeyCreatedResponse,
  AuditEntry,
  AuditVerifyResponse,
  AuthConfigResponse,
  HealthResponse,
  SessionInfo,
  SessionView,
  UserAdminView,
} from '../../contract/index.ts';
import { startInflux, stopAllServices, type InfluxHandle } from '../support/services.ts';
import { cliOk, mqttClients } from '../support/clients.ts';
import { TEST_API_KEY, TEST_PASSWORD, eventually, startVigil, type VigilHandle } from '../support/vigil.ts';

const FACILITY = path.resolve('test/fixtures/facility.yaml');
const DB = 'vigil_auth_test';
const DB_DEMO = 'vigil_auth_demo_test';

let influx: InfluxHandle;
/** Production mode, on its own Mosquitto with dynamic security (test/support/vigil.ts). */
let vigil: VigilHandle;
const cookies: Record<'officer' | 'manager' | 'admin', string> = { officer: '', manager: '', admin: '' };
const { connect, refusedCode, closeAll } = mqttClients();

type Json = Record<string, unknown>;
async function call<T = Json>(
  method: string,
  pathname: string,
  opts: { cookie?: string; body?: unknown; headers?: Record<string, string> } = {},
  v: VigilHandle = vigil,
) {
  return v.api<T>(pathname, {
    method,
    headers: { ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}), ...(opts.cookie ? { cookie: opts.cookie } : {}), ...opts.headers },
    ...(opts.body !== undefined ? { body: typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body) } : {}),
  });
}

async function audit(since: number, v: VigilHandle = vigil): Promise<AuditEntry[]> {
  const res = await call<AuditEntry[]>('GET', `/api/audit?from=${since}&limit=1000`, { cookie: cookies.admin }, v);
  expect(res.status).toBe(200);
  return res.body.slice().reverse(); // oldest first
}

/** Readings of a sensor with timestamps in [from, from + 100 ms): each test writes its own window. */
async function readings(sensor: string, from: number, db = DB): Promise<{ time: number; value: number }[]> {
  return (await influx.query(`SELECT value FROM reading WHERE sensor = '${sensor}' AND time >= ${from}ms AND time < ${from + 100}ms`, db)) as {
    time: number;
    value: number;
  }[];
}

beforeAll(async () => {
  influx = await startInflux();
  // Many sign-ins from one address in under a minute here; the limit itself is tested in demo mode below.
  vigil = await startVigil({ influxUrl: influx.url, influxDb: DB, env: { FACILITY_FILE: FACILITY, FLUSH_INTERVAL_MS: '50', LOGIN_RATE_PER_MIN: '300' } });
  await eventually(async () => (await vigil.api('/api/health')).status === 200, 30_000, 'Vigil healthy');
  await Promise.all(
    (['officer', 'manager', 'admin'] as const).map(async (role) => {
      await vigil.addUser(`${role}1`, role);
      cookies[role] = await vigil.login(`${role}1`);
    }),
  );
});

afterAll(async () => {
  await closeAll();
  await vigil?.stop();
  await stopAllServices();
});

describe('signing in', () => {
  it('login sets an httpOnly, SameSite=Strict session cookie and answers SessionInfo; me and logout follow it', async () => {
    expect((await call('GET', '/api/auth/me')).status).toBe(401);
    const res = await fetch(`${vigil.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'officer1', password: TEST_PASSWORD }),
    });
    expect(res.status).toBe(200);
    const setCookie = res.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^vigil_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict$/);
    const info = (await res.json()) as SessionInfo;
    expect(info.user).toEqual({ username: 'officer1', displayName: 'officer1', role: 'officer', disabled: false });
    expect(info.expiresAt).toBeGreaterThan(Date.now() + 479 * 60_000); // SESSION_IDLE_MIN default 480
    const cookie = setCookie.split(';')[0]!;
    expect((await call<SessionInfo>('GET', '/api/auth/me', { cookie })).body.user.username).toBe('officer1');
    expect((await call('POST', '/api/auth/logout', { cookie })).status).toBe(204);
    expect((await call('GET', '/api/auth/me', { cookie })).status).toBe(401);
  });

  it('marks the cookie Secure when the request came over TLS through a trusted (loopback) proxy', async () => {
    const res = await fetch(`${vigil.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https' },
      body: JSON.stringify({ username: 'officer1', password: TEST_PASSWORD }),
    });
    expect(res.headers.get('set-cookie')).toMatch(/; Secure;|; Secure$/);
  });

  it('refuses a wrong password and an unknown user alike, and never returns a hash', async () => {
    const wrong = await call('POST', '/api/auth/login', { body: { username: 'officer1', password: 'not-it' } });
    const unknown = await call('POST', '/api/auth/login', { body: { username: 'nobody-here', password: 'not-it' } });
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect(wrong.body).toEqual(unknown.body);
    expect(JSON.stringify((await call('GET', '/api/users', { cookie: cookies.admin })).body)).not.toMatch(/scrypt|passwordHash/);
    // Back to zero failures for officer1, so other tests are not one typo from a lockout.
    expect((await call('POST', '/api/users/officer1/unlock', { cookie: cookies.admin })).status).toBe(200);
  });

  it('changes a password with the current one; a wrong current one is refused', async () => {
    await vigil.addUser('changer', 'officer');
    const cookie = await vigil.login('changer');
    expect((await call('POST', '/api/auth/password', { cookie, body: { current: 'wrong-wrong', next: 'changed-password-1' } })).status).toBe(403);
    expect((await call('POST', '/api/auth/password', { cookie, body: { current: TEST_PASSWORD, next: 'short' } })).status).toBe(400);
    expect((await call('POST', '/api/auth/password', { cookie, body: { current: TEST_PASSWORD, next: 'changed-password-1' } })).status).toBe(204);
    await expect(vigil.login('changer')).rejects.toThrow(/401/);
    await vigil.login('changer', 'changed-password-1');
  });

  it('locks an account after 5 failed logins; an admin unlocks it; every step is in the audit trail', async () => {
    const since = Date.now();
    await vigil.addUser('locky', 'officer');
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await call('POST', '/api/auth/login', { body: { username: 'locky', password: `guess-${i}` } })).status);
    expect(statuses).toEqual([401, 401, 401, 401, 423]);
    const locked = await call<{ error: { code: string; details: { lockedUntil: number } } }>('POST', '/api/auth/login', {
      body: { username: 'locky', password: TEST_PASSWORD },
    });
    expect(locked.status).toBe(423);
    expect(locked.body.error.code).toBe('ACCOUNT_LOCKED');
    expect(locked.body.error.details.lockedUntil).toBeGreaterThan(Date.now() + 14 * 60_000);
    const listed = (await call<UserAdminView[]>('GET', '/api/users', { cookie: cookies.admin })).body.find((u) => u.username === 'locky')!;
    expect(listed.lockedUntil).toBe(locked.body.error.details.lockedUntil);

    expect((await call<UserAdminView>('POST', '/api/users/locky/unlock', { cookie: cookies.admin })).body.lockedUntil).toBeNull();
    await vigil.login('locky');

    const trail = (await audit(since)).filter((e) => e.target === 'user:locky');
    expect(trail.map((e) => `${e.actor} ${e.action}`)).toEqual([
      expect.stringMatching(/^cli:\S+ user\.create$/),
      ...Array.from({ length: 5 }, () => 'anonymous auth.login_failed'),
      'system auth.lockout',
      'anonymous auth.login_failed', // the right password while locked
      'admin1 user.unlock',
      'locky auth.login',
    ]);
    expect(trail[1]!.detail).toMatchObject({ address: expect.stringMatching(/127\.0\.0\.1/), reason: 'wrong_password' });
    // The CLI appended to the same hash chain while the server ran.
    expect((await call<AuditVerifyResponse>('GET', '/api/audit/verify', { cookie: cookies.admin })).body.ok).toBe(true);
  });

  it('refuses Socket.IO connections without a session and accepts a signed-in officer', async () => {
    const attempt = (cookie?: string, transports = ['websocket']) =>
      new Promise<string>((resolve) => {
        const socket = io(vigil.url, { transports, reconnection: false, ...(cookie ? { extraHeaders: { cookie } } : {}) });
        socket.once('snapshot', () => {
          socket.close();
          resolve('snapshot');
        });
        socket.once('connect_error', (err) => {
          socket.close();
          resolve(err.message);
        });
      });
    expect(await attempt()).toBe('unauthorized');
    expect(await attempt('vigil_session=forged-forged-forged')).toBe('unauthorized');
    expect(await attempt(cookies.officer)).toBe('snapshot');
    // Browsers start with HTTP long-polling: refused and accepted the same way, and the server stays up.
    expect(await attempt(undefined, ['polling'])).toBe('unauthorized');
    expect(await attempt(cookies.officer, ['polling'])).toBe('snapshot');
    expect((await vigil.api('/api/health')).status).toBe(200);
  });

  it('answers with a strict Content-Security-Policy, and refuses an oversized login body', async () => {
    const res = await fetch(`${vigil.url}/`);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    expect(csp).toContain("connect-src 'self' ws: wss:");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const big = await call('POST', '/api/auth/login', { body: { username: 'x', password: 'y'.repeat(20_000) } });
    expect(big.status).toBe(413);
  });
});

describe('role × action matrix (allowed / 403, unauthenticated 401)', () => {
  interface Action {
    name: string;
    method: string;
    /** The request an admin makes (a fresh target where the action consumes one). */
    request: () => Promise<{ path: string; body?: unknown }>;
    ok: number;
  }
  let n = 0;
  let keyId = '';
  const targetSession = async (): Promise<number> => {
    await vigil.login('target1');
    return (await call<SessionView[]>('GET', '/api/sessions', { cookie: cookies.admin })).body.find((s) => s.username === 'target1')!.id;
  };
  const actions: Action[] = [
    { name: 'list users', method: 'GET', request: async () => ({ path: '/api/users' }), ok: 200 },
    {
      name: 'create a user',
      method: 'POST',
      request: async () => ({ path: '/api/users', body: { username: `made-${++n}`, role: 'officer', password: 'matrix-password-1' } }),
      ok: 201,
    },
    { name: 'disable a user', method: 'POST', request: async () => ({ path: '/api/users/target1/disable' }), ok: 200 },
    { name: 'enable a user', method: 'POST', request: async () => ({ path: '/api/users/target1/enable' }), ok: 200 },
    { name: 'unlock a user', method: 'POST', request: async () => ({ path: '/api/users/target1/unlock' }), ok: 200 },
    {
      name: 'reset a password',
      method: 'POST',
      request: async () => ({ path: '/api/users/target1/reset-password', body: { password: TEST_PASSWORD } }),
      ok: 200,
    },
    { name: 'list sessions', method: 'GET', request: async () => ({ path: '/api/sessions' }), ok: 200 },
    { name: 'revoke a session', method: 'DELETE', request: async () => ({ path: `/api/sessions/${await targetSession()}` }), ok: 204 },
    { name: 'list API keys', method: 'GET', request: async () => ({ path: '/api/apikeys' }), ok: 200 },
    { name: 'create an API key', method: 'POST', request: async () => ({ path: '/api/apikeys', body: { name: 'matrix', sites: ['t1'] } }), ok: 201 },
    { name: 'revoke an API key', method: 'DELETE', request: async () => ({ path: `/api/apikeys/${keyId}` }), ok: 200 },
    { name: 'list devices', method: 'GET', request: async () => ({ path: '/api/devices' }), ok: 200 },
    { name: 'add device credentials', method: 'POST', request: async () => ({ path: '/api/devices', body: { sensorId: 'T-CO-01' } }), ok: 201 },
    { name: 'revoke device credentials', method: 'DELETE', request: async () => ({ path: '/api/devices/T-CO-01' }), ok: 200 },
  ];

  beforeAll(async () => {
    await vigil.addUser('target1', 'officer');
  });

  for (const action of actions) {
    it(`${action.name}: nobody 401, officer 403, manager 403, admin ${action.ok}`, async () => {
      const got: Record<string, number> = {};
      // One request for every role: the refused ones must change nothing, so the admin's still works.
      const { path: p, body } = await action.request();
      for (const who of ['nobody', 'officer', 'manager', 'admin'] as const) {
        const res = await call<Json>(action.method, p, { cookie: who === 'nobody' ? undefined : cookies[who], body });
        got[who] = res.status;
        if (who === 'admin' && action.name === 'create an API key') keyId = (res.body as unknown as ApiKeyCreatedResponse).apiKey.id;
      }
      expect(got).toEqual({ nobody: 401, officer: 403, manager: 403, admin: action.ok });
    });
  }

  it('admin actions are audited with the admin as actor', async () => {
    const entries = await audit(0);
    const byAdmin = new Set(entries.filter((e) => e.actor === 'admin1').map((e) => e.action));
    for (const a of [
      'user.create',
      'user.disable',
      'user.enable',
      'user.unlock',
      'user.reset_password',
      'session.revoke',
      'apikey.create',
      'apikey.revoke',
      'device.add',
      'device.revoke',
    ])
      expect(byAdmin).toContain(a);
  });
});

describe('reading the facility and live state needs a session with alarm.view (unauthenticated REST refused)', () => {
  const reads = ['/api/facility', '/api/sensors', '/api/sensors/T-GAS-01', '/api/sensors/T-GAS-01/readings', '/api/ingest/rejections', '/plans/test-1f.svg'];
  for (const p of reads) {
    it(`GET ${p}: nobody 401, officer 200, manager 200, admin 200`, async () => {
      const got: Record<string, number> = {};
      for (const who of ['nobody', 'officer', 'manager', 'admin'] as const)
        got[who] = (await call('GET', p, { cookie: who === 'nobody' ? undefined : cookies[who] })).status;
      expect(got).toEqual({ nobody: 401, officer: 200, manager: 200, admin: 200 });
    });
  }

  it('refuses a forged or logged-out cookie like none, and answers 401 before 404, so ids cannot be probed', async () => {
    const ended = await vigil.login('officer1');
    expect((await call('POST', '/api/auth/logout', { cookie: ended })).status).toBe(204);
    for (const cookie of ['vigil_session=forged-forged-forged', ended]) expect((await call('GET', '/api/sensors', { cookie })).status).toBe(401);
    expect((await call('GET', '/api/sensors/NO-SUCH-SENSOR')).status).toBe(401);
    expect((await call('GET', '/plans/no-such-plan.svg')).status).toBe(401);
    expect((await call('GET', '/api/sensors/NO-SUCH-SENSOR', { cookie: cookies.officer })).status).toBe(404);
  });

  it("keeps /api/health and /metrics open for probes; health tells a stranger only each part's ok and detail", async () => {
    const open = await call<Json>('GET', '/api/health');
    expect(open.status).toBe(200);
    expect(open.body).toEqual({
      ok: true,
      parts: {
        broker: { ok: true, detail: 'connected' },
        influx: { ok: true, detail: 'reachable, writes succeeding' },
        outbox: { ok: true, detail: 'empty' },
        drops: { ok: true, detail: 'the broker dropped no messages in the last 10 minutes' },
      },
    });
    const signedIn = await call<HealthResponse>('GET', '/api/health', { cookie: cookies.officer });
    expect(signedIn.body).toMatchObject({
      ok: true,
      parts: { broker: { detail: `connected to ${new URL(vigil.mqttUrl).host}` }, outbox: { depth: 0 } },
      version: expect.any(String),
    });
    expect(signedIn.body.uptimeS).toBeGreaterThanOrEqual(0);
    expect((await fetch(`${vigil.url}/metrics`)).status).toBe(200);
  });
});

describe('HTTP ingest API keys', () => {
  const ingest = (key: string, observations: unknown[]) =>
    vigil.api<{ accepted: number; rejected: number; rejections: { index: number; reason: string }[] }>('/api/ingest', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ observations }),
    });

  it('a key writes only within its scope (forbidden per item), and is refused once revoked', async () => {
    const key = cliOk(await vigil.cli(['apikey', 'create', 'kitchen gateway', '--sensors', 'T-GAS-01'])).trim();
    const ts = Date.now() - 1000;
    const res = await ingest(key, [
      { sensorId: 'T-GAS-01', channel: 'reading', ts, value: 3.5, unit: '%LEL' },
      { sensorId: 'T-GAS-02', channel: 'reading', ts, value: 99, unit: '%LEL' },
    ]);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ accepted: 1, rejected: 1, rejections: [{ index: 1, reason: 'forbidden' }] });
    expect(await readings('T-GAS-02', ts)).toEqual([]);

    const id = key.split('.')[0]!;
    expect(cliOk(await vigil.cli(['apikey', 'list']))).toContain(id);
    cliOk(await vigil.cli(['apikey', 'revoke', id]));
    expect((await ingest(key, [{ sensorId: 'T-GAS-01', channel: 'reading', value: 1, unit: '%LEL' }])).status).toBe(403);
    // INGEST_API_KEY still works as the legacy all-sites key.
    expect((await ingest(TEST_API_KEY, [{ sensorId: 'T-GAS-02', channel: 'reading', value: 1, unit: '%LEL' }])).status).toBe(202);
  });
});

describe('demo mode (npm start)', () => {
  let demo: VigilHandle;

  beforeAll(async () => {
    demo = await startVigil({
      influxUrl: influx.url,
      influxDb: DB_DEMO,
      env: { FACILITY_FILE: FACILITY, VIGIL_DEMO: '1', INGEST_API_KEY: '', LOGIN_RATE_PER_MIN: '4', INGEST_RATE_PER_S: '1', FLUSH_INTERVAL_MS: '50' },
    });
  });

  afterAll(async () => {
    await demo?.stop();
  });

  it('creates the documented demo accounts and tells the login screen about them', async () => {
    const config = await demo.api<AuthConfigResponse>('/api/auth/config');
    expect(config.body.demo).toBe(true);
    expect(config.body.demoAccounts?.map((a) => `${a.username}/${a.password}`)).toEqual([
      'officer/demo-officer-password',
      'manager/demo-manager-password',
      'admin/demo-admin-password',
    ]);
    await demo.login('manager', 'demo-manager-password');
    expect((await vigil.api<AuthConfigResponse>('/api/auth/config')).body).toEqual({ demo: false });
    expect((await call('POST', '/api/auth/login', { body: { username: 'officer', password: 'demo-officer-password' } })).status).toBe(401); // production: none
  });

  it('rate-limits login attempts per client address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await call('POST', '/api/auth/login', { body: { username: `spray-${i}`, password: 'x' } }, demo)).status);
    expect(statuses).toEqual([401, 401, 401, 429]); // one of the 4 per minute went to the manager's login above
  });

  it('rate-limits ingest per API key', async () => {
    const post = () =>
      demo.api('/api/ingest', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer vigil-demo-ingest-key' },
        body: JSON.stringify({ observations: [{ sensorId: 'T-GAS-01', channel: 'reading', value: 1, unit: '%LEL' }] }),
      });
    const statuses = [(await post()).status, (await post()).status, (await post()).status];
    expect(statuses).toEqual([202, 202, 429]);
  });

  it("refuses anonymous clients; the simulator's devices (demo only) publish only to their own sensor's topics", async () => {
    const url = demo.mqttUrl;
    const t0 = Date.now() - 5000;
    expect(await refusedCode(url)).toBe(5);
    // One credential per simulated device, bound to its client id (server/src/services/device-credentials.broker.ts).
    const password = fs.readFileSync(path.join(demo.dataDir, 'broker/simulator.password'), 'utf8').trim();
    const sim = await connect(url, { username: 'sim@T-GAS-02', clientId: 'sim@T-GAS-02', password, protocolVersion: 5 });
    await expect(sim.publishAsync('vigil/t1/T-GAS-01/reading', JSON.stringify({ ts: t0, value: 1, unit: '%LEL' }), { qos: 1 })).rejects.toThrow(
      /Not authorized/i,
    );
    await sim.publishAsync('vigil/t1/T-GAS-02/reading', JSON.stringify({ ts: t0 + 1, value: 2, unit: '%LEL' }), { qos: 1 });
    await eventually(async () => (await readings('T-GAS-02', t0, DB_DEMO)).length === 1, 10_000, 'simulated demo reading stored');
    expect(await readings('T-GAS-01', t0, DB_DEMO)).toEqual([]);
  });
});
