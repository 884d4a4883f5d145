// The safety report service and its schedule on fake time: a weekly report is made at the site's
// configured weekday and time (site zone) for the week that just ended, kept once (a restart or a
// second run keeps nothing twice), caught up at start when the server was down at its time, and
// announced through the outbox; parts that do not exist say "not available" rather than a number.
import { describe, expect, it } from 'vitest';
import type { Alarm, Drill, SafetyReport, SafetyReportEntry, SafetyReportPeriod, Site } from '../../../contract/index.ts';
import { makeAlarm } from '../../../test/support/contract.fixtures.ts';
import { FakeScheduler } from '../../../test/support/fake.scheduler.ts';
import { zonedInstant } from '../domain/safety-report/periods.ts';
import { SafetyReportScheduler } from './safety-report.scheduler.ts';
import { SCHEDULED_CLAIM_LEASE_MS, SafetyReportService, type ReportAnnouncer, type ReportSources, type SafetyReportStore } from './safety-report.service.ts';

const SH = 'Asia/Shanghai';
const site: Site = {
  id: 'hq',
  name: 'HQ',
  timezone: SH,
  floors: [
    {
      id: 'f1',
      name: 'F1',
      siteId: 'hq',
      planUrl: '',
      zones: [{ id: 'kitchen', name: 'Kitchen', nameZh: '厨房', siteId: 'hq', floorId: 'f1', secure: false, sensorIds: [] }],
    },
  ],
  drillPlan: [{ scenario: 'canteen-gas-leak', every: 'month' }],
  safetyReports: { week: { day: 'mon', time: '07:00' }, month: false },
};

class MemoryStore implements SafetyReportStore {
  rows: SafetyReport[] = [];
  /** Claims by `site period from`: when each was made. */
  readonly claims = new Map<string, number>();
  async insert(r: SafetyReport, kept: (id: number) => Promise<void>): Promise<number | null> {
    if (await this.has(r.siteId, r.period, r.from)) return null;
    this.rows.push(r);
    await kept(this.rows.length);
    return this.rows.length;
  }
  get = async (id: number) => this.rows[id - 1];
  has = async (s: string, p: SafetyReportPeriod, from: number) => this.rows.some((r) => r.siteId === s && r.period === p && r.from === from);
  list = async (): Promise<SafetyReportEntry[]> => [];
  async claim(s: string, p: SafetyReportPeriod, from: number, at: number, leaseMs: number): Promise<boolean> {
    const held = this.claims.get(`${s} ${p} ${from}`);
    if (held !== undefined && held > at - leaseMs) return false;
    this.claims.set(`${s} ${p} ${from}`, at);
    return true;
  }
  async release(s: string, p: SafetyReportPeriod, from: number, at: number): Promise<void> {
    if (this.claims.get(`${s} ${p} ${from}`) === at) this.claims.delete(`${s} ${p} ${from}`);
  }
}

function harness(
  alarms: Alarm[],
  drills: Drill[] = [],
  sources: ReportSources = {},
  clock = new FakeScheduler(zonedInstant(SH, 2026, 11, 27, 10)),
  // Installed long before the test's weeks unless a test says otherwise.
  installedAt = 0,
) {
  const store = new MemoryStore();
  const announced: Parameters<ReportAnnouncer>[0][] = [];
  const service = new SafetyReportService(
    { site: (id) => (id === 'hq' ? site : undefined), sites: () => [site], sensors: () => [{ id: 'KIT-GAS-01', name: 'Kitchen gas', siteId: 'hq' }] },
    {
      list: async (f) => {
        const hit = alarms.filter((a) => a.siteId === f.site && a.raisedAt >= f.from! && a.raisedAt <= f.to! && a.drill === null);
        return { total: hit.length, alarms: hit.slice(f.offset, f.offset + f.limit) };
      },
      outOfService: async () => [{ sensorId: 'KIT-GAS-01', outOfService: { since: 1, until: 2, by: 'tech', reason: 'calibration' } }],
    },
    { list: async () => drills, scorePercent: async (id) => (id === 'd1' ? 75 : null), scenarioTitle: () => 'Canteen gas leak' },
    sources,
    store,
    async (m) => void announced.push(m),
    clock,
  );
  const kept: number[] = [];
  const warned: object[] = [];
  const informed: object[] = [];
  const log = { info: (f: object) => informed.push(f), warn: (f: object) => warned.push(f), error: (f: object) => expect.fail(JSON.stringify(f)) };
  const scheduler = () =>
    new SafetyReportScheduler(
      service,
      () => [site],
      { installedAt: async () => installedAt },
      clock,
      log,
      (id) => kept.push(id),
    );
  return { service, store, announced, clock, scheduler, kept, warned, informed };
}

