/**
 * The facility file's `cameras`: what the schema cannot check (unique ids across cameras,
 * gateways and sensors; the zone and the doors named exist in the camera's site and the doors are
 * door sensors), split into what the dashboard may see (`Camera`) and what only the server
 * holds (its URLs and the name of its credentials variable).
 */
import type { Camera, CameraConfig, FacilityFile, Sensor } from '../../../contract/index.ts';
import { formatPath } from '../../../contract/yaml-location.ts';
import type { PathSegment } from './facility.resolve.ts';

/** How the server reaches one camera. */
export interface CameraSource {
  id: string;
  snapshotUrl: string;
  streamUrl: string | null;
  credentialsEnv: string | null;
}

export interface ResolvedCameras {
  cameras: Camera[];
  sources: Map<string, CameraSource>;
}

export function resolveCameras(
  file: FacilityFile,
  sensors: readonly Sensor[],
  /** Sensor and gateway ids with where they are written: a camera may not share one. */
  takenIds: ReadonlyMap<string, PathSegment[]>,
  report: (path: PathSegment[], message: string) => void,
): ResolvedCameras {
  const sensorsById = new Map(sensors.map((s) => [s.id, s]));
  const cameras: Camera[] = [];
  const sources = new Map<string, CameraSource>();
  const firstUse = new Map<string, PathSegment[]>();
  file.sites.forEach((site, si) => {
    const zones = new Set(site.floors.flatMap((f) => f.zones.map((z) => z.id)));
    (site.cameras ?? []).forEach((raw: CameraConfig, ci) => {
      const path: PathSegment[] = ['sites', si, 'cameras', ci];
      const clash = firstUse.get(raw.id) ?? takenIds.get(raw.id);
      if (clash !== undefined) {
        report([...path, 'id'], `duplicate id "${raw.id}": already used at ${formatPath(clash)} (camera, gateway and sensor ids must differ)`);
        return;
      }
      firstUse.set(raw.id, [...path, 'id']);
      if (raw.zone !== undefined && !zones.has(raw.zone)) report([...path, 'zone'], `no zone "${raw.zone}" in site "${site.id}"`);
      (raw.doors ?? []).forEach((doorId, di) => {
        const door = sensorsById.get(doorId);
        if (door === undefined || door.siteId !== site.id) report([...path, 'doors', di], `no sensor "${doorId}" in site "${site.id}"`);
        else if (door.kind !== 'door') report([...path, 'doors', di], `"${doorId}" is a ${door.kind} sensor, not a door`);
      });
      cameras.push({
        id: raw.id,
        name: raw.name,
        ...(raw.nameZh !== undefined && { nameZh: raw.nameZh }),
        siteId: site.id,
        zoneId: raw.zone ?? null,
        doorIds: [...(raw.doors ?? [])],
        stream: raw.streamUrl !== undefined,
        simulated: raw.simulated ?? false,
      });
      sources.set(raw.id, { id: raw.id, snapshotUrl: raw.snapshotUrl, streamUrl: raw.streamUrl ?? null, credentialsEnv: raw.credentialsEnv ?? null });
    });
  });
  return { cameras, sources };
}

/**
 * The cameras whose `credentialsEnv` names a variable that is unset, as start-up messages: a
 * camera that cannot sign in would only ever be "offline", which hides a configuration mistake.
 */
export function missingCameraCredentials(sources: ReadonlyMap<string, CameraSource>, env: NodeJS.ProcessEnv): string[] {
  return [...sources.values()]
    .filter((s) => s.credentialsEnv !== null && !env[s.credentialsEnv])
    .map((s) => `camera ${s.id}: environment variable ${s.credentialsEnv} (user:password) is not set`);
}
