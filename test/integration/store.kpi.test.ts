/**
 * The KPIs' reads of the alarm store on every engine: which alarms overlap a period and which
 * annunciations fall in it, and the figures the KPI page and the safety report show computed from
 * them — the same hand-counted numbers on SQLite and PostgreSQL. Drill alarms never count in real
 * statistics (ISA-18.2 performance figures are of the real alarm system; docs/kpis.md).
 */
import { expect, it } from 'vitest';
import type { Alarm, AlarmEvent } from '../../contract/index.ts';
import { SqlKpiSource } from '../../server/src/adapters/sql.kpi.ts';
import type { Sql } from '../../server/src/adapters/sql.ts';
import { KpiService } from '../../server/src/services/kpi.service.ts';
import { FIXTURE_T0 as T, makeAlarm } from '../support/contract.fixtures.ts';
import { eachStore } from '../support/stores.ts';

const MIN = 60_000;
const H = 60 * MIN;
const period = { from: T, to: T + 2 * H };

const a = {
  // raised before the period, re-activated in it (10 min in), acknowledged, still open
  before: makeAlarm({ id: 'before', raisedAt: T - 2 * H, activatedAt: T + 10 * MIN, ackedAt: T + 11 * MIN, state: 'active_acked' }),
  // raised in the period at hq, 15 min in: in the same 10 minutes as the re-activation; acknowledged after 120 s
  hq: makeAlarm({ id: 'hq', priority: 'high', sensorId: 'KIT-SMK-01', condition: 'smoke', raisedAt: T + 15 * MIN, ackedAt: T + 17 * MIN }),
  // raised in the period at the other site, acknowledged after 30 s
  lab: makeAlarm({ id: 'lab', siteId: 'lab', sensorId: 'LAB-GAS-01', raisedAt: T + H, ackedAt: T + H + 30_000 }),
  // a drill's alarm in the period: never counted
  drill: makeAlarm({ id: 'drill', raisedAt: T + H, ackedAt: T + H + 1000, drill: 'd-1' }),
  // closed before the period began
  closed: makeAlarm({ id: 'closed', raisedAt: T - 3 * H, closedAt: T - H, state: 'cleared' }),
  // raised after it ended
  after: makeAlarm({ id: 'after', raisedAt: T + 3 * H }),
};

