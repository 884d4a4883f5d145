/**
 * The scenario library: the YAML files in `simulator/scenarios/`, each validated on load against
 * the schema and the facility. A scenario is named by its file name, or given as a path.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { zodProblems } from '../../../contract/zod-problems.ts';
import type { SimFacility } from '../facility/facility.read.ts';
import { formatProblems, readYaml } from '../facility/yaml.file.ts';
import { SimulatorError } from '../simulator.errors.ts';
import { checkScenario, scenarioDuration } from './scenario.check.ts';
import { scenarioSchema, type Scenario } from './scenario.schema.ts';

export const SCENARIOS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../scenarios');

export interface LoadedScenario {
  file: string;
  scenario: Scenario;
  /** Scenario seconds. */
  durationS: number;
}

export function scenarioFiles(dir = SCENARIOS_DIR): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => /\.ya?ml$/.test(n))
    .sort()
    .map((n) => path.join(dir, n));
}

export function scenarioNames(dir = SCENARIOS_DIR): string[] {
  return scenarioFiles(dir).map((f) => path.basename(f).replace(/\.ya?ml$/, ''));
}

/** A library name (`canteen-gas-leak`) or a path to a scenario file. */
export function scenarioFileFor(nameOrPath: string, dir = SCENARIOS_DIR): string {
  if (/[/\\]|\.ya?ml$/.test(nameOrPath)) return path.resolve(nameOrPath);
  const file = scenarioFiles(dir).find((f) => path.basename(f).replace(/\.ya?ml$/, '') === nameOrPath);
  if (file === undefined) {
    throw new SimulatorError(
      'SCENARIO_UNKNOWN',
      `unknown scenario "${nameOrPath}"; the library has: ${scenarioNames(dir).join(', ') || '(none)'} (see \`simulate list\`)`,
    );
  }
  return file;
}

/** Parses and schema-checks a scenario file, without the facility (for `list`). */
export function parseScenarioFile(file: string): Scenario {
  const doc = readYaml(file);
  if (Array.isArray(doc)) throw invalid(file, doc);
  const parsed = scenarioSchema.safeParse(doc.data);
  if (!parsed.success) throw invalid(file, formatProblems(doc, zodProblems(parsed.error.issues)));
  return parsed.data;
}

/** Parses, schema-checks and checks a scenario file against the facility. */
export function loadScenarioFile(file: string, facility: SimFacility): LoadedScenario {
  const doc = readYaml(file);
  if (Array.isArray(doc)) throw invalid(file, doc);
  const parsed = scenarioSchema.safeParse(doc.data);
  if (!parsed.success) throw invalid(file, formatProblems(doc, zodProblems(parsed.error.issues)));
  const problems = checkScenario(parsed.data, facility, path.basename(file).replace(/\.ya?ml$/, ''));
  if (problems.length > 0) throw invalid(file, formatProblems(doc, problems));
  return { file, scenario: parsed.data, durationS: scenarioDuration(parsed.data) };
}

export function loadScenario(nameOrPath: string, facility: SimFacility, dir = SCENARIOS_DIR): LoadedScenario {
  return loadScenarioFile(scenarioFileFor(nameOrPath, dir), facility);
}

function invalid(file: string, lines: string[]): SimulatorError {
  return new SimulatorError('SCENARIO_INVALID', `invalid scenario ${file}:\n${lines.join('\n')}`);
}
