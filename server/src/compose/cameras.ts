/** Camera verification: stills with alarms, the cameras' self-supervision, pruning past retention. */
import { HttpCameras } from '../adapters/camera.http.ts';
import { SqlCameraSnapshots } from '../adapters/sql.camera-snapshots.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { CameraService } from '../services/camera.service.ts';
import { systemScheduler } from '../services/clock.ts';
import type { Alarms } from './alarms.ts';
import type { LiveFanout } from './links.ts';
import type { Part } from './parts.ts';
import type { Facility } from './startup.ts';
import type { Storage } from './storage.ts';

export interface Cameras {
  service: CameraService;
  /** Probes and pruning; stopping waits for stills being fetched. */
  part: Part;
}

export function composeCameras(config: Config, logger: Logger, facility: Facility, storage: Storage, alarms: Alarms, live: LiveFanout): Cameras {
  const log = logger.child({ component: 'cameras' });
  const service = new CameraService({
    registry: facility.registry,
    cameras: new HttpCameras(facility.cameraSources, process.env, { timeoutMs: config.CAMERA_TIMEOUT_MS, maxBytes: 5 * 1024 * 1024 }),
    store: new SqlCameraSnapshots(storage.sql, config.DATA_DIR),
    audit: storage.audit,
    cameraStatus: async (id, answered, detail) => alarms.service.cameraStatus(id, answered, detail),
    scheduler: systemScheduler,
    settings: {
      secondShotS: config.CAMERA_SECOND_SHOT_S,
      probeIntervalS: config.CAMERA_PROBE_S,
      retentionDays: config.CAMERA_RETENTION_DAYS,
      simulated: config.SIMULATED_CAMERAS,
    },
    onError: (err, what) => log.error({ err }, what),
  });
  // Alarm events reach the cameras the way they reach the dashboards: after they are committed.
  live.connect({ publish: (e) => service.onAlarmEvent(e), sensors: () => undefined });
  log.info({ cameras: facility.registry.cameras().map((c) => c.id) }, 'verification cameras');
  return {
    service,
    part: {
      name: 'cameras',
      start: () => service.start(),
      stop: () => service.stop(),
      // A still being fetched may take its timeout twice (one retry): it is stored before the database closes.
      stopWithinMs: 2 * config.CAMERA_TIMEOUT_MS + 1000,
    },
  };
}
