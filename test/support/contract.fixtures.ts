/**
 * Test-data builders shared by the server's and the dashboard's tests (never imported by
 * production code): a valid object, with only what a test cares about overridden.
 */
import type { Alarm, Incident } from '../../contract/alarm.ts';

/** 2026-11-27 02:00 UTC: the moment fixtures happen at unless a test says otherwise. */
export const FIXTURE_T0 = Date.UTC(2026, 10, 27, 2, 0, 0);
const T0 = FIXTURE_T0;

/** An active, unacknowledged critical gas alarm in the canteen kitchen. */
export function makeAlarm(overrides: Partial<Alarm> & { id: string }): Alarm {
  return {
    siteId: 'hq',
    floorId: 'canteen-1f',
    zoneId: 'kitchen',
    sensorId: 'KIT-GAS-01',
    sensorName: 'Kitchen gas detector',
    sensorKind: 'gas',
    condition: 'gas',
    class: 'alarm',
    priority: 'critical',
    state: 'active_unacked',
    conditionActive: true,
    latching: true,
    raisedAt: T0,
    activatedAt: T0,
    clearedAt: null,
    closedAt: null,
    ackedAt: null,
    ackedBy: null,
    resetAt: null,
    resetBy: null,
    assignedTo: null,
    escalationLevel: 0,
    escalationDueAt: null,
    chattering: false,
    shelved: null,
    outOfService: false,
    incidentId: null,
    drill: null,
    sopKey: 'gas_leak',
    sop: ['Evacuate'],
    lastValue: 23,
    peakValue: 23,
    unit: '%LEL',
    message: 'Gas 23 %LEL ≥ high 20',
    resolution: null,
    updatedAt: T0,
    ...overrides,
  };
}

/** An incident of `siteId`'s kitchen as the alarm store keeps it; closed ones carry their closing time. */
export function makeIncident(id: string, siteId: string, state: Incident['state'], openedAt: number): Incident {
  return {
    id,
    siteId,
    zoneId: 'kitchen',
    drill: null,
    state,
    alarmIds: [],
    priority: 'high',
    unackedCount: 0,
    activeCount: 0,
    openedAt,
    updatedAt: openedAt,
    ackedAt: null,
    ackedBy: null,
    assignedTo: null,
    closedAt: state === 'closed' ? openedAt : null,
  };
}
