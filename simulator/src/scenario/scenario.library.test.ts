// Every scenario file validates — against the schema and the demo facility — and a
// broken file is reported with its file, line and path, every problem at once.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CONDITIONS } from '../../../contract/index.ts';
import { readFacility } from '../facility/facility.read.ts';
import { SimulatorError } from '../simulator.errors.ts';
import { loadScenario, loadScenarioFile, scenarioFiles, scenarioNames } from './scenario.library.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const facility = readFacility(path.join(ROOT, 'config/facility.yaml'));

const REQUIRED = [
  'canteen-gas-leak',
  'guesthouse-fire',
  'forced-door-night',
  'door-propped-open',
  'sensor-silent',
  'gateway-failure',
  'batteries-low',
  'alarm-flood',
  'basement-flood',
  'sprinkler-activation',
  'valve-left-closed',
];

const tempDirs: string[] = [];
afterAll(() => tempDirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function scenarioFile(yaml: string, name = 'broken'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-sim-scenario-'));
  tempDirs.push(dir);
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(file, yaml);
  return file;
}

function problemsOf(file: string): string {
  try {
    loadScenarioFile(file, facility);
  } catch (err) {
    expect(err).toBeInstanceOf(SimulatorError);
    expect((err as SimulatorError).code).toBe('SCENARIO_INVALID');
    return (err as Error).message;
  }
  throw new Error('expected the scenario to be invalid');
}

describe('the scenario library', () => {
  it('holds the scenarios a drill coordinator needs (gas leak, fire, forced door, sensor failure, flood)', () => {
    expect(scenarioNames()).toEqual(expect.arrayContaining(REQUIRED));
  });

  it.each(scenarioFiles().map((f) => [path.basename(f), f]))('%s validates against the demo facility', (_name, file) => {
    const { scenario, durationS } = loadScenarioFile(file, facility);
    expect(scenario.expect.length).toBeGreaterThan(0);
    for (const e of scenario.expect) {
      expect(CONDITIONS).toContain(e.condition);
      expect(e.within).toBeLessThanOrEqual(durationS);
    }
  });

  it('expects the alarm flood to raise at least 30 alarms within 2 minutes at one site', () => {
    const { scenario } = loadScenario('alarm-flood', facility);
    const quick = scenario.expect.filter((e) => e.within <= 120);
    expect(quick.reduce((n, e) => n + e.count, 0)).toBeGreaterThanOrEqual(30);
  });

  it('names an unknown scenario with the list of known ones', () => {
    expect(() => loadScenario('canteen-flood', facility)).toThrow(/unknown scenario "canteen-flood".*canteen-gas-leak/);
  });

  it('reports schema problems with file, line and path', () => {
    const file = scenarioFile(
      [
        'name: broken',
        'title: Broken',
        'description: A broken scenario.',
        'site: hq',
        'steps:',
        '  - { at: 0, sensor: CAN-GAS-01, ramp: { to: 12, over: 30 }, event: { type: open } }',
        '  - { at: -1, sensor: CAN-GAS-01, silence: true }',
        'expect:',
        '  - { sensor: CAN-GAS-01, condition: explosion, priority: critical, within: 60 }',
      ].join('\n'),
    );
    const message = problemsOf(file);
    expect(message).toContain(`${file}:6: steps[0]: a step does one thing: found ramp, event`);
    expect(message).toMatch(new RegExp(`${file}:7: steps\\[1\\]\\.at: `));
    expect(message).toMatch(new RegExp(`${file}:9: expect\\[0\\]\\.condition: `));
  });

  it('checks steps and expectations against the facility', () => {
    const file = scenarioFile(
      [
        'name: mismatched',
        'title: Mismatched',
        'description: Names that do not fit the facility.',
        'site: hq',
        'steps:',
        '  - { at: 0, sensor: CAN-GAS-99, ramp: { to: 12, over: 30 } }',
        '  - { at: 0, sensor: TWR-3F-DR-SRV, event: { type: smoke } }',
        '  - { at: 0, sensor: GH-1F-SMK-101, event: { type: smoke } }',
        '  - { at: 0, sensor: TWR-1F-DR-MAIN, ramp: { to: 12, over: 30 } }',
        'expect:',
        '  - { sensor: TWR-3F-DR-SRV, condition: gas, priority: critical, within: 60 }',
        '  - { zone: server-room, condition: door_forced, priority: critical, within: 60, count: 2 }',
      ].join('\n'),
      'mismatched',
    );
    const message = problemsOf(file);
    expect(message).toContain(':6: steps[0]: unknown sensor CAN-GAS-99');
    expect(message).toContain(':7: steps[1]: TWR-3F-DR-SRV: a door sensor does not send smoke events');
    expect(message).toContain(":8: steps[2]: GH-1F-SMK-101 not in the scenario's site hq");
    expect(message).toContain(':9: steps[3]: TWR-1F-DR-MAIN: door sensors send no readings');
    expect(message).toContain(':11: expect[0].condition: no selected sensor can raise gas');
    expect(message).toContain(':12: expect[1].count: count 2 but only 1 selected sensors can raise door_forced');
  });

  it('requires the name to match the file name', () => {
    const file = scenarioFile(
      [
        'name: other-name',
        'title: T',
        'description: D.',
        'site: hq',
        'steps:',
        '  - { at: 0, note: hello }',
        'expect:',
        '  - { sensor: CAN-GAS-01, condition: gas, priority: high, within: 10 }',
      ].join('\n'),
      'this-name',
    );
    expect(problemsOf(file)).toContain('name "other-name" must match the file name "this-name"');
  });
});
