/**
 * Per site: how many alarms wait for an acknowledgement and the worst state anything there is
 * in. The site selector and the all-sites overview show these, so an alarm on a site nobody is
 * looking at is seen from any site.
 */
import type { Alarm } from '../../../contract/alarm.ts';
import type { Facility } from '../../../contract/facility.ts';
import { alarmDisplayState, worstState, type SensorDisplayState } from './sensor.status.ts';

export interface SiteSummary {
  siteId: string;
  /** Open alarms not yet acknowledged (active or returned to normal), shelved ones aside. */
  unacked: number;
  worst: SensorDisplayState;
}

function unacknowledged(alarm: Alarm): boolean {
  return (alarm.state === 'active_unacked' || alarm.state === 'cleared_unacked') && alarm.shelved === null && !alarm.outOfService;
}

/**
 * One summary per site, in the facility's order. The worst state counts the site's sensors and
 * also its alarms with no sensor on a plan (a gateway offline, unregistered devices).
 */
export function siteSummaries(facility: Facility, alarms: Iterable<Alarm>, sensorStates: ReadonlyMap<string, SensorDisplayState>): SiteSummary[] {
  const bySite = new Map<string, { unacked: number; states: SensorDisplayState[] }>(facility.sites.map((s) => [s.id, { unacked: 0, states: [] }]));
  for (const sensor of facility.sensors) bySite.get(sensor.siteId)?.states.push(sensorStates.get(sensor.id) ?? 'unknown');
  for (const alarm of alarms) {
    const site = bySite.get(alarm.siteId);
    if (!site) continue;
    if (unacknowledged(alarm)) site.unacked += 1;
    const state = alarmDisplayState(alarm);
    if (state !== null && !sensorStates.has(alarm.sensorId)) site.states.push(state);
  }
  return facility.sites.map((s) => {
    const site = bySite.get(s.id) ?? { unacked: 0, states: [] };
    return { siteId: s.id, unacked: site.unacked, worst: worstState(site.states) };
  });
}
