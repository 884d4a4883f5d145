// A weekly safety report made by the schedule through the real stack (Mosquitto, InfluxDB, Vigil):
// a week of alarms and drills seeded into the alarm and drill stores with past timestamps, a live
// alarm raised by a device through Mosquitto, the report made at the configured weekday and time
// (site time) for the week that just ended, its figures equal to what this test counts by hand,
// kept, listed, and announced through the notification outbox to a webhook; HTML in both
// languages and PDF (docs/contracts.md#safety-reports).
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alarm, AlarmListResponse, SafetyReport, SafetyReportHistoryResponse } from '../../contract/index.ts';
import { openDatabase } from '../../server/src/adapters/sqlite.database.ts';
import { MIGRATIONS } from '../../server/src/adapters/sqlite.migrations.ts';
import { mosquittoPub } from '../support/clients.ts';
import { makeAlarm } from '../support/contract.fixtures.ts';
import { installedSince } from '../support/installation.ts';
import { stopAllServices, type MosquittoHandle } from '../support/services.ts';
import { eventually, signedIn, startVigilStack, type VigilHandle } from '../support/vigil.ts';

const DB = 'vigil_safety_report_test';
const H = 3_600_000;
const DAY = 24 * H;
/** Asia/Shanghai has no daylight saving: local time is UTC+8 all year, so the week can be worked out by hand. */
const SH_OFFSET = 8 * H;
const WEEKDAY = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

let broker: MosquittoHandle;
let vigil: VigilHandle;
let manager: string;
let officer: string;
let hook: http.Server;
const hooked: { type?: string; id?: number; from?: number }[] = [];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-safety-report-'));
const facilityFile = path.join(dir, 'facility.yaml');

/** The test facility with a drill plan and, once given, a weekly report time. */
function writeFacility(schedule: string): void {
  const base = fs.readFileSync(path.resolve('test/fixtures/facility.yaml'), 'utf8');
  const site = `    timezone: Asia/Shanghai
    drillPlan:
      - { scenario: canteen-gas-leak, every: month }
      - { scenario: forced-door-night, every: quarter }
    safetyReports: ${schedule}
`;
  fs.writeFileSync(facilityFile, base.replace('    timezone: Asia/Shanghai\n', site));
}

// The run falls due this long after the restart below is begun: time for Vigil to start first, even
// on a loaded machine (started after it, the catch-up would make this week's report, not the one
// before). Four times what the first start of this stack took, so a slow machine waits longer, and
// never less than 15 s.
const runAfterMs = (firstStartMs: number): number => Math.max(15_000, 4 * firstStartMs);
let runAfter: number;
let runAt: number;
/** The week (Mon 00:00–Mon 00:00 Shanghai) that had just ended at `runAt`, and the one before. */
let week: { from: number; to: number };
let before: { from: number; to: number };

function weekBefore(t: number): { from: number; to: number } {
  const local = t + SH_OFFSET;
  const daysSinceMonday = (new Date(local).getUTCDay() + 6) % 7;
  const thisMonday = Math.floor(local / DAY) * DAY - daysSinceMonday * DAY - SH_OFFSET;
  return { from: thisMonday - 7 * DAY, to: thisMonday };
}

const alarm = (id: string, raisedAt: number, o: Partial<Alarm> = {}): Alarm =>
  makeAlarm({
    id,
    siteId: 't1',
    floorId: 't1-1f',
    zoneId: 'kitchen',
    sensorId: 'T-GAS-01',
    sensorName: 'Kitchen gas 1',
    raisedAt,
    state: 'cleared',
    closedAt: raisedAt + H,
    clearedAt: raisedAt + H,
    ...o,
  });

