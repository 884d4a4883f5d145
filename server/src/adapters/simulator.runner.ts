/**
 * Runs a drill's scenario with the simulator as a child process: the drill publishes through MQTT
 * like real devices would, each drill device with its own credential bound to its client id.
 * One drill per site at a time: two would connect the same drill devices and take each other's
 * connections.
 *
 * No secret goes on the child's command line, where `ps` shows it to every user of the machine:
 * the drill password is read from a file by the simulator, and credentials in the broker URL are
 * taken out of it (the user name goes as `--username`, the password in the child's environment).
 *
 * The simulator runs from its bundle (SIMULATOR_BUNDLE, built by `npm run build:simulator`, as
 * the Docker image does) when there is one, so a deployment needs neither tsx nor the simulator's
 * TypeScript sources to run drills; from a checkout without it, from source through tsx. A
 * checkout that built the bundle runs it too: rebuild it after changing the simulator, or delete
 * simulator/dist/.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Drill } from '../../../contract/index.ts';
import type { DrillRunner } from '../services/drill.service.ts';
import type { Logger } from '../logger.ts';

export interface SimulatorRunnerOptions {
  root: string;
  brokerUrl: string;
  facilityFile: string;
  /** `--username` of the simulator: `{sensor}` makes one credential per device. */
  username?: string;
  /** Read by the simulator itself: the password stays out of its command line. */
  passwordFile?: string;
  logger: Logger;
  /** Whether a file exists (the simulator bundle); fs.existsSync unless a test says otherwise. */
  exists?: (file: string) => boolean;
  /** Starts the child (node's spawn; a fake in unit tests). */
  spawn?: (command: string, args: readonly string[], options: SpawnOptions) => ChildProcess;
}

/**
 * The simulator bundle, relative to the repository root. It sits as deep below simulator/ as the
 * sources it is built from (simulator/src/<dir>/), so the paths they derive from their own
 * location (the scenarios directory, the repository root) hold in the bundle too.
 */
export const SIMULATOR_BUNDLE = 'simulator/dist/bin/simulator.mjs';
/** The environment variable the simulator reads its MQTT password from (its `--password`). */
export const SIMULATOR_PASSWORD_ENV = 'VIGIL_MQTT_PASSWORD';

/** Node's arguments that start the simulator under `root`: its bundle when built, else its sources through tsx. */
export function simulatorEntry(root: string, exists: (file: string) => boolean = fs.existsSync): string[] {
  const bundle = path.join(root, SIMULATOR_BUNDLE);
  return exists(bundle) ? [bundle] : ['--import', 'tsx', path.join(root, 'simulator/src/cli.ts')];
}

/** The broker URL without credentials, and the credentials it carried. */
function splitCredentials(url: string): { url: string; username?: string; password?: string } {
  const u = new URL(url);
  if (u.username === '' && u.password === '') return { url };
  const username = decodeURIComponent(u.username);
  const password = decodeURIComponent(u.password);
  u.username = '';
  u.password = '';
  return { url: u.toString(), ...(username && { username }), ...(password && { password }) };
}

export class SimulatorRunner implements DrillRunner {
  private readonly running = new Map<string, ChildProcess>();
  private readonly sites = new Map<string, string>();

  constructor(private readonly o: SimulatorRunnerOptions) {}

  run(drill: Drill, speed: number, onExit: (ok: boolean) => void): void {
    const busy = this.runningAt(drill.siteId);
    if (busy !== undefined) {
      this.o.logger.warn({ drill: drill.id, running: busy, site: drill.siteId }, 'another drill is running at this site: this one does not start');
      queueMicrotask(() => onExit(false));
      return;
    }
    const broker = splitCredentials(this.o.brokerUrl);
    const args = [
      ...simulatorEntry(this.o.root, this.o.exists),
      'drill',
      drill.scenario,
      '--drill-id',
      drill.id,
      '--site',
      drill.siteId,
      '--speed',
      String(speed),
      '--broker',
      broker.url,
      '--facility',
      this.o.facilityFile,
      '--no-register',
    ];
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env[SIMULATOR_PASSWORD_ENV];
    const username = this.o.username ?? broker.username;
    if (username) args.push('--username', username);
    if (this.o.passwordFile) args.push('--password-file', this.o.passwordFile);
    // The URL's password only goes with the URL's user name, never with the drill devices' template.
    else if (!this.o.username && broker.password !== undefined) env[SIMULATOR_PASSWORD_ENV] = broker.password;
    const child = (this.o.spawn ?? spawn)(process.execPath, args, { cwd: this.o.root, env, stdio: ['ignore', 'ignore', 'pipe'] });
    this.running.set(drill.id, child);
    this.sites.set(drill.id, drill.siteId);
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-2000);
    });
    child.on('exit', (code, signal) => {
      this.running.delete(drill.id);
      this.sites.delete(drill.id);
      const ok = code === 0;
      if (!ok && signal !== 'SIGTERM') this.o.logger.warn({ drill: drill.id, code, signal, stderr: stderr.slice(-500) }, 'drill simulator ended with an error');
      onExit(ok);
    });
    this.o.logger.info({ drill: drill.id, scenario: drill.scenario, pid: child.pid }, 'drill started');
  }

  runningAt(siteId: string): string | undefined {
    return [...this.sites].find(([, site]) => site === siteId)?.[0];
  }

  stop(drillId: string): void {
    this.running.get(drillId)?.kill('SIGTERM');
  }

  stopAll(): void {
    for (const child of this.running.values()) child.kill('SIGTERM');
  }
}
