/** What the server reads before anything else, and the exit with a message when it is wrong. */
import { ConfigError, loadConfig, type Config } from '../config.ts';
import { Registry } from '../domain/registry.ts';
import type { Logger } from '../logger.ts';
import { missingCameraCredentials } from '../services/facility.cameras.ts';
import { FacilityError, loadFacility, type LoadedFacility } from '../services/facility.loader.ts';
import { ContactsError, resolveContacts } from '../services/notification.config.ts';
import type { ResolvedContact } from '../services/notification.ports.ts';

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
  escalation: LoadedFacility['escalation'];
  /** Escalation contacts with their secrets from the environment. */
  contacts: ResolvedContact[];
  /** How the server reaches each verification camera. */
  cameraSources: LoadedFacility['cameraSources'];
  /** Badge holders, door readers and buildings (presence in hazard zones). */
  presence: LoadedFacility['presence'];
}

export function facilityOrExit(config: Config, logger: Logger): Facility {
  let loaded: LoadedFacility;
  try {
    loaded = loadFacility(config.FACILITY_FILE);
  } catch (err) {
    if (err instanceof FacilityError) exitWith(`the facility file is invalid:\n${err.message}`);
    throw err;
  }
  let contacts: ResolvedContact[];
  try {
    contacts = resolveContacts(loaded.escalation, config, process.env);
  } catch (err) {
    if (err instanceof ContactsError) exitWith(`${config.FACILITY_FILE}: ${err.message}`);
    throw err;
  }
  const cameraProblems = missingCameraCredentials(loaded.cameraSources, process.env);
  if (cameraProblems.length > 0) exitWith(`${config.FACILITY_FILE}: ${cameraProblems.join('; ')}`);
  const registry = new Registry(loaded.facility);
  logger.info({ file: config.FACILITY_FILE, sites: registry.facility.sites.length, sensors: registry.allSensors().length }, 'facility loaded');
  logger.info({ contacts: contacts.map((c) => `${c.id} (${c.channel})`) }, 'escalation contacts');
  return { registry, planFiles: loaded.planFiles, escalation: loaded.escalation, contacts, cameraSources: loaded.cameraSources, presence: loaded.presence };
}
