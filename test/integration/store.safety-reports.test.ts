// Kept safety reports on every store engine. A kept report and its outbox message are one
// transaction: if writing the message fails the report is not kept either (the next run makes
// both); a second report of the same site, period kind and start is refused without a second
// message. The schedule's claim on a period goes to exactly one of the servers racing for it.
import { expect, it } from 'vitest';
import type { SafetyReport, SafetyReportPeriod, Site } from '../../contract/index.ts';
import { SqlInstallation } from '../../server/src/adapters/sql.installation.ts';
import { SqlSafetyReports } from '../../server/src/adapters/sql.safety-reports.ts';
import type { Sql } from '../../server/src/adapters/sql.ts';
import { zonedInstant } from '../../server/src/domain/safety-report/periods.ts';
import { SafetyReportScheduler } from '../../server/src/services/safety-report.scheduler.ts';
import { SafetyReportService } from '../../server/src/services/safety-report.service.ts';
import { FakeScheduler } from '../support/fake.scheduler.ts';
import { eachStore } from '../support/stores.ts';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const trend = { current: 2, previous: 1, delta: 1, percent: 100 };
const report = (from: number, siteId = 'hq', period: SafetyReportPeriod = 'week') =>
  ({
    siteId,
    period,
    from,
    to: from + 7 * DAY,
    generatedAt: from + 8 * DAY,
    generatedBy: 'schedule',
    alarms: { total: trend },
    drills: { overdue: 1 },
  }) as unknown as SafetyReport;

eachStore((open, engine) => {
  it('keeps a report with its announcement, or neither', async () => {
    const store = new SqlSafetyReports(await open());
    await expect(
      store.insert(report(0), async () => {
        throw new Error('outbox full');
      }),
    ).rejects.toThrow('outbox full');
    expect(await store.has('hq', 'week', 0)).toBe(false);

    const told: number[] = [];
    const id = await store.insert(report(0), async (n) => void told.push(n));
    expect(id).not.toBeNull();
    expect(await store.insert(report(0), async (n) => void told.push(n))).toBeNull();
    expect(told).toEqual([id]);
    expect(await store.has('hq', 'week', 0)).toBe(true);
    expect(await store.get(id!)).toEqual(report(0));
    expect(await store.get(id! + 1)).toBeUndefined();
    expect(await store.list({ limit: 10 })).toEqual([
      { id, siteId: 'hq', period: 'week', from: 0, to: 7 * DAY, generatedAt: 8 * DAY, generatedBy: 'schedule', alarms: 2, overdueDrills: 1 },
    ]);
  });

  it('lists the latest periods first, narrowed by site and period kind, up to the limit', async () => {
    const store = new SqlSafetyReports(await open());
    const none = async () => {};
    const a = await store.insert(report(7 * DAY), none);
    const b = await store.insert(report(14 * DAY), none);
    const c = await store.insert(report(14 * DAY, 'lab'), none);
    const d = await store.insert(report(0, 'hq', 'month'), none);
    const ids = (entries: { id: number }[]) => entries.map((e) => e.id);
    // Same period start: the later id first.
    expect(ids(await store.list({ limit: 10 }))).toEqual([c, b, a, d]);
    expect(ids(await store.list({ limit: 2 }))).toEqual([c, b]);
    expect(ids(await store.list({ siteId: 'hq', limit: 10 }))).toEqual([b, a, d]);
    expect(ids(await store.list({ period: 'month', limit: 10 }))).toEqual([d]);
    expect(ids(await store.list({ siteId: 'lab', period: 'week', limit: 10 }))).toEqual([c]);
    expect(await store.list({ siteId: 'nowhere', limit: 10 })).toEqual([]);
  });

  // PostgreSQL: two connections, as two servers have. SQLite: one connection shared by both.
  it('a period is claimed by exactly one of the servers asking at once; a lapsed claim can be taken again', async () => {
    const one = new SqlSafetyReports(await open());
    const two = engine === 'postgres' ? new SqlSafetyReports(await open.again()) : one;
    const t = 10 * DAY;
    const got = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 === 0 ? one : two).claim('hq', 'week', 0, t + i, HOUR)));
    expect(got.filter(Boolean)).toHaveLength(1);
    const winner = t + got.indexOf(true);
    // Another period, site or kind is another claim.
    expect(await one.claim('hq', 'week', 7 * DAY, t, HOUR)).toBe(true);
    expect(await one.claim('lab', 'week', 0, t, HOUR)).toBe(true);
    expect(await one.claim('hq', 'month', 0, t, HOUR)).toBe(true);
    // Held for the lease; taken again, by one, once it has lapsed.
    expect(await two.claim('hq', 'week', 0, winner + HOUR - 1, HOUR)).toBe(false);
    const later = winner + HOUR;
    expect(await Promise.all([one.claim('hq', 'week', 0, later, HOUR), two.claim('hq', 'week', 0, later, HOUR)])).toEqual(
      expect.arrayContaining([true, false]),
    );
    // Giving up the lapsed claim leaves the new one alone; giving up the new one frees the period.
    await one.release('hq', 'week', 0, winner);
    expect(await two.claim('hq', 'week', 0, later + 1, HOUR)).toBe(false);
    await one.release('hq', 'week', 0, later);
    expect(await two.claim('hq', 'week', 0, later + 1, HOUR)).toBe(true);
  });

  it('the installation time is written once and then read back, by every server', async () => {
    const sql = await open();
    const first = await new SqlInstallation(sql, () => 1000).installedAt();
    // SQLite's migration wrote it when the file was made; PostgreSQL's schema leaves it to the first reader.
    if (engine === 'postgres') expect(first).toBe(1000);
    const other = new SqlInstallation(engine === 'postgres' ? await open.again() : sql, () => 2000);
    expect(await other.installedAt()).toBe(first);
  });
});

