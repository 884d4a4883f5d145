/** Resolves a step's or an expectation's selector (sensor, sensors, zone or site, plus kind) to sensors. */
import type { Sensor } from '../../../contract/index.ts';
import type { SimFacility } from '../facility/facility.read.ts';
import type { Selector } from './scenario.schema.ts';

/** The selected sensors in registry order, or why the selector selects nothing. */
export function selectSensors(facility: SimFacility, sel: Selector): Sensor[] | string {
  let chosen: Sensor[];
  if (sel.sensor !== undefined || sel.sensors !== undefined) {
    const ids = sel.sensors ?? [sel.sensor!];
    const unknown = ids.filter((id) => !facility.sensors.some((s) => s.id === id));
    if (unknown.length > 0) return `unknown sensor${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (not in ${facility.file})`;
    chosen = ids.map((id) => facility.sensors.find((s) => s.id === id)!);
  } else if (sel.zone !== undefined) {
    if (!facility.zones.some((z) => z.id === sel.zone)) return `unknown zone ${sel.zone} (not in ${facility.file})`;
    chosen = facility.sensors.filter((s) => s.zoneId === sel.zone);
  } else if (sel.site !== undefined) {
    if (!facility.sites.some((s) => s.id === sel.site)) return `unknown site ${sel.site} (not in ${facility.file})`;
    chosen = facility.sensors.filter((s) => s.siteId === sel.site);
  } else {
    return 'no sensor, sensors, zone or site given';
  }
  if (sel.kind !== undefined) {
    chosen = chosen.filter((s) => s.kind === sel.kind);
    if (chosen.length === 0) return `no ${sel.kind} sensor is selected`;
  }
  if (chosen.length === 0) return 'selects no sensor';
  return chosen;
}