function seed(): void {
  const db = openDatabase(vigil.dataDir, MIGRATIONS);
  const insert = db.prepare(
    `INSERT INTO alarm (id, site, zone, sensor, kind, condition, priority, state, drill, raised_at, closed_at, updated_at, json)
     VALUES (@id, @siteId, @zoneId, @sensorId, @sensorKind, @condition, @priority, @state, @drill, @raisedAt, @closedAt, @updatedAt, @json)`,
  );
  const door = { zoneId: 'server-room', sensorId: 'T-DOOR-01', sensorKind: 'door', condition: 'door_forced', priority: 'high' } as const;
  const alarms = [
    // The week: 3 gas (one exactly at its start, one escalated to level 2), 2 forced doors, a low
    // battery, an offline CO detector for 6 h; a drill's alarm that must not count.
    alarm('w-gas-1', week.from),
    alarm('w-gas-2', week.from + 2 * DAY, { escalationLevel: 2 }),
    alarm('w-gas-3', week.from + 3 * DAY),
    alarm('w-door-1', week.from + 4 * DAY, door),
    alarm('w-door-2', week.from + 5 * DAY, door),
    alarm('w-bat', week.from + DAY, { sensorId: 'T-SMK-01', sensorKind: 'smoke', condition: 'battery_low', class: 'trouble', priority: 'low' }),
    alarm('w-off', week.from + 10 * H, {
      sensorId: 'T-CO-01',
      sensorKind: 'co',
      condition: 'offline',
      class: 'trouble',
      priority: 'medium',
      clearedAt: week.from + 16 * H,
    }),
    alarm('w-drill', week.from + DAY, { drill: 'drill-seeded' }),
    // The week before: 2 gas. At the week's end exactly: the next week's.
    alarm('b-gas-1', before.from + DAY),
    alarm('b-gas-2', before.from + 2 * DAY),
    alarm('next-gas', week.to),
  ];
  for (const a of alarms) insert.run({ ...a, json: JSON.stringify(a) });
  const drill = db.prepare(
    `INSERT INTO drill (id, scenario, site, started_by, started_at, ended_at, expected, title, speed) VALUES (?, ?, 't1', 'manager1', ?, ?, '[]', ?, 1)`,
  );
  // Held in the week (due again in a quarter), and a gas drill 40 days before the week (monthly: overdue).
  drill.run('drill-door-week', 'forced-door-night', week.from + DAY + 9 * H, week.from + DAY + 10 * H, 'Forced door at night');
  drill.run('drill-gas-old', 'canteen-gas-leak', week.from - 40 * DAY, week.from - 40 * DAY + H, 'Canteen gas leak');
  db.close();
}

