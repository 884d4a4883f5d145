import { describe, expect, it } from 'vitest';
import { makeAlarm, T0 } from '../../../test/support/client.fixtures.ts';
import { alarmPeriods } from './alarm.periods.ts';

const MIN = 60_000;

describe('alarm periods on a sensor chart', () => {
  it('runs from the raise to the return to normal, or to now while active', () => {
    const closed = makeAlarm({ id: 'a', raisedAt: T0, clearedAt: T0 + 5 * MIN });
    const open = makeAlarm({ id: 'b', raisedAt: T0 + 20 * MIN });
    expect(alarmPeriods([closed, open], 'KIT-GAS-01', T0 - MIN, T0 + 60 * MIN, T0 + 30 * MIN)).toEqual([
      { id: 'a', from: T0, to: T0 + 5 * MIN, priority: 'critical', drill: false, open: false },
      { id: 'b', from: T0 + 20 * MIN, to: T0 + 30 * MIN, priority: 'critical', drill: false, open: true },
    ]);
  });
  it('clips to the chart, drops what lies outside it and other sensors', () => {
    const alarms = [
      makeAlarm({ id: 'early', raisedAt: T0 - 10 * MIN, clearedAt: T0 + MIN }),
      makeAlarm({ id: 'before', raisedAt: T0 - 10 * MIN, clearedAt: T0 - 5 * MIN }),
      makeAlarm({ id: 'other', sensorId: 'X', raisedAt: T0 }),
    ];
    expect(alarmPeriods(alarms, 'KIT-GAS-01', T0, T0 + 10 * MIN, T0 + 10 * MIN).map((p) => [p.id, p.from, p.to])).toEqual([['early', T0, T0 + MIN]]);
  });
  it('marks drill periods, and keeps the closed picture when an alarm comes twice', () => {
    const live = makeAlarm({ id: 'a', raisedAt: T0, drill: 'd-1' });
    const stored = { ...live, clearedAt: T0 + MIN };
    const [period] = alarmPeriods([live, stored], 'KIT-GAS-01', T0, T0 + 10 * MIN, T0 + 10 * MIN);
    expect(period).toMatchObject({ drill: true, open: false, to: T0 + MIN });
  });
});
