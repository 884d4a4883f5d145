// Drills the server runs: the simulator is started with the drill devices' credentials (one per
// device, bound to its client id, the password read from a file), and one drill runs per site at
// a time — a second would connect the same drill devices and take their connections away.
import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { Drill } from '../../../contract/index.ts';
import { SIMULATOR_BUNDLE, SIMULATOR_PASSWORD_ENV, SimulatorRunner } from './simulator.runner.ts';

class FakeChild extends EventEmitter {
  readonly stderr = new EventEmitter();
  killed = false;
  kill(): boolean {
    this.killed = true;
    this.emit('exit', null, 'SIGTERM');
    return true;
  }
}

function setup() {
  const started: { args: readonly string[]; child: FakeChild }[] = [];
  const runner = new SimulatorRunner({
    root: '/app',
    brokerUrl: 'mqtt://broker:1883',
    facilityFile: '/app/config/facility.yaml',
    username: 'drill@{sensor}',
    passwordFile: '/data/broker/drill.password',
    logger: pino({ level: 'silent' }),
    spawn: (_command, args) => {
      const child = new FakeChild();
      started.push({ args, child });
      return child as unknown as ChildProcess;
    },
  });
  return { runner, started };
}

const drill = (id: string, siteId: string) => ({ id, siteId, scenario: 'canteen-gas-leak' }) as Drill;
const exits = () => {
  const seen: boolean[] = [];
  return { seen, onExit: (ok: boolean) => seen.push(ok) };
};

describe('SimulatorRunner', () => {
  it("starts the simulator with the drill devices' credential template and password file, never the password itself", () => {
    const { runner, started } = setup();
    runner.run(drill('d1', 'hq'), 10, () => {});
    const args = started[0]!.args;
    expect(args.slice(args.indexOf('--username'), args.indexOf('--username') + 2)).toEqual(['--username', 'drill@{sensor}']);
    expect(args.slice(args.indexOf('--password-file'), args.indexOf('--password-file') + 2)).toEqual(['--password-file', '/data/broker/drill.password']);
    expect(args).not.toContain('--password');
  });

  it('runs one drill per site: a second one at the same site ends at once, another site runs, and the site is free again afterwards', async () => {
    const { runner, started } = setup();
    const first = exits();
    const second = exits();
    runner.run(drill('d1', 'hq'), 10, first.onExit);
    runner.run(drill('d2', 'hq'), 10, second.onExit);
    runner.run(drill('d3', 'lodging'), 10, () => {});
    await Promise.resolve();
    expect(started).toHaveLength(2);
    expect(second.seen).toEqual([false]);
    started[0]!.child.emit('exit', 0, null);
    expect(first.seen).toEqual([true]);
    runner.run(drill('d4', 'hq'), 10, () => {});
    expect(started).toHaveLength(3);
  });
});

describe('SimulatorRunner: secrets and what it runs', () => {
  function start(o: { brokerUrl: string; username?: string; passwordFile?: string; bundle: boolean }) {
    const started: { args: readonly string[]; env: NodeJS.ProcessEnv }[] = [];
    const runner = new SimulatorRunner({
      root: '/app',
      brokerUrl: o.brokerUrl,
      facilityFile: '/app/config/facility.yaml',
      ...(o.username !== undefined && { username: o.username }),
      ...(o.passwordFile !== undefined && { passwordFile: o.passwordFile }),
      logger: pino({ level: 'silent' }),
      exists: (file) => o.bundle && file === `/app/${SIMULATOR_BUNDLE}`,
      spawn: (_command, args, options) => {
        started.push({ args, env: options.env ?? {} });
        return new FakeChild() as unknown as ChildProcess;
      },
    });
    runner.run(drill('d1', 'hq'), 10, () => {});
    return started[0]!;
  }

  it('puts no password from the broker URL on the command line (ps shows it to every user): the user name as --username, the password in the environment', () => {
    const { args, env } = start({ brokerUrl: 'mqtt://vigil-ingest:s3cr%40t@broker:1883', bundle: false });
    expect(args.join(' ')).not.toContain('s3cr');
    expect(args.slice(args.indexOf('--broker'), args.indexOf('--broker') + 2)).toEqual(['--broker', 'mqtt://broker:1883']);
    expect(args.slice(args.indexOf('--username'), args.indexOf('--username') + 2)).toEqual(['--username', 'vigil-ingest']);
    expect(env[SIMULATOR_PASSWORD_ENV]).toBe('s3cr@t');
  });

  it("with the drill devices' own credential, the URL's credentials go nowhere", () => {
    const { args, env } = start({
      brokerUrl: 'mqtt://vigil-ingest:s3cret@broker:1883',
      username: 'drill@{sensor}',
      passwordFile: '/data/drill.password',
      bundle: false,
    });
    expect(args.join(' ')).not.toContain('s3cret');
    expect(args.join(' ')).not.toContain('vigil-ingest');
    expect(env[SIMULATOR_PASSWORD_ENV]).toBeUndefined();
  });

  it('runs the simulator bundle when it was built (no tsx, no TypeScript sources needed), else the sources through tsx', () => {
    expect(start({ brokerUrl: 'mqtt://broker:1883', bundle: true }).args.slice(0, 2)).toEqual([`/app/${SIMULATOR_BUNDLE}`, 'drill']);
    expect(start({ brokerUrl: 'mqtt://broker:1883', bundle: false }).args.slice(0, 4)).toEqual(['--import', 'tsx', '/app/simulator/src/cli.ts', 'drill']);
  });
});