// Week of Mon 16 – Mon 23 Nov 2026 (Shanghai) and the week before.
const lastWeek = { from: zonedInstant(SH, 2026, 11, 16), to: zonedInstant(SH, 2026, 11, 23) };
const alarms = [
  makeAlarm({ id: 'a1', raisedAt: lastWeek.from + 1000 }),
  makeAlarm({ id: 'a2', raisedAt: lastWeek.to - 1000, condition: 'battery_low', class: 'trouble' }),
  makeAlarm({ id: 'a3', raisedAt: lastWeek.from - 1000 }),
];

describe('SafetyReportService.generate', () => {
  it('counts the period and the one before; absent parts are "not available"', async () => {
    const { service } = harness(alarms, [
      {
        id: 'd1',
        scenario: 'canteen-gas-leak',
        title: 't',
        speed: 1,
        siteId: 'hq',
        startedBy: 'm',
        startedAt: lastWeek.from + 5000,
        endedAt: null,
        state: 'ended',
        expected: [],
      },
    ]);
    const r = await service.generate('hq', 'week', service.periodFor('hq', 'week'), 'manager');
    expect([r.from, r.to]).toEqual([lastWeek.from, lastWeek.to]);
    expect(r.alarms.total).toMatchObject({ current: 2, previous: 1 });
    expect(r.alarms.byZone[0]).toMatchObject({ key: 'kitchen', name: 'Kitchen', nameZh: '厨房', current: 2 });
    expect(r.drills.held).toEqual([expect.objectContaining({ id: 'd1', scorePercent: 75, planned: true })]);
    expect(r.drills.plan[0]).toMatchObject({ held: 1, overdue: false });
    expect(r.sensors.issues).toEqual([{ sensorId: 'KIT-GAS-01', sensorName: 'Kitchen gas', condition: 'battery_low', alarms: 1 }]);
    expect(r.sensors.outOfService).toHaveLength(1);
    expect(r.actions).toEqual({ available: false, reason: 'corrective actions are not recorded by this server' });
    expect(r.kpis.available).toBe(false);
  });

  it('takes the sections of the parts that exist, and says so when one fails', async () => {
    const { service } = harness(alarms, [], {
      actions: (siteId, from) => ({ opened: from === lastWeek.from && siteId === 'hq' ? 3 : -1, closed: 2, overdue: 1, escalations: 0 }),
      handovers: () => {
        throw new Error('database locked');
      },
    });
    const r = await service.generate('hq', 'week', lastWeek, 'manager');
    expect(r.actions).toEqual({ available: true, data: { opened: 3, closed: 2, overdue: 1, escalations: 0 } });
    expect(r.handovers).toEqual({ available: false, reason: 'shift handovers could not be read: database locked' });
  });
});

