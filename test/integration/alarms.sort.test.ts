// The alarm log's "sort by column" sorts the whole result on the server (GET /api/alarms
// sort/order, docs/contracts.md): page 2 continues page 1's order, and the CSV export, which
// reads the same query page by page, lists the rows in the order the table shows.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alarm, AlarmListResponse } from '../../contract/index.ts';
import { mosquittoPub } from '../support/clients.ts';
import { stopAllServices, type MosquittoHandle } from '../support/services.ts';
import { eventually, signedIn, startVigilStack, type VigilHandle } from '../support/vigil.ts';

let broker: MosquittoHandle;
let vigil: VigilHandle;
let cookie: string;

const list = (query: string) => vigil.api<AlarmListResponse & { error?: { code: string } }>(`/api/alarms?${query}`, { headers: { cookie } });
const ids = (alarms: Alarm[]) => alarms.map((a) => a.sensorId);
const pub = (sensor: string, kind: 'reading' | 'event', payload: unknown) => mosquittoPub(broker.port, `vigil/t1/${sensor}/${kind}`, JSON.stringify(payload));

/** Every page of `query`, `size` rows at a time, joined. */
async function allPages(query: string, size: number): Promise<Alarm[]> {
  const rows: Alarm[] = [];
  for (let offset = 0; ; offset += size) {
    const page = (await list(`${query}&limit=${size}&offset=${offset}`)).body;
    rows.push(...page.alarms);
    if (rows.length >= page.total) return rows;
  }
}

beforeAll(async () => {
  ({ broker, vigil } = await startVigilStack({ db: 'vigil_alarms_sort_test', facility: path.resolve('test/fixtures/facility.yaml') }));
  cookie = await signedIn(vigil, 'manager1', 'manager');
  // Raised in an order that is neither priority nor name order: the back door held open (medium,
  // after 4 s), gas 1 high (critical), then gas 2 and CO at their low level (high, after 2 s).
  await pub('T-DOOR-02', 'event', { type: 'open' });
  await eventually(async () => (await list('')).body.total === 1 || undefined, 10_000, 'door held alarm');
  await pub('T-GAS-01', 'reading', { value: 25, unit: '%LEL' });
  await eventually(async () => (await list('')).body.total === 2 || undefined, 10_000, 'gas 1 alarm');
  await pub('T-GAS-02', 'reading', { value: 15, unit: '%LEL' });
  await eventually(async () => (await list('')).body.total === 3 || undefined, 10_000, 'gas 2 alarm');
  await pub('T-CO-01', 'reading', { value: 50, unit: 'ppm' });
  await eventually(async () => (await list('')).body.total === 4 || undefined, 10_000, 'CO alarm');
});

afterAll(async () => {
  await vigil?.stop();
  await stopAllServices();
});

describe('GET /api/alarms sort and order', () => {
  it('keeps newest first by default', async () => {
    expect(ids((await list('')).body.alarms)).toEqual(['T-CO-01', 'T-GAS-02', 'T-GAS-01', 'T-DOOR-02']);
  });

  it('sorts the whole result, not the page: the most urgent alarm heads page 1 whenever it was raised', async () => {
    const first = (await list('sort=priority&order=desc&limit=1')).body;
    expect(first.total).toBe(4);
    expect(ids(first.alarms)).toEqual(['T-GAS-01']);
    // Page after page continues the same order; ties (the two high ones) go newest first.
    expect(ids(await allPages('sort=priority&order=desc', 1))).toEqual(['T-GAS-01', 'T-CO-01', 'T-GAS-02', 'T-DOOR-02']);
    expect(ids(await allPages('sort=priority&order=asc', 3))).toEqual(['T-DOOR-02', 'T-CO-01', 'T-GAS-02', 'T-GAS-01']);
  });

  it('sorts by sensor name and by time to acknowledge, alarms without one last either way', async () => {
    expect(ids(await allPages('sort=sensor&order=asc', 2))).toEqual(['T-CO-01', 'T-GAS-01', 'T-GAS-02', 'T-DOOR-02']);
    expect(ids(await allPages('sort=sensor&order=desc', 2))).toEqual(['T-DOOR-02', 'T-GAS-02', 'T-GAS-01', 'T-CO-01']);
    const door = (await list('sensor=T-DOOR-02')).body.alarms[0]!;
    const ack = await vigil.api(`/api/alarms/${door.id}/ack`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: '{}' });
    expect(ack.status).toBe(200);
    for (const order of ['asc', 'desc']) expect(ids((await list(`sort=acked&order=${order}&limit=1`)).body.alarms)).toEqual(['T-DOOR-02']);
  });

  it('refuses a column or an order outside the whitelist (400), so no client text reaches the query', async () => {
    for (const query of ['sort=raised_at', 'sort=priority;DROP TABLE alarm', 'sort=json', 'order=up', 'sort=priority&order=DESC']) {
      const res = await list(query);
      expect(res.status, query).toBe(400);
    }
    expect((await list('')).body.total).toBe(4);
  });
});
