// Alarm-performance KPIs through the real stack (ISA-18.2 §16.5 monitoring, EEMUA 191 figures):
// alarms raised by devices publishing to Mosquitto, acknowledged, shelved and taken out of service
// through the API, readings stored in InfluxDB; GET /api/reports/kpis must give the figures
// counted here by hand (definitions: docs/kpis.md).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alarm, AlarmListResponse, KpiReport } from '../../contract/index.ts';
import { mosquittoPub } from '../support/clients.ts';
import { sleep, systemTimers } from '../../server/src/services/clock.ts';
import { facilityFiles } from '../support/facility.files.ts';
import { stopAllServices, type MosquittoHandle } from '../support/services.ts';
import { eventually, signedIn, startVigilStack, type VigilHandle } from '../support/vigil.ts';

const DB = 'vigil_kpis_test';
const H = 3_600_000;
const HOUR_MARGIN_MS = 60_000;
const files = facilityFiles('vigil-kpis-');
let broker: MosquittoHandle;
let vigil: VigilHandle;
let officer: string;
let manager: string;
/**
 * The start of the hour the devices published in: availability is asked for that hour (its presence
 * buckets are whole hours aligned to the epoch, as InfluxDB's GROUP BY time makes them).
 */
let hour: number;
/**
 * The rate figures are asked for the hour from the first alarm on: its 10-minute periods count
 * from there, so the burst lies in the first one whatever the clock said when it was sent.
 */
let from: number;
let alarms: Alarm[];

const post = (pathname: string, body: unknown, cookie: string) =>
  vigil.api(pathname, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify(body) });
const kpis = (query: string, cookie = manager) => vigil.api<KpiReport>(`/api/reports/kpis?${query}`, { headers: { cookie } });

beforeAll(async () => {
  const facility = files.write(
    [
      '{ id: L1, name: Leak one, kind: leak, x: 1, y: 1 }',
      '{ id: L2, name: Leak two, kind: leak, x: 2, y: 1 }',
      '{ id: L3, name: Leak three, kind: leak, x: 3, y: 1 }',
      '{ id: K1, name: Smoke one, kind: smoke, x: 4, y: 1 }',
      '{ id: G1, name: Gas quiet, kind: gas, x: 5, y: 1 }',
      '{ id: G2, name: Gas silent, kind: gas, x: 6, y: 1 }',
    ],
    { defaults: ['  leak: { heartbeatS: 300 }'] },
  );
  ({ broker, vigil } = await startVigilStack({ db: DB, facility }));
  [officer, manager] = await Promise.all([signedIn(vigil, 'officer1', 'officer'), signedIn(vigil, 'manager1', 'manager')]);

  // One burst of messages: three leaks (high), a fire (critical), a normal gas reading; G2 says nothing.
  // A burst straddling the top of an hour would split the sensors' presence over two buckets: close
  // to one, the burst waits for the hour to turn (the margin is far more than a loaded machine needs
  // to send six messages).
  const toNextHour = H - (Date.now() % H);
  if (toNextHour < HOUR_MARGIN_MS) await sleep(systemTimers, toNextHour + 1000);
  hour = Math.floor(Date.now() / H) * H;
  for (const id of ['L1', 'L2', 'L3']) await mosquittoPub(broker.port, `vigil/s/${id}/event`, { type: 'leak' });
  await mosquittoPub(broker.port, 'vigil/s/K1/event', { type: 'smoke' });
  await mosquittoPub(broker.port, 'vigil/s/G1/reading', { value: 1, unit: '%LEL' });
  // A drill's gas alarm on G2: neither the alarm nor the point may count (drills measure people, not the plant).
  await mosquittoPub(broker.port, 'vigil/s/G2/reading', { value: 25, unit: '%LEL', drill: 'kpi-drill' });
  alarms = await eventually(
    async () => {
      const real = await vigil.api<AlarmListResponse>('/api/alarms?site=s&drill=exclude', { headers: { cookie: officer } });
      const drill = await vigil.api<AlarmListResponse>('/api/alarms?site=s&drill=only', { headers: { cookie: officer } });
      return real.body.alarms.length === 4 && drill.body.alarms.length === 1 && real.body.alarms;
    },
    15_000,
    'four alarms and a drill alarm',
  );
  from = Math.min(...alarms.map((a) => a.raisedAt));
  const id = (sensor: string) => alarms.find((a) => a.sensorId === sensor)!.id;
  expect((await post(`/api/alarms/${id('L1')}/ack`, { note: 'on my way' }, officer)).status).toBe(200);
  expect((await post(`/api/alarms/${id('L2')}/shelve`, { durationS: 600, reason: 'probe being dried' }, officer)).status).toBe(200);
  expect((await post('/api/sensors/G1/out-of-service', { reason: 'calibration', until: Date.now() + H }, manager)).status).toBe(200);
  // Wait until history holds what was published (the writer flushes every 200 ms).
  await eventually(
    async () => {
      const events = await Promise.all(
        ['L1', 'L2', 'L3', 'K1'].map((s) => vigil.api<{ events: unknown[] }>(`/api/sensors/${s}/events`, { headers: { cookie: officer } })),
      );
      const readings = await Promise.all(
        ['G1', 'G2'].map((s) => vigil.api<{ points: unknown[] }>(`/api/sensors/${s}/readings`, { headers: { cookie: officer } })),
      );
      return events.every((e) => e.body.events.length > 0) && readings.every((r) => r.body.points.length > 0);
    },
    15_000,
    'the messages in InfluxDB',
  );
}, 150_000);