describe('SafetyReportScheduler', () => {
  it('makes, keeps and announces the weekly report at Monday 07:00 site time, once', async () => {
    // Friday 27 Nov 10:00 Shanghai; the run of Mon 23 Nov 07:00 was before this server started.
    const h = harness(alarms);
    const s = h.scheduler();
    await s.start();
    await h.clock.advance(0);
    expect(h.store.rows.map((r) => r.from)).toEqual([lastWeek.from]); // caught up at start
    expect(h.announced).toHaveLength(1);
    expect(h.announced[0]).toMatchObject({ subject: 'safety-report:1', level: 1 });
    expect(h.announced[0]!.seq).toBeLessThan(0);

    await h.clock.advance(zonedInstant(SH, 2026, 11, 30, 7) - h.clock.now() - 1);
    expect(h.store.rows).toHaveLength(1); // not a millisecond early
    await h.clock.advance(1);
    expect(h.store.rows.map((r) => [r.from, r.to, r.generatedBy])).toEqual([
      [lastWeek.from, lastWeek.to, 'schedule'],
      [lastWeek.to, zonedInstant(SH, 2026, 11, 30), 'schedule'],
    ]);
    expect(h.kept).toEqual([1, 2]);

    // A restart makes nothing twice.
    await s.stop();
    const again = h.scheduler();
    await again.start();
    await h.clock.advance(0);
    expect(h.store.rows).toHaveLength(2);
    expect(h.announced).toHaveLength(2);
    await again.stop();
    expect(h.clock.pendingCount).toBe(0);
  });

  // A fresh installation reports only on periods it watched: a report of a week before it was
  // installed would read "0 alarms" on every notification channel (docs/contracts.md#safety-reports).
  it('catches up no run whose period ended before Vigil was installed; the next run is made at its time', async () => {
    const start = zonedInstant(SH, 2026, 11, 27, 10);
    for (const installedAt of [start, lastWeek.to]) {
      const h = harness(alarms, [], {}, new FakeScheduler(start), installedAt);
      const s = h.scheduler();
      await s.start();
      await h.clock.advance(0);
      expect(h.store.rows).toHaveLength(0);
      expect(h.announced).toHaveLength(0);
      expect(h.informed).toEqual([expect.objectContaining({ site: 'hq', period: 'week', periodEnd: new Date(lastWeek.to).toISOString() })]);

      await h.clock.advance(zonedInstant(SH, 2026, 11, 30, 7) - h.clock.now());
      expect(h.store.rows.map((r) => r.from)).toEqual([lastWeek.to]);
      await s.stop();
    }
  });

  // Two servers sharing one store (PostgreSQL) start together after both were down at Monday
  // 07:00: each catches up, but the period is claimed in the store first, so one report is made
  // and announced, not two.
  it('two servers on one store catching up the same run make and announce it once', async () => {
    let assembled = 0;
    const h = harness(alarms, [], { kpis: () => (assembled++, []) });
    const [one, two] = [h.scheduler(), h.scheduler()];
    await one.start();
    await two.start();
    await h.clock.advance(0);
    expect(h.store.rows.map((r) => r.from)).toEqual([lastWeek.from]);
    expect(assembled).toBe(1);
    expect(h.announced).toHaveLength(1);
    expect(h.informed).toContainEqual({ site: 'hq', period: 'week' });
    // The other looks again once the claim has lapsed: the report is kept, nothing more is made.
    await h.clock.advance(SCHEDULED_CLAIM_LEASE_MS);
    expect(h.store.rows).toHaveLength(1);
    expect(h.announced).toHaveLength(1);
    await Promise.all([one.stop(), two.stop()]);
  });

  it('a run that stopped without keeping its report holds the period until its claim lapses; then it is made', async () => {
    const h = harness(alarms);
    // Claimed a minute ago by a run whose server was killed before it kept the report.
    await h.store.claim('hq', 'week', lastWeek.from, h.clock.now() - 60_000, SCHEDULED_CLAIM_LEASE_MS);
    const s = h.scheduler();
    await s.start();
    await h.clock.advance(0);
    expect(h.store.rows).toHaveLength(0);
    // Looked at again a lease after the refusal (by then the stale claim has lapsed).
    await h.clock.advance(SCHEDULED_CLAIM_LEASE_MS - 1);
    expect(h.store.rows).toHaveLength(0);
    await h.clock.advance(1);
    expect(h.store.rows.map((r) => r.from)).toEqual([lastWeek.from]);
    expect(h.announced).toHaveLength(1);
    await s.stop();
  });

  it('a run that failed gives its claim up: the next start makes the report', async () => {
    const h = harness(alarms);
    const keep = h.store.insert.bind(h.store);
    h.store.insert = () => Promise.reject(new Error('disk full'));
    const errors: object[] = [];
    const failing = new SafetyReportScheduler(h.service, () => [site], { installedAt: async () => 0 }, h.clock, {
      info: () => {},
      warn: () => {},
      error: (f) => errors.push(f),
    });
    await failing.start();
    await h.clock.advance(0);
    expect(errors).toEqual([expect.objectContaining({ site: 'hq', period: 'week' })]);
    await failing.stop();
    h.store.insert = keep;
    const again = h.scheduler();
    await again.start();
    await h.clock.advance(0);
    expect(h.store.rows.map((r) => r.from)).toEqual([lastWeek.from]);
    await again.stop();
  });

  it('catches up, once, a run missed after Vigil was installed', async () => {
    const h = harness(alarms, [], {}, undefined, lastWeek.to - 1);
    const s = h.scheduler();
    await s.start();
    await h.clock.advance(0);
    expect(h.store.rows.map((r) => r.from)).toEqual([lastWeek.from]);
    expect(h.announced).toHaveLength(1);
    await s.stop();
    const again = h.scheduler();
    await again.start();
    await h.clock.advance(0);
    expect(h.store.rows).toHaveLength(1);
    expect(h.announced).toHaveLength(1);
    await again.stop();
  });

  it('asks again while a part cannot be read (InfluxDB still starting), then keeps the complete report', async () => {
    let calls = 0;
    const h = harness(alarms, [], {
      kpis: () => {
        if (++calls <= 2) throw new Error('retention policy not found: raw');
        return [];
      },
    });
    const s = h.scheduler();
    await s.start();
    await h.clock.advance(0);
    expect(h.store.rows).toHaveLength(0);
    await h.clock.advance(5_000 + 10_000);
    expect(h.store.rows).toHaveLength(1);
    expect(h.store.rows[0]!.kpis).toEqual({ available: true, data: [] });
    expect(h.warned).toHaveLength(2);
    expect(h.announced).toHaveLength(1);
    await s.stop();
  });

  it('keeps the report saying what was not available when a part stays unreadable', async () => {
    const h = harness(alarms, [], {
      kpis: () => {
        throw new Error('InfluxDB down');
      },
    });
    const s = h.scheduler();
    await s.start();
    // 5 + 10 + 20 + 40 + 80 + 160 + 300 s between the eight attempts.
    await h.clock.advance(615_000 - 1);
    expect(h.store.rows).toHaveLength(0);
    await h.clock.advance(1);
    expect(h.store.rows[0]!.kpis).toEqual({ available: false, reason: 'alarm KPIs could not be read: InfluxDB down' });
    await s.stop();
  });
});
