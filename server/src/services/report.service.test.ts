import { describe, expect, it } from 'vitest';
import type { Alarm } from '../../../contract/index.ts';
import { makeAlarm } from '../../../test/support/contract.fixtures.ts';
import type { AlarmFilter } from './alarm.ports.ts';
import { ReportService } from './report.service.ts';

const T0 = Date.parse('2026-11-27T00:00:00Z');
/** A closed-out critical gas alarm of the kitchen, raised at T0, unless overridden. */
const alarm = (p: Partial<Alarm>): Alarm =>
  makeAlarm({ id: 'a', state: 'cleared', conditionActive: false, raisedAt: T0, activatedAt: T0, updatedAt: T0, ...p });

/** A fake source that applies the drill filter the way the SQLite store does. */
function source(alarms: Alarm[]) {
  return {
    list: async (f: AlarmFilter) => {
      const rows = alarms.filter((a) => (f.drill === 'only' ? a.drill !== null : f.drill === 'exclude' ? a.drill === null : true));
      return { total: rows.length, alarms: rows.slice(f.offset, f.offset + f.limit) };
    },
  };
}

describe('alarm statistics', () => {
  const alarms = [
    alarm({ id: 'a1', ackedAt: T0 + 10_000, closedAt: T0 + 60_000 }),
    alarm({ id: 'a2', ackedAt: T0 + 30_000, closedAt: T0 + 120_000, escalationLevel: 1 }),
    alarm({ id: 'a3', zoneId: 'dining', sensorId: 'DIN-SMK-01', condition: 'offline', priority: 'medium', state: 'active_unacked', chattering: true }),
    alarm({ id: 'd1', drill: 'drill-1', ackedAt: T0 + 5_000 }),
  ];
  it('counts per zone with acknowledgement and resolution times, excluding drills (drills never in real statistics)', async () => {
    const r = await new ReportService(source(alarms)).alarmStats(T0, T0 + 86_400_000, undefined, 'exclude');
    expect(r.total).toMatchObject({ alarms: 3, critical: 2, medianAckS: 20, medianResolveS: 90, unacknowledged: 1, escalated: 1, chattering: 1 });
    expect(r.byZone.map((z) => [z.zoneId, z.alarms])).toEqual([
      ['kitchen', 2],
      ['dining', 1],
    ]);
    expect(r.offlineSensors).toEqual([{ sensorId: 'DIN-SMK-01', times: 1 }]);
    expect(r.topSensors[0]).toEqual({ sensorId: 'KIT-GAS-01', alarms: 2, chattering: 0 });
  });
  it('counts per alarm type (condition) across zones, drills excluded', async () => {
    const r = await new ReportService(source(alarms)).alarmStats(T0, T0 + 86_400_000, undefined, 'exclude');
    expect(r.byCondition.map((c) => [c.condition, c.alarms, c.critical, c.medianAckS])).toEqual([
      ['gas', 2, 2, 20],
      ['offline', 1, 0, null],
    ]);
  });
  // NFPA 72 signal classes, reported as such: a supervisory signal (a closed sprinkler valve) is
  // counted apart from the alarm signals.
  it('counts per signal class across zones, drills excluded', async () => {
    const classed = alarms.map((a): Alarm => (a.condition === 'offline' ? { ...a, class: 'trouble' } : a));
    const withValve = [...classed, alarm({ id: 'v1', sensorId: 'GH-1F-SPR-VALVE', condition: 'valve_closed', class: 'supervisory', priority: 'high' })];
    const r = await new ReportService(source(withValve)).alarmStats(T0, T0 + 86_400_000, undefined, 'exclude');
    expect(r.byClass?.map((c) => [c.class, c.alarms])).toEqual([
      ['alarm', 2],
      ['supervisory', 1],
      ['trouble', 1],
    ]);
  });
  it('reports a drill on its own when asked', async () => {
    const r = await new ReportService(source(alarms)).alarmStats(T0, T0 + 86_400_000, undefined, 'only');
    expect(r.total).toMatchObject({ alarms: 1, medianAckS: 5 });
  });
});

describe('alarm statistics over several pages', () => {
  // The store is read a page (1000 alarms) at a time, an await apart: an alarm raised between two
  // reads comes first (newest first) and moves the last alarm of the page read onto the next page.
  it('counts an alarm once when a raise between two page reads moves it onto the next page', async () => {
    const alarms = Array.from({ length: 1500 }, (_, i) => alarm({ id: `a${i}`, raisedAt: T0 + (1500 - i) * 1000 }));
    const reads = source(alarms);
    let pages = 0;
    const raisingMeanwhile = {
      list: async (f: AlarmFilter) => {
        const page = await reads.list(f);
        if (++pages === 1) alarms.unshift(alarm({ id: 'raised-meanwhile', raisedAt: T0 + 2_000_000 }));
        return page;
      },
    };
    const r = await new ReportService(raisingMeanwhile).alarmStats(T0, T0 + 86_400_000, undefined, 'exclude');
    expect(pages).toBe(2);
    expect(r.total.alarms).toBe(1500);
  });
});
