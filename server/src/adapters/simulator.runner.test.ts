// Drills the server runs: the simulator is started with the drill devices' credentials (one per
// device, bound to its client id, the password read from a file), and one drill runs per site at
// a time — a second would connect the same drill devices and take their connections away.
import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { Drill } from '../../../contract/index.ts';
import { SimulatorRunner } from './simulator.runner.ts';

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
