// Flag validation: a bad flag or argument is a usage error with a clear message (the CLI exits 2).
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SimulatorError } from '../simulator.errors.ts';
import { parseCommandLine, type CommandSpec } from './program.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const quiet = { out: () => {}, err: () => {} };
const parse = (...argv: string[]): CommandSpec => parseCommandLine(argv, quiet);

function usage(...argv: string[]): string {
  try {
    parse(...argv);
  } catch (err) {
    expect(err).toBeInstanceOf(SimulatorError);
    expect((err as SimulatorError).code).toBe('USAGE');
    return (err as Error).message;
  }
  throw new Error(`expected a usage error for: ${argv.join(' ')}`);
}

describe('the command line', () => {
  it('parses run with its defaults', () => {
    expect(parse('run')).toEqual({
      command: 'run',
      common: { broker: 'mqtt://127.0.0.1:1883', facility: 'config/facility.yaml', speed: 1, dryRun: false, connectTimeoutS: 30 },
    });
  });

  it('parses a drill with every flag', () => {
    const spec = parse(
      'drill',
      'canteen-gas-leak',
      '--speed',
      '10',
      '--seed',
      '7',
      '--site',
      'hq',
      '--drill-id',
      'drill-x1',
      '--no-register',
      '--broker',
      'mqtt://b:1883',
      '--username',
      'sim',
      '--password',
      'pw',
      '--lead-in',
      '0',
      '--no-background',
    );
    expect(spec).toMatchObject({
      command: 'drill',
      name: 'canteen-gas-leak',
      leadInS: 0,
      background: false,
      common: { speed: 10, seed: 7, site: 'hq', broker: 'mqtt://b:1883', username: 'sim', password: 'pw' },
      drill: { drillId: 'drill-x1', register: false, server: 'http://127.0.0.1:8080' },
    });
  });

  it('parses the flags the server uses to run a drill (server/src/adapters/simulator.runner.ts)', () => {
    const spec = parse(
      'drill',
      'guesthouse-fire',
      '--drill-id',
      'drill-20261127-101500-guesthouse-fire',
      '--site',
      'lodging',
      '--speed',
      '5',
      '--broker',
      'mqtt://127.0.0.1:1883',
      '--facility',
      'config/facility.yaml',
      '--no-register',
      '--username',
      'drill@{sensor}',
      '--password-file',
      'data/broker/drill.password',
    );
    expect(spec).toMatchObject({
      command: 'drill',
      common: { username: 'drill@{sensor}', passwordFile: 'data/broker/drill.password' },
      drill: { register: false, drillId: 'drill-20261127-101500-guesthouse-fire' },
    });
  });

  it('reads the MQTT password from VIGIL_MQTT_PASSWORD, where the server puts it instead of the command line', () => {
    process.env.VIGIL_MQTT_PASSWORD = 'from-env';
    try {
      expect(parse('drill', 'guesthouse-fire', '--no-register', '--username', 'vigil-ingest')).toMatchObject({
        common: { username: 'vigil-ingest', password: 'from-env' },
      });
    } finally {
      delete process.env.VIGIL_MQTT_PASSWORD;
    }
  });

  it('parses load', () => {
    expect(parse('load', '--sensors', '500', '--rate', '5000', '--duration', '30')).toMatchObject({
      command: 'load',
      sensors: 500,
      rate: 5000,
      durationS: 30,
      connections: 4,
    });
  });

  it.each([
    [['run', '--speed', '0'], /--speed <x>.*'0' is invalid.*above 0/],
    [['run', '--speed', 'fast'], /'fast' is invalid/],
    [['run', '--speed', '5000'], /at most 1000/],
    [['run', '--seed', '-1'], /integer from 0 to 4294967295/],
    [['run', '--seed', '1.5'], /integer from 0 to 4294967295/],
    [['run', '--broker', 'http://x:1883'], /mqtt:\/\//],
    [['run', '--broker', 'not a url'], /must be a URL/],
    [['run', '--duration', '0'], /above 0/],
    [['run', '--start', '2026-11-27T02:40:00Z'], /--start only applies to --dry-run/],
    [['run', '--dry-run', '--start', 'yesterday'], /ISO 8601/],
    [['run', '--site', 'h q'], /site id/],
    [['run', '--bogus'], /unknown option '--bogus'/],
    [['scenario'], /missing required argument 'name'/],
    [['drill', 'canteen-gas-leak', '--drill-id', 'exercise 1'], /drill id looks like drill-/],
    [['drill', 'canteen-gas-leak', '--server', 'ftp://x'], /http:\/\//],
    [['load', '--sensors', '0'], /whole number from 1/],
    [['load', '--rate', '-5'], /above 0/],
    [['load', '--speed', '2'], /unknown option '--speed'/],
    [['run', '--password', 'x', '--password-file', 'f'], /--password or --password-file, not both/],
    // Several shared connections cannot each be one device's credential on a broker that binds client ids.
    [['load', '--username', 'sim@{sensor}'], /plain --username/],
    [['explode'], /unknown command 'explode'/],
    [[], /a command is needed/],
  ])('%j is refused: %s', (argv, message) => {
    expect(usage(...argv)).toMatch(message);
  });

  it('answers --help on every command', () => {
    for (const argv of [
      ['--help'],
      ['run', '--help'],
      ['scenario', '--help'],
      ['drill', '--help'],
      ['load', '--help'],
      ['list', '--help'],
      ['validate', '--help'],
    ]) {
      const spec = parse(...argv);
      expect(spec.command).toBe('help');
      expect(spec.command === 'help' && spec.text).toMatch(/Usage: simulate/);
    }
  });

  it('exits with code 2 and a clear message for a bad flag, and for an unknown scenario', async () => {
    const run = (...args: string[]) =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', path.join(ROOT, 'simulator/src/cli.ts'), ...args], { cwd: ROOT }).then(
        () => ({ code: 0, stderr: '' }),
        (err: { code: number; stderr: string }) => ({ code: err.code, stderr: err.stderr }),
      );
    const [badFlag, badScenario] = await Promise.all([run('run', '--speed', '-3'), run('scenario', 'no-such-thing', '--dry-run')]);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toMatch(/^simulate: option '--speed <x>' argument '-3' is invalid/);
    expect(badScenario.code).toBe(2);
    expect(badScenario.stderr).toMatch(/unknown scenario "no-such-thing"; the library has: .*canteen-gas-leak/);
  });
});
