/**
 * Facility ids that would name one of Vigil's own MQTT clients: a sensor's or gateway's id is its
 * device's MQTT user name and client id, and a site's id names its ingest session `vigil-<site>`
 * (several nodes). Refused at load, with where and why, before any credential is issued or the
 * broker is reconciled (rules in device-credentials.broker.ts).
 */
import type { FacilityFile } from '../../../contract/index.ts';
import { reservedDeviceId, reservedSiteId } from './device-credentials.broker.ts';
import type { RawProblem } from './facility.resolve.ts';

export function brokerIdProblems(file: FacilityFile): RawProblem[] {
  const problems: RawProblem[] = [];
  const check = (what: string, id: string, path: RawProblem['path'], why: string | null): void => {
    if (why !== null) problems.push({ path, message: `${what} id "${id}" is reserved: ${why}` });
  };
  file.sites.forEach((site, si) => {
    check('site', site.id, ['sites', si, 'id'], reservedSiteId(site.id));
    site.gateways.forEach((g, gi) => check('gateway', g.id, ['sites', si, 'gateways', gi, 'id'], reservedDeviceId(g.id)));
    site.floors.forEach((floor, fi) =>
      floor.zones.forEach((zone, zi) =>
        zone.sensors.forEach((s, ki) => check('sensor', s.id, ['sites', si, 'floors', fi, 'zones', zi, 'sensors', ki, 'id'], reservedDeviceId(s.id))),
      ),
    );
  });
  return problems;
}
