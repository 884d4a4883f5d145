/** Drills: scenarios run by the simulator as a child process, publishing over MQTT like devices. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ScenarioFiles } from '../adapters/scenario.files.ts';
import { SimulatorRunner } from '../adapters/simulator.runner.ts';
import { SqlDrillStore } from '../adapters/sql.drills.ts';
import type { Config } from '../config.ts';
import type { Registry } from '../domain/registry.ts';
import type { Logger } from '../logger.ts';
import type { AlarmOperations } from '../services/alarm.operations.ts';
import { systemClock } from '../services/clock.ts';
import { DrillService } from '../services/drill.service.ts';
import type { PresenceService } from '../services/presence.service.ts';
import type { BrokerConnection } from './broker.ts';
import type { Part } from './parts.ts';
import type { Realtime } from './realtime.ts';
import type { Storage } from './storage.ts';

/** The repository root: the simulator and its scenarios are run from there. */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export interface Drills {
  service: DrillService;
  scenarios: ScenarioFiles;
  /** Stopping ends the simulators still running. */
  part: Part;
}

export function composeDrills(
  config: Config,
  logger: Logger,
  registry: Registry,
  storage: Storage,
  alarms: AlarmOperations,
  realtime: Realtime,
  broker: BrokerConnection,
  presence?: PresenceService,
): Drills {
  const scenarios = new ScenarioFiles(path.join(ROOT, 'simulator/scenarios'));
  const log = logger.child({ component: 'drills' });
  const simulator = new SimulatorRunner({
    root: ROOT,
    brokerUrl: broker.url,
    facilityFile: config.FACILITY_FILE,
    ...broker.drillLogin,
    logger: log,
  });
  const service = new DrillService(
    new SqlDrillStore(storage.sql),
    scenarios,
    { sensors: () => registry.allSensors() },
    simulator,
    {
      drillAlarms: async (id) => alarms.drillAlarms(id),
      endDrill: async (id, by) => alarms.endDrill(id, by),
      triggerTime: (id, sensorId, at) => storage.history.lastDrillObservation(id, sensorId, at),
    },
    storage.audit,
    (notice) => realtime.hub.drill(notice),
    systemClock,
    presence && ((id) => presence.drillMusters(id, async (alarmId) => alarms.get(alarmId))),
    (err, what) => log.error({ err }, what),
  );
  return { service, scenarios, part: { name: 'drill simulators', stop: () => simulator.stopAll() } };
}
