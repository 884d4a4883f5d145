import type { AddressInfo } from 'node:net';
import http from 'node:http';
import express, { Router, type RequestHandler } from 'express';
import pino from 'pino';
import { Registry as PromRegistry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALARM_ERROR_CODES, AUTH_ERROR_CODES, HANDOVER_ERROR_CODES } from '../../../contract/index.ts';
import { AlarmActionError } from '../domain/alarm/index.ts';
import { HandoverError } from '../domain/handover/index.ts';
import { HTTP_ERROR_CODES, HttpError, badRequest } from '../errors.ts';
import type { AlarmService } from '../services/alarm.service.ts';
import type { AuditTrail } from '../services/audit.port.ts';
import { AuthError } from '../services/auth.errors.ts';
import type { AuthService } from '../services/auth.service.ts';
import { DRILL_ERROR_CODES, DrillError, type DrillService } from '../services/drill.service.ts';
import type { UsersService } from '../services/users.service.ts';
import { SITE_ERROR_CODES, SiteUnavailableError } from '../services/site-alarms.ports.ts';
import { StoreUnavailableError } from '../services/store.errors.ts';
import type { AccessControl } from './access.ts';
import { alarmsRouter } from './alarms.router.ts';
import { createApp } from './app.ts';
import { authRouter } from './auth.router.ts';
import { drillsRouter } from './drills.router.ts';
import type { ErrorCode } from './errors.middleware.ts';
import { usersRouter } from './users.router.ts';

/**
 * Every refusal answers `{ error: { code, message, details? } }` with the status clients are
 * promised (contract/alarm-actions.ts ALARM_ERROR_CODES, contract/auth.ts AUTH_ERROR_CODES,
 * docs/contracts.md "REST API"): the console shows "condition still active", not "internal
 * error". Written out here rather than imported from errors.middleware.ts, so moving a status
 * there fails this test; typed by ErrorCode, so a new code needs its status stated here too.
 */
const EXPECTED: Record<ErrorCode, number> = {
  BAD_REQUEST: 400,
  NOT_FOUND: 404,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
  UNSUPPORTED_MEDIA_TYPE: 415,
  INVALID_TRANSITION: 409,
  CONDITION_ACTIVE: 409,
  SHELVE_TOO_LONG: 400,
  REASON_REQUIRED: 400,
  INVALID_CREDENTIALS: 401,
  ACCOUNT_DISABLED: 403,
  WRONG_PASSWORD: 403,
  USER_EXISTS: 409,
  LAST_ADMIN: 409,
  ALREADY_EXISTS: 409,
  ACCOUNT_LOCKED: 423,
  UNKNOWN_SCENARIO: 400,
  SPEED_NOT_ALLOWED: 400,
  SCENARIO_UNFIT: 422,
  CONFLICT: 409,
  SHELVED_UNDECIDED: 409,
  SAME_OFFICER: 403,
  NO_HOLDER: 503,
  NOT_HELD: 409,
  STORE_UNAVAILABLE: 503,
  PAYLOAD_TOO_LARGE: 413,
  BAD_JSON: 400,
  INTERNAL: 500,
};

/** Each family of refusals, with every code it has at run time (not only those the type lists). */
const FAMILIES: Record<string, { codes: readonly string[]; make: (code: string) => Error }> = {
  http: { codes: HTTP_ERROR_CODES, make: (c) => new HttpError(c as HttpError['code'], `refused: ${c}`) },
  alarm: { codes: ALARM_ERROR_CODES, make: (c) => new AlarmActionError(c as AlarmActionError['code'], `refused: ${c}`) },
  auth: { codes: AUTH_ERROR_CODES, make: (c) => new AuthError(c as AuthError['code'], `refused: ${c}`) },
  drill: { codes: DRILL_ERROR_CODES, make: (c) => new DrillError(c as DrillError['code'], `refused: ${c}`) },
  handover: { codes: HANDOVER_ERROR_CODES, make: (c) => new HandoverError(c as HandoverError['code'], `refused: ${c}`) },
  // Its message is made from the site; replaced so every family is checked alike.
  site: {
    codes: SITE_ERROR_CODES,
    make: (c) => Object.assign(new SiteUnavailableError(c as SiteUnavailableError['code'], 'north'), { message: `refused: ${c}` }),
  },
  store: { codes: ['STORE_UNAVAILABLE'], make: (c) => Object.assign(new StoreUnavailableError('Query read timeout'), { message: `refused: ${c}` }) },
};
const EVERY_REFUSAL = Object.entries(FAMILIES).flatMap(([family, f]) => f.codes.map((code) => [family, code] as const));