afterAll(async () => {
  await vigil?.stop();
  await stopAllServices();
});

describe('GET /api/reports/kpis', () => {
  it('counts the alarms, priorities, response times and lists as raised, by hand', async () => {
    const r = await kpis(`site=s&from=${from}&to=${from + H}`);
    expect(r.status).toBe(200);
    const k = r.body;
    expect(k).toMatchObject({ siteId: 's', from, to: from + H, positions: 1 });
    // 4 annunciations in one 10-minute period of one position, no flood; 4 in the hour.
    expect(k.rate).toMatchObject({ alarms: 4, peakPer10Min: 4, peakPerHour: 4, avgPerHour: 4, slots: 6, floodSlots: 0, floodShare: 0 });
    expect(k.rate.avgPer10Min).toBeCloseTo(4 / 6, 2);
    expect(k.series.reduce((n, p) => n + p.alarms, 0)).toBe(4);
    // Each sensor once, ties ordered by sensor id; none chattering.
    expect(k.topAlarms.map((a) => `${a.sensorId}:${a.condition}:${a.count}`)).toEqual(['K1:smoke:1', 'L1:leak:1', 'L2:leak:1', 'L3:leak:1']);
    expect(k.chattering).toEqual([]);
    expect(k.priorities).toEqual([
      { priority: 'critical', count: 1, share: 0.25 },
      { priority: 'high', count: 3, share: 0.75 },
      { priority: 'medium', count: 0, share: 0 },
      { priority: 'low', count: 0, share: 0 },
    ]);
    // Leaks and smoke are all NFPA 72 alarm signals.
    expect(k.classes).toEqual([
      { class: 'alarm', count: 4, share: 1 },
      { class: 'supervisory', count: 0, share: 0 },
      { class: 'trouble', count: 0, share: 0 },
    ]);
    // L1 is the one acknowledged: its own time, well inside the 300 s target for high.
    const l1 = (await vigil.api<{ alarm: Alarm }>(`/api/alarms/${alarms.find((a) => a.sensorId === 'L1')!.id}`, { headers: { cookie: officer } })).body.alarm;
    const ackS = Math.round((l1.ackedAt! - l1.raisedAt) / 100) / 10;
    expect(k.ack.find((x) => x.priority === 'high')).toEqual({ priority: 'high', count: 1, medianS: ackS, p90S: ackS, targetS: 300, withinTarget: 1 });
    expect(k.ack.find((x) => x.priority === 'critical')).toMatchObject({ count: 0, withinTarget: null });
    expect(k.resolve.every((x) => x.count === 0)).toBe(true);
    expect(k.standing).toEqual([]);
    expect(k.stale).toEqual([]);
    expect(k.shelved).toEqual([expect.objectContaining({ sensorId: 'L2', condition: 'leak', by: 'officer1', reason: 'probe being dried' })]);
    expect(k.outOfService).toEqual([expect.objectContaining({ sensorId: 'G1', by: 'manager1', reason: 'calibration' })]);
  });

  it('availability from InfluxDB: every sensor that published is available all the period so far, G2 (only a drill point) not at all', async () => {
    const k = (await kpis(`site=s&from=${hour}&to=${hour + H}`)).body;
    const end = Math.min(k.at, hour + H);
    expect(k.availability[0]).toEqual({ siteId: 's', sensorId: 'G2', sensorName: 'Gas silent', available: 0, unavailableS: Math.round((end - hour) / 1000) });
    expect(k.availability.slice(1).map((a) => [a.sensorId, a.available])).toEqual([
      ['G1', 1],
      ['K1', 1],
      ['L1', 1],
      ['L2', 1],
      ['L3', 1],
    ]);
  });

  it('all sites is the one site here; an officer may not see it; a bad query is refused', async () => {
    const all = (await kpis(`from=${from}&to=${from + H}`)).body;
    expect(all).toMatchObject({ siteId: null, positions: 1, rate: { alarms: 4 } });
    expect((await kpis(`from=${from}&to=${from + H}`, officer)).status).toBe(403);
    expect((await kpis('site=nowhere')).status).toBe(400);
    expect((await kpis(`from=${from + H}&to=${from}`)).status).toBe(400);
    expect((await kpis('colour=red')).status).toBe(400);
  });
});
