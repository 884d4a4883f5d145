/**
 * The KPIs' reads of the real SQLite alarm store: which alarms overlap a period and which
 * annunciations fall in it. Drill alarms never count in real statistics (ISA-18.2 performance
 * figures are of the real alarm system; docs/kpis.md).
 */
import { describe, expect, it } from 'vitest';
import type { Alarm, AlarmEvent } from '../../../contract/index.ts';
import { FIXTURE_T0 as T, makeAlarm } from '../../../test/support/contract.fixtures.ts';
import { tempDatabases } from '../../../test/support/sqlite.temp.ts';
import { SqliteAlarmStore } from './sqlite.alarms.ts';
import { SqliteKpiSource } from './sqlite.kpi.ts';

const H = 3_600_000;
const open = tempDatabases('vigil-kpi-');
const meta = { counters: { alarm: 0, incident: 0 }, floods: [], outOfService: [], seq: 0 };
let seq = 0;
const event = (kind: AlarmEvent['kind'], alarm: Alarm, at: number): AlarmEvent =>
  ({ subject: 'alarm', kind, alarmId: alarm.id, alarm, at, actor: 'system', note: null, drill: alarm.drill, seq: ++seq }) as AlarmEvent;

function seeded() {
  const { db } = open();
  const store = new SqliteAlarmStore(db);
  const a = {
    // raised before the period, re-activated in it, still open
    before: makeAlarm({ id: 'before', raisedAt: T - 2 * H, activatedAt: T + 10 * 60_000 }),
    // raised in the period at the other site
    lab: makeAlarm({ id: 'lab', siteId: 'lab', raisedAt: T + H }),
    // a drill's alarm in the period: never counted
    drill: makeAlarm({ id: 'drill', raisedAt: T + H, drill: 'd-1' }),
    // closed before the period began
    closed: makeAlarm({ id: 'closed', raisedAt: T - 3 * H, closedAt: T - H, state: 'cleared' }),
    // raised after it ended
    after: makeAlarm({ id: 'after', raisedAt: T + 3 * H }),
  };
  const events = [
    event('raised', a.before, T - 2 * H),
    event('cleared', a.before, T - H),
    event('reactivated', a.before, T + 10 * 60_000),
    event('acked', a.before, T + 11 * 60_000),
    event('raised', a.lab, T + H),
    event('raised', a.drill, T + H),
    event('raised', a.closed, T - 3 * H),
    event('raised', a.after, T + 3 * H),
  ];
  store.commit({ events, alarms: Object.values(a), incidents: [], ruleStates: [], meta });
  return new SqliteKpiSource(db);
}

describe('SqliteKpiSource', () => {
  const period = { from: T, to: T + 2 * H };

  it('alarms open at some time in the period, drills left out', () => {
    const ids = (site: string | null) =>
      seeded()
        .alarmsOverlapping(period, site)
        .map((x) => x.id)
        .sort();
    expect(ids(null)).toEqual(['before', 'lab']);
    expect(ids('hq')).toEqual(['before']);
  });

  it('annunciations: raises and re-activations in the period, in time order, drills and other events left out', () => {
    const src = seeded();
    expect(src.annunciations(period, null)).toEqual([
      { alarmId: 'before', at: T + 10 * 60_000 },
      { alarmId: 'lab', at: T + H },
    ]);
    expect(src.annunciations(period, 'lab')).toEqual([{ alarmId: 'lab', at: T + H }]);
  });
});