/** Lets everyone in, except a request that says `x-deny`: the AccessControl port stands in for sessions. */
const access: AccessControl = {
  requirePermission:
    (p): RequestHandler =>
    (req, _res, next) =>
      next(req.get('x-deny') ? new HttpError('FORBIDDEN', `may not ${p}`) : undefined),
  actorOf: () => ({ username: 'u', role: 'admin' }),
};
const refuse = (err: unknown) => () => {
  throw err;
};
// Rejections, as the service's actions answer once their commit has landed.
const alarms = {
  act: () => Promise.reject(new AlarmActionError('CONDITION_ACTIVE', 'the gas is still there')),
  actOnIncident: () => Promise.reject(new AlarmActionError('NOT_FOUND', 'no incident')),
  setOutOfService: () => Promise.reject(new AlarmActionError('NOT_FOUND', 'no sensor')),
  returnToService: () => Promise.reject(new Error('disk on fire')),
} as unknown as AlarmService;
const drills = {
  start: refuse(new DrillError('UNKNOWN_SCENARIO', 'no scenario x')),
  end: refuse(new DrillError('CONFLICT', 'drill ended elsewhere')),
  report: () => Promise.reject(new DrillError('NOT_FOUND', 'no drill d1')),
} as unknown as DrillService;
const users = {
  disable: refuse(new AuthError('LAST_ADMIN', 'the last enabled admin cannot be disabled')),
  enable: refuse(new AuthError('NOT_FOUND', 'no user ghost')),
  unlock: () => ({ username: 'bob' }),
  create: () => Promise.reject(new AuthError('USER_EXISTS', 'user bob already exists')),
} as unknown as UsersService;
const auth = {
  login: (username: string) =>
    Promise.reject(
      username === 'locked'
        ? new AuthError('ACCOUNT_LOCKED', 'locked for 15 more minute(s)', { lockedUntil: 1_700_000_000_000 })
        : new AuthError('RATE_LIMITED', 'too many login attempts', { retryAfterS: 7 }),
    ),
} as unknown as AuthService;

/** Routes that fail on purpose, one way each. */
function probes(): Router {
  const r = Router();
  r.get('/api/refuse/:family/:code', (req) => {
    throw FAMILIES[String(req.params.family)]!.make(String(req.params.code));
  });
  r.get('/api/reject/:family/:code', async (req) => {
    await Promise.resolve();
    throw FAMILIES[String(req.params.family)]!.make(String(req.params.code));
  });
  r.get('/api/crash', () => {
    throw new Error('SQLITE_CORRUPT: database disk image is malformed (/var/lib/vigil/vigil.db)');
  });
  r.get('/api/crash/system', async () => {
    // A library error with a `code` of its own is not a refusal, even when the code looks like one of ours.
    throw Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:8086'), { code: 'NOT_FOUND' });
  });
  r.get('/api/crash/cast', () => {
    throw new AuthError('NO_SUCH_CODE' as AuthError['code'], 'a code outside the table');
  });
  r.get('/api/crash/nothing', () => Promise.reject(undefined));
  r.get('/api/details', () => {
    throw badRequest('invalid body', ['name: Required']);
  });
  r.post('/api/body', express.json({ limit: '1kb' }), (req, res) => res.json({ got: req.body }));
  r.get('/api/half', (_req, res) => {
    res.status(200).write('{"partial":');
    throw new Error('failed after the answer began');
  });
  return r;
}

