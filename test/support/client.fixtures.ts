/** Builders for test data: a valid object with only what a test cares about overridden. */
import type { Alarm, AlarmChangeEvent, AlarmEvent, AlarmSnapshot, Incident, SensorLiveState } from '../../contract/alarm.ts';
import { DRILL_TARGETS, unraisedItem, type Drill, type DrillReport, type DrillReportItem } from '../../contract/drill.ts';
import type { Facility } from '../../contract/facility.ts';
import { FIXTURE_T0 as T0, makeAlarm } from './contract.fixtures.ts';

export { makeAlarm };

export function makeIncident(overrides: Partial<Incident> & { id: string }): Incident {
  return {
    siteId: 'hq',
    zoneId: 'kitchen',
    drill: null,
    state: 'open',
    alarmIds: [],
    priority: 'high',
    unackedCount: 1,
    activeCount: 1,
    openedAt: T0,
    updatedAt: T0,
    ackedAt: null,
    ackedBy: null,
    assignedTo: null,
    closedAt: null,
    ...overrides,
  };
}

export function makeSensorState(overrides: Partial<SensorLiveState> & { sensorId: string }): SensorLiveState {
  return { lastSeen: T0, lastValue: 1, lastEvent: null, online: true, battery: 90, rssi: -60, outOfService: null, ...overrides };
}

export function alarmEvent(seq: number, alarm: Alarm, kind: AlarmChangeEvent['kind'] = 'updated'): AlarmEvent {
  return { seq, subject: 'alarm', kind, alarmId: alarm.id, alarm, at: alarm.updatedAt, actor: 'system', note: null, drill: alarm.drill };
}

export function snapshot(seq: number, alarms: Alarm[] = [], sensors: SensorLiveState[] = [], incidents: Incident[] = []): AlarmSnapshot {
  return { seq, at: T0, alarms, incidents, sensors };
}

/** A two-site facility with a few sensors. */
export function makeFacility(): Facility {
  const thresholds = { low: 10, high: 20, deadband: 2, lowOnDelayS: 2, highOnDelayS: 0, riseRate: 5, riseWindowS: 30 };
  const sensor = (id: string, siteId: string, floorId: string, zoneId: string) => ({
    id,
    name: `Sensor ${id}`,
    kind: 'gas' as const,
    siteId,
    floorId,
    zoneId,
    secureZone: false,
    x: 10,
    y: 10,
    unit: '%LEL' as const,
    thresholds,
    heartbeatS: 60,
    heldOpenS: null,
    leakOnDelayS: null,
    batteryLowPct: 20,
    schedule: null,
    source: { adapter: 'native' as const },
  });
  return {
    name: 'Admin Services Centre',
    sites: [
      {
        id: 'hq',
        name: 'Headquarters',
        timezone: 'Asia/Shanghai',
        floors: [
          {
            id: 'canteen-1f',
            name: 'Canteen 1F',
            siteId: 'hq',
            planUrl: '/plans/canteen-1f.svg',
            zones: [{ id: 'kitchen', name: 'Hot kitchen', siteId: 'hq', floorId: 'canteen-1f', secure: false, sensorIds: ['KIT-GAS-01'] }],
          },
        ],
      },
      {
        id: 'gh',
        name: 'Guesthouse',
        timezone: 'Asia/Shanghai',
        floors: [
          {
            id: 'gh-2f',
            name: 'Guesthouse 2F',
            siteId: 'gh',
            planUrl: '/plans/gh-2f.svg',
            zones: [{ id: 'rooms', name: 'Rooms', siteId: 'gh', floorId: 'gh-2f', secure: false, sensorIds: ['GH-GAS-01'] }],
          },
        ],
      },
    ],
    sensors: [sensor('KIT-GAS-01', 'hq', 'canteen-1f', 'kitchen'), sensor('GH-GAS-01', 'gh', 'gh-2f', 'rooms')],
    schedules: {},
    sops: {},
  };
}

export function makeDrill(overrides: Partial<Drill> = {}): Drill {
  return {
    id: 'drill-20261127-020000-canteen-gas-leak',
    scenario: 'canteen-gas-leak',
    title: 'Canteen gas leak',
    speed: 1,
    siteId: 'hq',
    startedBy: 'manager',
    startedAt: T0,
    endedAt: T0 + 300_000,
    state: 'ended',
    expected: [],
    ...overrides,
  };
}

/** A report item for an expectation nothing answered: missed. */
export function missedItem(expectation: DrillReportItem['expectation']): DrillReportItem {
  return unraisedItem(expectation, 'missed', null);
}

/** A report over the given items, scored as the server scores it (drill.service.ts). */
export function makeDrillReport(items: DrillReportItem[], overrides: Partial<DrillReport> = {}): DrillReport {
  const expected = items.length;
  const count = (o: DrillReportItem['outcome']) => items.filter((i) => i.outcome === o).length;
  const raised = count('raised');
  const missed = count('missed');
  const displayedInTime = items.filter((i) => i.displayOk).length;
  const ackedInTime = items.filter((i) => i.ackOk).length;
  const acksJudged = items.filter((i) => i.ack === 'in_time' || i.ack === 'late' || i.ack === 'not_acked').length;
  const judged = 3 * missed + 2 * raised + acksJudged;
  const percent = judged === 0 ? (expected === 0 ? 100 : null) : Math.round(((raised + displayedInTime + ackedInTime) / judged) * 100);
  return {
    drill: makeDrill({ expected: items.map((i) => i.expectation) }),
    items,
    unexpected: [],
    score: { expected, raised, missed, pending: count('pending'), notPlayed: count('not_played'), displayedInTime, ackedInTime, acksJudged, percent },
    targets: DRILL_TARGETS,
    ...overrides,
  };
}

export { T0 };
