// The safety report's arithmetic, counted by hand: trends against the period before, drills held
// against the drill plan (overdue when a scenario's interval has passed since its last drill, or it
// was never drilled), sensor availability from offline alarms.
import { describe, expect, it } from 'vitest';
import { makeAlarm } from '../../../../test/support/contract.fixtures.ts';
import { alarmFigures, drillPlanStatus, drillsHeld, sensorFigures, trend, type HeldDrill } from './figures.ts';
import { periodOf, previousPeriod, zonedInstant } from './periods.ts';

const SH = 'Asia/Shanghai';
const H = 3_600_000;
const week = periodOf('week', SH, zonedInstant(SH, 2026, 11, 25)); // Mon 23 – Mon 30 Nov
const before = previousPeriod('week', SH, week);
const names = (k: string) => ({ name: k.toUpperCase() });

describe('trend', () => {
  it('delta and percent against the previous period; no percent from zero', () => {
    expect(trend(6, 4)).toEqual({ current: 6, previous: 4, delta: 2, percent: 50 });
    expect(trend(1, 3)).toEqual({ current: 1, previous: 3, delta: -2, percent: -66.7 });
    expect(trend(2, 0).percent).toBeNull();
  });
});

describe('alarmFigures', () => {
  it('counts by type and zone in each period, leaves drills out, counts escalations', () => {
    const alarms = [
      makeAlarm({ id: 'a', raisedAt: week.from, escalationLevel: 2 }),
      makeAlarm({ id: 'b', raisedAt: week.to - 1, condition: 'smoke', zoneId: 'hall' }),
      makeAlarm({ id: 'c', raisedAt: week.to, condition: 'smoke' }), // next week
      makeAlarm({ id: 'd', raisedAt: week.from - 1, condition: 'battery_low', class: 'trouble' }), // the week before
      makeAlarm({ id: 'e', raisedAt: week.from + H, drill: 'drill-x' }),
      makeAlarm({ id: 'f', raisedAt: week.from + 2 * H, condition: 'door_held', class: 'supervisory', escalationLevel: 1 }),
    ];
    const f = alarmFigures({ alarms, period: week, previous: before, zoneName: names, conditionName: names });
    expect(f.alarms.total).toEqual({ current: 3, previous: 1, delta: 2, percent: 200 });
    expect(f.alarms.lifeSafety).toMatchObject({ current: 2, previous: 0 });
    // NFPA 72 signal classes: gas and smoke are alarm signals, the held door supervisory, the low battery trouble.
    expect(f.alarms.byClass).toEqual([
      { class: 'alarm', ...trend(2, 0) },
      { class: 'supervisory', ...trend(1, 0) },
      { class: 'trouble', ...trend(0, 1) },
    ]);
    expect(f.alarms.byCondition.map((r) => [r.key, r.current, r.previous])).toEqual([
      ['door_held', 1, 0],
      ['gas', 1, 0],
      ['smoke', 1, 0],
      ['battery_low', 0, 1],
    ]);
    expect(f.alarms.byZone.map((r) => [r.key, r.name, r.current, r.previous])).toEqual([
      ['kitchen', 'KITCHEN', 2, 1],
      ['hall', 'HALL', 1, 0],
    ]);
    expect(f.escalations).toEqual({ alarms: trend(2, 0), highestLevel: 2 });
  });
});

describe('sensorFigures', () => {
  it('availability is sensor-time outside offline alarms, clipped to the period', () => {
    const span = week.to - week.from;
    const alarms = [
      // Began before the week, back 2 h into it.
      makeAlarm({ id: 'o1', condition: 'offline', raisedAt: week.from - 5 * H, clearedAt: week.from + 2 * H }),
      // Still offline at the week's end: counts to the end, 3 h.
      makeAlarm({ id: 'o2', condition: 'offline', raisedAt: week.to - 3 * H }),
      makeAlarm({ id: 'b1', condition: 'battery_low', sensorId: 'S1', raisedAt: week.from + H }),
      makeAlarm({ id: 'b2', condition: 'battery_low', sensorId: 'S1', raisedAt: week.from + 2 * H }),
      makeAlarm({ id: 'g', condition: 'gas', raisedAt: week.from + H }),
    ];
    const f = sensorFigures({ alarms, period: week, sensorCount: 10, sensorName: (id) => `n-${id}` });
    expect(f.offlineHours).toBe(5);
    expect(f.availabilityPct).toBe(Math.round((1 - (5 * H) / (10 * span)) * 10_000) / 100);
    expect(f.issues).toEqual([{ sensorId: 'S1', sensorName: 'n-S1', condition: 'battery_low', alarms: 2 }]);
    expect(sensorFigures({ alarms: [], period: week, sensorCount: 0, sensorName: String }).availabilityPct).toBeNull();
  });
});

describe('drills against the plan', () => {
  const plan = [
    { scenario: 'gas', every: 'month' as const },
    { scenario: 'fire', every: 'quarter' as const },
    { scenario: 'flood', every: 'year' as const },
  ];
  const drill = (id: string, scenario: string, startedAt: number, siteId = 'hq'): HeldDrill => ({
    id,
    scenario,
    title: scenario,
    siteId,
    startedAt,
    endedAt: startedAt + H,
  });
  const drills = [
    drill('d1', 'gas', zonedInstant(SH, 2026, 10, 24, 10)), // due 24 Nov 10:00: inside the week, not held again → overdue
    drill('d2', 'fire', zonedInstant(SH, 2026, 11, 24, 9)), // held in the week
    drill('d3', 'fire', zonedInstant(SH, 2026, 9, 1, 9)),
    drill('d4', 'flood', zonedInstant(SH, 2026, 11, 24, 9), 'lodging'), // another site
    drill('d5', 'evacuation', zonedInstant(SH, 2026, 11, 25, 9)), // not in the plan
  ];

  it('held in the period, last held, due one interval later, overdue at the period end; never held is overdue', () => {
    const rows = drillPlanStatus(plan, drills, 'hq', SH, week, week.to, (s) => s);
    expect(rows).toEqual([
      { scenario: 'gas', title: 'gas', every: 'month', held: 0, lastHeldAt: drills[0]!.startedAt, dueAt: zonedInstant(SH, 2026, 11, 24, 10), overdue: true },
      { scenario: 'fire', title: 'fire', every: 'quarter', held: 1, lastHeldAt: drills[1]!.startedAt, dueAt: zonedInstant(SH, 2027, 2, 24, 9), overdue: false },
      { scenario: 'flood', title: 'flood', every: 'year', held: 0, lastHeldAt: null, dueAt: null, overdue: true },
    ]);
    // As of before the gas drill fell due, it is not overdue yet.
    expect(drillPlanStatus(plan, drills, 'hq', SH, week, zonedInstant(SH, 2026, 11, 24, 9), (s) => s)[0]!.overdue).toBe(false);
    // A drill after `asOf` does not count (a report on a past week ignores later drills).
    expect(drillPlanStatus(plan, drills, 'hq', SH, before, before.to, (s) => s)[1]).toMatchObject({ held: 0, lastHeldAt: drills[2]!.startedAt });
  });

  it('lists the drills held at the site in the period with their scores, planned or not', () => {
    const held = drillsHeld(plan, drills, 'hq', week, (id) => (id === 'd2' ? 80 : null));
    expect(held.map((d) => [d.id, d.planned, d.scorePercent])).toEqual([
      ['d2', true, 80],
      ['d5', false, null],
    ]);
  });
});
