/** What the server reads before anything else, and the exit with a message when it is wrong. */
import { ConfigError, loadConfig, type Config } from '../config.ts';
import { Registry } from '../domain/registry.ts';
import type { Logger } from '../logger.ts';
import { FacilityError, loadFacility, type LoadedFacility } from '../services/facility.loader.ts';

/** Exit code of a configuration the server cannot start with (environment or facility file). */
const BAD_CONFIGURATION = 2;

function exitWith(message: string): never {
  process.stderr.write(`vigil: ${message}\n`);
  process.exit(BAD_CONFIGURATION);
}

export function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) exitWith(err.message);
    throw err;
  }
}

export interface Facility {
  registry: Registry;
  planFiles: LoadedFacility['planFiles'];
}

export function facilityOrExit(config: Config, logger: Logger): Facility {
  let loaded: LoadedFacility;
  try {
    loaded = loadFacility(config.FACILITY_FILE);
  } catch (err) {
    if (err instanceof FacilityError) exitWith(`the facility file is invalid:\n${err.message}`);
    throw err;
  }
  const registry = new Registry(loaded.facility);
  logger.info({ file: config.FACILITY_FILE, sites: registry.facility.sites.length, sensors: registry.allSensors().length }, 'facility loaded');
  return { registry, planFiles: loaded.planFiles };
}
