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
  [officer, manager] = await Promise.all([signedIn(vigil, 'officer1', 'officer'), signedIn(vigil, 'manager1', 'manager')]);
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

describe('corrective-action photos', () => {
  const pngHeader = (w: number, h: number) =>
    Buffer.from('89504e470d0a1a0a0000000d49484452' + w.toString(16).padStart(8, '0') + h.toString(16).padStart(8, '0') + '0806000000', 'hex');
  const upload = (id: number, body: Buffer, name: string) =>
    vigil.api<ActionDetailResponse & Answer>(`/api/actions/${id}/attachments?name=${encodeURIComponent(name)}`, {
      method: 'POST',
      headers: { cookie: officer, 'content-type': 'image/png' },
      body: new Uint8Array(body),
    });

  it('a PNG that is also an HTML page keeps an image name, so saving and opening it shows no page', async () => {
    const opened = await call<ActionDetailResponse>('POST', '/api/actions', manager, {
      siteId,
      finding: 'f',
      action: 'a',
      owner: 'officer1',
      dueAt: Date.now() + 86_400_000,
    });
    const polyglot = Buffer.concat([pngHeader(1, 1), Buffer.from('<html><script>alert(document.cookie)</script></html>')]);
    const added = await upload(opened.body.action.id, polyglot, 'invoice.html');
    expect(added.status).toBe(201);
    const served = await fetch(`${vigil.url}/api/actions/${opened.body.action.id}/attachments/${added.body.attachments[0]!.id}`, {
      headers: { cookie: officer },
    });
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(served.headers.get('content-disposition')).toBe("inline; filename*=UTF-8''invoice.html.png");
  });

  it('a small file declaring 60000 x 60000 pixels (a decompression bomb for every viewer) is refused with its size', async () => {
    const opened = await call<ActionDetailResponse>('POST', '/api/actions', manager, {
      siteId,
      finding: 'f',
      action: 'a',
      owner: 'officer1',
      dueAt: Date.now() + 86_400_000,
    });
    const r = await upload(opened.body.action.id, Buffer.concat([pngHeader(60_000, 60_000), Buffer.alloc(1024)]), 'bomb.png');
    expect(r.status).toBe(400);
    expect(r.body.error?.message).toMatch(/60000 x 60000 pixels/);
    expect((await call<ActionDetailResponse>('GET', `/api/actions/${opened.body.action.id}`, officer)).body.attachments).toEqual([]);
  });
});