// The whole schedule on two servers sharing the store, each with its own connection (PostgreSQL:
// two nodes; SQLite: one file, as one server has): both catch up the week missed while they were
// down, and the report is made, kept and announced once.
eachStore((open, engine) => {
  it('two servers catching up the same missed week make, keep and announce it once', async () => {
    const SH = 'Asia/Shanghai';
    const site = {
      id: 'hq',
      name: 'HQ',
      timezone: SH,
      floors: [],
      safetyReports: { week: { day: 'mon', time: '07:00' }, month: false },
    } as unknown as Site;
    const clock = new FakeScheduler(zonedInstant(SH, 2026, 11, 27, 10));
    const announced: string[] = [];
    let assembled = 0;
    const outcomes: string[] = [];
    const outcome = (what: string) => void outcomes.push(what);
    const server = (sql: Sql) => {
      const service = new SafetyReportService(
        { site: () => site, sites: () => [site], sensors: () => [] },
        { list: async () => ({ total: 0, alarms: [] }), outOfService: async () => [] },
        { list: async () => [], scorePercent: async () => null, scenarioTitle: () => undefined },
        { actions: () => (assembled++, { opened: 0, closed: 0, overdue: 0, escalations: 0 }) },
        new SqlSafetyReports(sql),
        async (m) => void announced.push(m.subject),
        clock,
      );
      const log = {
        info: (_f: object, message: string) => message.includes('another run') && outcome('refused'),
        warn: () => {},
        error: (f: object) => outcome(`failed ${JSON.stringify(f)}`),
      };
      return new SafetyReportScheduler(
        service,
        () => [site],
        new SqlInstallation(sql, () => 0),
        clock,
        log,
        (id) => outcome(`kept ${id}`),
      );
    };
    const sql = await open();
    // Installed long before the missed week (the stores' own installation time is the test's start).
    await sql.run('UPDATE installation SET installed_at = 0');
    const one = server(sql);
    const two = server(engine === 'postgres' ? await open.again() : sql);
    await Promise.all([one.start(), two.start()]);
    // Stopping waits for the runs the starts began (the catch-ups).
    await Promise.all([one.stop(), two.stop()]);
    expect(assembled).toBe(1);
    expect(outcomes.sort()).toEqual(['kept 1', 'refused']);
    expect(announced).toEqual(['safety-report:1']);
    expect(await new SqlSafetyReports(sql).list({ limit: 10 })).toHaveLength(1);
  });
});
