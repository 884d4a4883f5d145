/** Lookups over the facility the dashboard needs again and again (built once per load). */
import type { Facility, Floor, Sensor, Site, Zone } from '../../../contract/facility.ts';
import type { Gateway } from '../../../contract/gateway.ts';

export interface FacilityIndex {
  sensorsById: ReadonlyMap<string, Sensor>;
  sitesById: ReadonlyMap<string, Site>;
  /** Every site's gateways (ids are unique across gateways and sensors). */
  gatewaysById: ReadonlyMap<string, Gateway>;
  floorOf: (siteId: string, floorId: string) => Floor | undefined;
  zoneOf: (siteId: string, zoneId: string) => { zone: Zone; floor: Floor } | undefined;
}

export function indexFacility(facility: Facility): FacilityIndex {
  const sensorsById = new Map(facility.sensors.map((s) => [s.id, s]));
  const sitesById = new Map(facility.sites.map((s) => [s.id, s]));
  const gatewaysById = new Map((facility.gateways ?? []).map((g) => [g.id, g]));
  const floors = new Map<string, Floor>();
  const zones = new Map<string, { zone: Zone; floor: Floor }>();
  for (const site of facility.sites) {
    for (const floor of site.floors) {
      floors.set(`${site.id}/${floor.id}`, floor);
      for (const zone of floor.zones) zones.set(`${site.id}/${zone.id}`, { zone, floor });
    }
  }
  return {
    sensorsById,
    sitesById,
    gatewaysById,
    floorOf: (siteId, floorId) => floors.get(`${siteId}/${floorId}`),
    zoneOf: (siteId, zoneId) => zones.get(`${siteId}/${zoneId}`),
  };
}