const logged: { level: number; msg: string; err?: { message: string } }[] = [];
let server: http.Server;
let base: string;
beforeAll(async () => {
  const app = createApp({
    routers: [
      probes(),
      drillsRouter(drills, access, express.json()),
      alarmsRouter(
        alarms,
        {
          check: async () => {},
          open: () => {
            throw new Error('unused');
          },
        },
        {} as AuditTrail,
        access,
        express.json(),
        pino({ level: 'silent' }),
      ),
      usersRouter(users, access),
      authRouter(auth, { demo: false }),
    ],
    metrics: new PromRegistry(),
    clientDist: '/nonexistent',
    logger: pino({ level: 'error' }, { write: (line: string) => void logged.push(JSON.parse(line)) }),
  });
  server = http.createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

interface Answered {
  status: number;
  body: { error?: { code: string; message: string; details?: unknown } };
  text: string;
  headers: Headers;
}

async function call(method: string, path: string, init: { body?: unknown; raw?: string; headers?: Record<string, string> } = {}): Promise<Answered> {
  const res = await fetch(base + path, {
    method,
    headers: { 'content-type': 'application/json', ...init.headers },
    ...(init.raw !== undefined ? { body: init.raw } : init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as Answered['body'], text, headers: res.headers };
}

describe('one error middleware: each refusal code answers its status', () => {
  it.each(EVERY_REFUSAL)('%s %s, thrown', async (family, code) => {
    const a = await call('GET', `/api/refuse/${family}/${code}`);
    expect([a.status, a.body]).toEqual([EXPECTED[code as ErrorCode], { error: { code, message: `refused: ${code}` } }]);
  });

  it.each(EVERY_REFUSAL)('%s %s, from a rejected promise (Express 5 forwards it)', async (family, code) => {
    const a = await call('GET', `/api/reject/${family}/${code}`);
    expect([a.status, a.body.error?.code]).toEqual([EXPECTED[code as ErrorCode], code]);
  });

  it('an unknown route under /api is 404 NOT_FOUND', async () => {
    const a = await call('GET', '/api/nowhere');
    expect([a.status, a.body.error?.code]).toEqual([404, 'NOT_FOUND']);
  });

  it('passes details: field errors of a bad request, lockedUntil of a locked account (body) and retryAfterS (Retry-After header only)', async () => {
    expect((await call('GET', '/api/details')).body).toEqual({ error: { code: 'BAD_REQUEST', message: 'invalid body', details: ['name: Required'] } });
    const locked = await call('POST', '/api/auth/login', { body: { username: 'locked', password: 'x' } });
    expect([locked.status, locked.body.error?.details]).toEqual([423, { lockedUntil: 1_700_000_000_000 }]);
    const limited = await call('POST', '/api/auth/login', { body: { username: 'alice', password: 'x' } });
    expect([limited.status, limited.headers.get('retry-after'), limited.body]).toEqual([
      429,
      '7',
      { error: { code: 'RATE_LIMITED', message: 'too many login attempts' } },
    ]);
  });
});

describe('anything else is a 500 that tells the client nothing and the log everything', () => {
  it.each([
    ['an Error', '/api/crash', 'SQLITE_CORRUPT'],
    ['a library error whose code looks like ours', '/api/crash/system', 'ECONNREFUSED'],
    ['a refusal class with a code outside the table', '/api/crash/cast', 'a code outside the table'],
  ])('%s', async (_what, path, secret) => {
    logged.length = 0;
    const a = await call('GET', path);
    expect([a.status, a.body]).toEqual([500, { error: { code: 'INTERNAL', message: 'internal error' } }]);
    expect(a.text).not.toContain(secret);
    expect(logged).toEqual([
      expect.objectContaining({ level: 50, msg: 'request failed', err: expect.objectContaining({ message: expect.stringContaining(secret) }) }),
    ]);
  });

  it('a promise rejected with nothing', async () => {
    logged.length = 0;
    const a = await call('GET', '/api/crash/nothing');
    expect([a.status, a.body.error?.code, logged.length]).toEqual([500, 'INTERNAL', 1]);
  });

  it('a failure after the answer began is logged and the connection cut, not answered twice', async () => {
    logged.length = 0;
    const res = await fetch(`${base}/api/half`);
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
    expect(logged).toEqual([expect.objectContaining({ err: expect.objectContaining({ message: 'failed after the answer began' }) })]);
  });
});

describe('the body parser keeps its statuses', () => {
  it('413 PAYLOAD_TOO_LARGE over the route limit', async () => {
    const a = await call('POST', '/api/body', { body: { pad: 'x'.repeat(2048) } });
    expect([a.status, a.body.error?.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
  });
  it('400 BAD_JSON for a body that is not JSON', async () => {
    const a = await call('POST', '/api/body', { raw: '{"a":' });
    expect([a.status, a.body.error?.code]).toEqual([400, 'BAD_JSON']);
  });
  it('its other client errors keep their status (415 for an unknown charset) as BAD_REQUEST', async () => {
    const a = await call('POST', '/api/body', { raw: '{}', headers: { 'content-type': 'application/json; charset=klingon' } });
    expect([a.status, a.body.error?.code]).toEqual([415, 'BAD_REQUEST']);
  });
  it('and a good body still passes', async () => {
    expect((await call('POST', '/api/body', { body: { a: 1 } })).body).toEqual({ got: { a: 1 } });
  });
});

describe('routers only throw: their refusals answer through the one middleware', () => {
  it.each([
    ['POST', '/api/alarms/a1/reset', {}, 409, 'CONDITION_ACTIVE'],
    ['POST', '/api/incidents/i1/ack', {}, 404, 'NOT_FOUND'],
    ['POST', '/api/sensors/S1/out-of-service', { reason: 'x', until: Date.now() + 3_600_000 }, 404, 'NOT_FOUND'],
    ['DELETE', '/api/sensors/S1/out-of-service', undefined, 500, 'INTERNAL'],
    ['POST', '/api/drills', { scenario: 'x', siteId: 't1', run: true }, 400, 'UNKNOWN_SCENARIO'],
    ['POST', '/api/drills/d1/end', undefined, 409, 'CONFLICT'],
    ['GET', '/api/drills/d1/report', undefined, 404, 'NOT_FOUND'],
    ['POST', '/api/users/root/disable', undefined, 409, 'LAST_ADMIN'],
    ['POST', '/api/users/ghost/enable', undefined, 404, 'NOT_FOUND'],
    ['POST', '/api/users', { username: 'bob', role: 'officer', password: 'correct horse battery' }, 409, 'USER_EXISTS'],
    ['DELETE', '/api/sessions/0', undefined, 400, 'BAD_REQUEST'],
  ] as const)('%s %s %j → %i %s', async (method, path, body, status, code) => {
    const a = await call(method, path, { body });
    expect([a.status, a.body.error?.code]).toEqual([status, code]);
  });

  it('the injected AccessControl decides: a refused request never reaches the service', async () => {
    const a = await call('POST', '/api/users/bob/unlock', { headers: { 'x-deny': '1' } });
    expect([a.status, a.body]).toEqual([403, { error: { code: 'FORBIDDEN', message: 'may not admin.users' } }]);
    expect((await call('POST', '/api/users/bob/unlock')).body).toEqual({ username: 'bob' });
  });
});