/** The alarm store's rows, written as the alarm store writes them. */
async function seeded(sql: Sql): Promise<SqlKpiSource> {
  for (const x of Object.values(a))
    await sql.run(
      `INSERT INTO alarm (id, site, zone, sensor, kind, condition, priority, state, drill, raised_at, closed_at, updated_at, json)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [x.id, x.siteId, x.zoneId, x.sensorId, x.sensorKind, x.condition, x.priority, x.state, x.drill, x.raisedAt, x.closedAt, x.updatedAt, JSON.stringify(x)],
    );
  const events: [AlarmEvent['kind'], Alarm, number][] = [
    ['raised', a.before, T - 2 * H],
    ['cleared', a.before, T - H],
    ['reactivated', a.before, T + 10 * MIN],
    ['acked', a.before, T + 11 * MIN],
    ['raised', a.hq, T + 15 * MIN],
    ['acked', a.hq, T + 17 * MIN],
    ['raised', a.lab, T + H],
    ['raised', a.drill, T + H],
    ['raised', a.closed, T - 3 * H],
    ['raised', a.after, T + 3 * H],
  ];
  let seq = 0;
  for (const [kind, alarm, at] of events)
    await sql.run('INSERT INTO alarm_event (seq, at, subject, kind, alarm_id, sensor_id, actor, drill, json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)', [
      ++seq,
      at,
      'alarm',
      kind,
      alarm.id,
      alarm.sensorId,
      'system',
      alarm.drill,
      JSON.stringify({ subject: 'alarm', kind, alarmId: alarm.id, alarm, at, actor: 'system', note: null, drill: alarm.drill, seq }),
    ]);
  return new SqlKpiSource(sql);
}

function kpis(source: SqlKpiSource): KpiService {
  return new KpiService({
    alarms: source,
    presence: { presence: async () => new Map() },
    live: { snapshot: async () => ({ alarms: [], sensors: [] }) },
    registry: { facility: { sites: [{ id: 'hq' }, { id: 'lab' }] }, allSensors: () => [], sensor: () => undefined, sensorsBehind: () => [] },
    clock: { now: () => T + 3 * H },
    rawRetentionMs: 90 * 24 * H,
  });
}

eachStore((open) => {
  it('alarms open at some time in the period, drills left out', async () => {
    const src = await seeded(await open());
    const ids = async (site: string | null) => (await src.alarmsOverlapping(period, site)).map((x) => x.id);
    expect(await ids(null)).toEqual(['before', 'hq', 'lab']);
    expect(await ids('hq')).toEqual(['before', 'hq']);
    expect(await ids('nowhere')).toEqual([]);
    expect((await src.alarmsOverlapping(period, 'lab'))[0]).toEqual(a.lab);
  });

  it('annunciations: raises and re-activations in the period, in time order, drills and other events left out', async () => {
    const src = await seeded(await open());
    expect(await src.annunciations(period, null)).toEqual([
      { alarmId: 'before', at: T + 10 * MIN },
      { alarmId: 'hq', at: T + 15 * MIN },
      { alarmId: 'lab', at: T + H },
    ]);
    expect(await src.annunciations(period, 'lab')).toEqual([{ alarmId: 'lab', at: T + H }]);
    // The period is half-open: an annunciation at its end belongs to the next one.
    expect(await src.annunciations({ from: T, to: T + H }, null)).toEqual([
      { alarmId: 'before', at: T + 10 * MIN },
      { alarmId: 'hq', at: T + 15 * MIN },
    ]);
  });

  it('the figures: counted by hand from the seeded alarms', async () => {
    const service = kpis(await seeded(await open()));
    const all = await service.compute({ siteId: null, ...period });
    // 3 annunciations: the re-activation and the hq raise 10–20 min in, the lab raise an hour in;
    // two positions (sites) over 2 hours: 3 / 2 / 2 = 0.75 an hour each, 2 × 12 ten-minute slots.
    expect(all.rate).toMatchObject({ alarms: 3, avgPerHour: 0.75, peakPer10Min: 2, peakPerHour: 2, slots: 24, floodSlots: 0 });
    expect(all.sites.map((s) => [s.siteId, s.alarms, s.peakPer10Min])).toEqual([
      ['hq', 2, 2],
      ['lab', 1, 1],
    ]);
    // Raised in the period: hq (high, acknowledged after 120 s) and lab (critical, after 30 s).
    const acked = (p: string) => all.ack.find((r) => r.priority === p);
    expect(acked('critical')).toMatchObject({ count: 1, medianS: 30 });
    expect(acked('high')).toMatchObject({ count: 1, medianS: 120 });
    expect(all.priorities.filter((p) => p.count > 0).map((p) => [p.priority, p.count])).toEqual([
      ['critical', 1],
      ['high', 1],
    ]);
    expect(all.topAlarms.map((t) => [t.sensorId, t.count])).toEqual(
      expect.arrayContaining([
        ['KIT-GAS-01', 1],
        ['KIT-SMK-01', 1],
        ['LAB-GAS-01', 1],
      ]),
    );

    const hq = await service.compute({ siteId: 'hq', ...period });
    expect(hq.rate).toMatchObject({ alarms: 2, peakPer10Min: 2 });
    expect(hq.ack.find((r) => r.priority === 'critical')).toMatchObject({ count: 0 });
    expect(hq.ack.find((r) => r.priority === 'high')).toMatchObject({ count: 1, medianS: 120 });
  });
});
