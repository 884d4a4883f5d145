// Hostile and careless inputs to the routes added for corrective actions, safety reports and
// KPIs, against the real stack (Mosquitto, InfluxDB, Vigil): a bad item is refused with 400 and
// its reason, never a 500 from deep inside, and what is stored stays fit to show and to serve.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionDetailResponse } from '../../contract/index.ts';
import { stopAllServices } from '../support/services.ts';
import { signedIn, startVigilStack, type VigilHandle } from '../support/vigil.ts';

let vigil: VigilHandle;
let officer: string;
let manager: string;

beforeAll(async () => {
  const stack = await startVigilStack({ db: 'vigil_hostile_inputs_test', facility: path.resolve('test/fixtures/facility.yaml') });
  vigil = stack.vigil;
  officer = await signedIn(vigil, 'officer1', 'officer');
  manager = await signedIn(vigil, 'manager1', 'manager');
});

afterAll(async () => {
  await vigil?.stop();
  await stopAllServices();
});

type Answer = { error?: { code: string; message: string; details?: string[] } };
const call = <T>(method: string, url: string, cookie: string, body?: unknown) =>
  vigil.api<T & Answer>(url, {
    method,
    headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

let siteId: string;

describe('times a request names', () => {
  it('a corrective action due in the year 287,000 is refused (it would show as an invalid date everywhere)', async () => {
    siteId = (await call<{ sites: { id: string }[] }>('GET', '/api/facility', officer)).body.sites[0]!.id;
    const r = await call('POST', '/api/actions', manager, { siteId, finding: 'f', action: 'a', owner: 'officer1', dueAt: 9e15 });
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body.error)).toMatch(/dueAt/);
    const moved = await call('POST', '/api/actions', manager, { siteId, finding: 'f', action: 'a', owner: 'officer1', dueAt: Date.now() + 86_400_000 });
    expect(moved.status).toBe(201);
  });

  it.each([
    ['a safety report at a time past any date', () => `/api/reports/safety?site=${siteId}&at=9000000000000000`],
    ['a safety report at the last date JavaScript knows', () => `/api/reports/safety?site=${siteId}&at=8639999999999999`],
    ['KPIs of a year before 1970 given as ISO 8601', () => '/api/reports/kpis?from=0000-01-01T00:00:00Z&to=0000-06-01T00:00:00Z'],
    ['KPIs near the last date JavaScript knows', () => '/api/reports/kpis?from=8639999000000000&to=8640000000000000'],
    ['the alarm report from a year before 1970', () => '/api/reports/alarms?from=0000-01-01T00:00:00Z'],
  ])('%s is 400 with the reason', async (_what, url) => {
    const r = await call('GET', url(), manager);
    expect(r.status).toBe(400);
    expect(r.body.error?.details?.join(' ')).toMatch(/1970|2100/);
  });
});