beforeAll(async () => {
  hook = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      hooked.push(JSON.parse(body) as (typeof hooked)[number]);
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
  fs.symlinkSync(path.resolve('test/fixtures/plans'), path.join(dir, 'plans'));
  writeFacility('{ week: false, month: false }');
  const starting = Date.now();
  ({ broker, vigil } = await startVigilStack({
    db: DB,
    facility: facilityFile,
    env: { WEBHOOK_URLS: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook` },
  }));
  runAfter = runAfterMs(Date.now() - starting);
  [manager, officer] = await Promise.all([signedIn(vigil, 'manager1', 'manager'), signedIn(vigil, 'officer1', 'officer')]);
  await vigil.stop();

  // Whole seconds: the schedule's time is HH:MM:SS.
  runAt = Math.ceil((Date.now() + runAfter) / 1000) * 1000;
  week = weekBefore(runAt);
  before = { from: week.from - 7 * DAY, to: week.from };
  seed();
  // Installed before the seeded weeks: the schedule reports only on periods Vigil watched.
  installedSince(vigil.dataDir, before.from);
  const local = new Date(runAt + SH_OFFSET);
  const hhmmss = local.toISOString().slice(11, 19);
  writeFacility(`{ week: { day: ${WEEKDAY[local.getUTCDay()]}, time: "${hhmmss}" }, month: false }`);
  await vigil.start();
  manager = await vigil.login('manager1');
  officer = await vigil.login('officer1');
}, 120_000);

afterAll(async () => {
  await vigil?.stop();
  await stopAllServices();
  hook?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const get = <T>(p: string, cookie = manager) => vigil.api<T>(p, { headers: { cookie } });
const history = () => get<SafetyReportHistoryResponse>('/api/reports/safety/history?site=t1&period=week');

describe('the weekly safety report', () => {
  it('is made by the schedule at the configured time for the week that ended, with the figures counted by hand', async () => {
    // Before the run: only the catch-up of the run a week earlier (the week before), not this week's.
    const early = await eventually(
      async () => {
        const h = (await history()).body;
        return h.reports.length > 0 ? h : undefined;
      },
      15_000,
      'the catch-up',
    );
    expect(Date.now()).toBeLessThan(runAt);
    expect(early.reports.map((r) => r.from)).toEqual([before.from]);

    const entry = await eventually(
      async () => (await history()).body.reports.find((r) => r.from === week.from),
      runAfter + 30_000,
      "the scheduled run's report",
    );
    expect(entry).toMatchObject({ siteId: 't1', period: 'week', to: week.to, generatedBy: 'schedule', alarms: 7, overdueDrills: 1 });
    expect(entry.generatedAt).toBeGreaterThanOrEqual(runAt);

    const { body: r } = await get<SafetyReport>(`/api/reports/safety/history/${entry.id}`);
    expect(r.alarms.total).toEqual({ current: 7, previous: 2, delta: 5, percent: 250 });
    // Life safety: 3 gas + 2 forced doors; the week before 2 gas.
    expect(r.alarms.lifeSafety).toMatchObject({ current: 5, previous: 2 });
    // By NFPA 72 signal class: the low battery and the offline sensor are trouble signals.
    expect(r.alarms.byClass?.map((c) => [c.class, c.current, c.previous])).toEqual([
      ['alarm', 5, 2],
      ['supervisory', 0, 0],
      ['trouble', 2, 0],
    ]);
    expect(r.alarms.byZone.map((z) => [z.key, z.current, z.previous])).toEqual([
      ['kitchen', 5, 2],
      ['server-room', 2, 0],
    ]);
    expect(Object.fromEntries(r.alarms.byCondition.map((c) => [c.key, [c.current, c.previous]]))).toEqual({
      gas: [3, 2],
      door_forced: [2, 0],
      battery_low: [1, 0],
      offline: [1, 0],
    });
    expect(r.escalations).toMatchObject({ alarms: { current: 1, previous: 0 }, highestLevel: 2 });
    // 6 sensors × 168 h, 6 h of them offline.
    expect(r.sensors).toMatchObject({ total: 6, offlineHours: 6, availabilityPct: Math.round((1 - 6 / (6 * 168)) * 10_000) / 100 });
    expect(r.sensors.issues).toEqual([{ sensorId: 'T-SMK-01', sensorName: 'Kitchen smoke', condition: 'battery_low', alarms: 1 }]);
    expect(r.drills.held).toEqual([expect.objectContaining({ id: 'drill-door-week', planned: true, scorePercent: 100 })]);
    expect(r.drills.plan.map((p) => [p.scenario, p.held, p.overdue])).toEqual([
      ['canteen-gas-leak', 0, true],
      ['forced-door-night', 1, false],
    ]);
    // The parts built beside this one answer, with nothing recorded in the test's week.
    expect(r.actions).toEqual({ available: true, data: { opened: 0, closed: 0, overdue: 0, escalations: 0 } });
    expect(r.handovers).toMatchObject({ available: true, data: { held: 0 } });
    expect(r.kpis.available).toBe(true);

    // Announced through the outbox: the webhook contact got both reports, each once.
    await eventually(() => hooked.some((h) => h.type === 'vigil.safety_report' && h.id === entry.id), 15_000, 'the webhook announcement');
    expect(hooked.filter((h) => h.type === 'vigil.safety_report').map((h) => h.from)).toEqual([before.from, week.from]);
  }, 120_000);

  it('made on demand counts a device alarm raised now through Mosquitto in the current week, as the alarm list does', async () => {
    await mosquittoPub(broker.port, 'vigil/t1/T-GAS-02/reading', { value: 30, unit: '%LEL' });
    const weekStart = week.to;
    const list = await eventually(async () => {
      const l = await get<AlarmListResponse>(`/api/alarms?site=t1&from=${weekStart}&drill=exclude&limit=500`);
      return l.body.alarms.some((a) => a.sensorId === 'T-GAS-02') ? l.body : undefined;
    });
    const now = await get<SafetyReport>(`/api/reports/safety?site=t1&period=week&at=${Date.now()}`);
    expect(now.status).toBe(200);
    expect([now.body.from, now.body.generatedBy]).toEqual([weekStart, 'manager1']);
    // The seeded alarm at the week boundary and the device's alarm, and whatever else the list has.
    expect(now.body.alarms.total.current).toBe(list.total);
    expect(now.body.alarms.total.current).toBeGreaterThanOrEqual(2);
    expect(now.body.alarms.total.previous).toBe(7);
  });

  it('prints as HTML in both languages and as PDF; officers and bad queries are refused', async () => {
    const { body: list } = await history();
    const id = list.reports.find((r) => r.from === week.from)!.id;
    const en = await get<string>(`/api/reports/safety/history/${id}?format=html`);
    expect(en.body).toContain('Weekly safety report');
    expect(en.body).toContain('@media print');
    expect(en.body).toContain('OVERDUE');
    const zh = await get<string>(`/api/reports/safety/history/${id}?format=html&lang=zh`);
    expect(zh.body).toContain('安全周报');
    expect(zh.body).toContain('已逾期');
    expect(zh.body).toContain('<h3>按信号类别（NFPA 72）</h3>');

    expect(list.pdf.available).toBe(true);
    const res = await fetch(`${vigil.url}/api/reports/safety/history/${id}?format=pdf`, { headers: { cookie: manager } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(
      Buffer.from(await res.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');

    expect((await get('/api/reports/safety/history', officer)).status).toBe(403);
    expect((await get('/api/reports/safety?site=t1&period=year')).status).toBe(400);
    expect((await get('/api/reports/safety?site=nowhere')).status).toBe(404);
    expect((await get('/api/reports/safety/history/999')).status).toBe(404);
    const overdue = await get<{ plan: { scenario: string; overdue: boolean }[] }>('/api/reports/safety/overdue-drills?site=t1');
    expect(overdue.body.plan.map((p) => [p.scenario, p.overdue])).toEqual([
      ['canteen-gas-leak', true],
      ['forced-door-night', false],
    ]);
  }, 60_000);
});
