/**
 * The facility file's presence settings (`people`, `presenceWindowHours`, each door's `readers`,
 * each floor's `building`), cross-checked: a reader must lead into a zone of its door's site (or
 * `outside`), only doors have readers, and no badge belongs to two people.
 */
import { DEFAULT_PRESENCE_WINDOW_HOURS, OUTSIDE, type DoorReaders, type FacilityFile, type Person } from '../../../contract/index.ts';
import type { RawProblem } from './facility.resolve.ts';

export interface PresenceSettings {
  windowHours: number;
  people: Person[];
  /** Door sensor id → its readers, where the file sets them. */
  readers: Map<string, DoorReaders>;
  /** Floor id → building, where the file sets it. */
  buildings: Map<string, string>;
  /** Building → its Chinese name (`buildingZh`), where the file gives one. */
  buildingsZh?: Map<string, string>;
}

export function presenceSettings(file: FacilityFile): { settings: PresenceSettings; problems: RawProblem[] } {
  const problems: RawProblem[] = [];
  const readers = new Map<string, DoorReaders>();
  const buildings = new Map<string, string>();
  const buildingsZh = new Map<string, string>();
  file.sites.forEach((site, si) => {
    const zones = new Set(site.floors.flatMap((f) => f.zones.map((z) => z.id)));
    site.floors.forEach((floor, fi) => {
      if (floor.building !== undefined) buildings.set(floor.id, floor.building);
      if (floor.building !== undefined && floor.buildingZh !== undefined) buildingsZh.set(floor.building, floor.buildingZh);
      floor.zones.forEach((zone, zi) =>
        zone.sensors.forEach((sensor, ki) => {
          if (sensor.readers === undefined) return;
          const path = ['sites', si, 'floors', fi, 'zones', zi, 'sensors', ki, 'readers'];
          if (sensor.kind !== 'door') problems.push({ path, message: `only doors have badge readers (${sensor.id} is ${sensor.kind})` });
          for (const side of ['in', 'out'] as const) {
            const into = sensor.readers[side];
            if (into !== undefined && into !== OUTSIDE && !zones.has(into))
              problems.push({ path: [...path, side], message: `no zone "${into}" in site "${site.id}" (a zone id, or "${OUTSIDE}")` });
          }
          readers.set(sensor.id, sensor.readers);
        }),
      );
    });
  });
  const holderOf = new Map<string, string>();
  const ids = new Set<string>();
  (file.people ?? []).forEach((person, pi) => {
    if (ids.has(person.id)) problems.push({ path: ['people', pi, 'id'], message: `duplicate person id "${person.id}"` });
    ids.add(person.id);
    person.credentials.forEach((c, ci) => {
      const other = holderOf.get(c);
      // The badge id itself stays out of the message: the file's problems are logged.
      if (other !== undefined && other !== person.id) problems.push({ path: ['people', pi, 'credentials', ci], message: `this badge is also ${other}'s` });
      holderOf.set(c, person.id);
    });
  });
  return {
    settings: {
      windowHours: file.presenceWindowHours ?? DEFAULT_PRESENCE_WINDOW_HOURS,
      people: file.people ?? [],
      readers,
      buildings,
      ...(buildingsZh.size > 0 && { buildingsZh }),
    },
    problems,
  };
}
