import type { AddressInfo } from 'node:net';
import http from 'node:http';
import express, { type RequestHandler } from 'express';
import pino from 'pino';
import { Registry as PromRegistry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlarmActionError } from '../domain/alarm/index.ts';
import type { AlarmService } from '../services/alarm.service.ts';
import type { AuditTrail } from '../services/audit.port.ts';
import { DrillError, type DrillService } from '../services/drill.service.ts';
import { alarmsRouter, type AccessControl } from './alarms.router.ts';
import { createApp } from './app.ts';
import { drillsRouter } from './drills.router.ts';

// Refusals of the alarm engine and the drill service reach the client with their status and code,
// not as a 500: the console shows "condition still active", not "internal error".
const access: AccessControl = { requirePermission: (): RequestHandler => (_req, _res, next) => next(), actorOf: () => ({ username: 'u', role: 'admin' }) };
const refuse = (err: Error) => () => {
  throw err;
};
const alarms = {
  act: refuse(new AlarmActionError('CONDITION_ACTIVE', 'the gas is still there')),
  actOnIncident: refuse(new AlarmActionError('NOT_FOUND', 'no incident')),
  setOutOfService: refuse(new AlarmActionError('NOT_FOUND', 'no sensor')),
  returnToService: refuse(new Error('disk on fire')),
} as unknown as AlarmService;
const drills = {
  start: refuse(new DrillError('UNKNOWN_SCENARIO', 'no scenario x')),
  end: refuse(new DrillError('CONFLICT', 'drill ended elsewhere')),
  report: () => Promise.reject(new DrillError('NOT_FOUND', 'no drill d1')),
} as unknown as DrillService;

let server: http.Server;
let base: string;
beforeAll(async () => {
  const app = createApp({
    routers: [drillsRouter(drills, access, express.json(), () => []), alarmsRouter(alarms, {} as AuditTrail, access, express.json())],
    metrics: new PromRegistry(),
    clientDist: '/nonexistent',
    logger: pino({ level: 'silent' }),
  });
  server = http.createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

async function answer(method: string, path: string, body?: unknown): Promise<[number, string | undefined]> {
  const res = await fetch(base + path, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await res.json()) as { error?: { code: string } };
  return [res.status, json.error?.code];
}

describe('domain refusals answer with their HTTP status', () => {
  it.each([
    ['POST', '/api/alarms/a1/reset', {}, 409, 'CONDITION_ACTIVE'],
    ['POST', '/api/incidents/i1/ack', {}, 404, 'NOT_FOUND'],
    ['POST', '/api/sensors/S1/out-of-service', { reason: 'x' }, 404, 'NOT_FOUND'],
    ['DELETE', '/api/sensors/S1/out-of-service', undefined, 500, 'INTERNAL'],
    ['POST', '/api/drills', { scenario: 'x', siteId: 't1', run: true }, 400, 'UNKNOWN_SCENARIO'],
    ['POST', '/api/drills/d1/end', undefined, 409, 'CONFLICT'],
    ['GET', '/api/drills/d1/report', undefined, 404, 'NOT_FOUND'],
  ] as const)('%s %s → %i %s', async (method, path, body, status, code) => {
    expect(await answer(method, path, body)).toEqual([status, code]);
  });
});
