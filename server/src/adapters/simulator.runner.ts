/**
 * Runs a drill's scenario with the simulator as a child process: the drill publishes through MQTT
 * like real devices would, each drill device with its own credential bound to its client id.
 * One drill per site at a time: two would connect the same drill devices and take each other's
 * connections.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
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
  /** Starts the child (node's spawn; a fake in unit tests). */
  spawn?: (command: string, args: readonly string[], options: SpawnOptions) => ChildProcess;
}

export class SimulatorRunner implements DrillRunner {
  private readonly running = new Map<string, ChildProcess>();
  private readonly sites = new Map<string, string>();

  constructor(private readonly o: SimulatorRunnerOptions) {}

  run(drill: Drill, speed: number, onExit: (ok: boolean) => void): void {
    const busy = [...this.sites].find(([, site]) => site === drill.siteId)?.[0];
    if (busy !== undefined) {
      this.o.logger.warn({ drill: drill.id, running: busy, site: drill.siteId }, 'another drill is running at this site: this one does not start');
      queueMicrotask(() => onExit(false));
      return;
    }
    const args = [
      '--import',
      'tsx',
      path.join(this.o.root, 'simulator/src/cli.ts'),
      'drill',
      drill.scenario,
      '--drill-id',
      drill.id,
      '--site',
      drill.siteId,
      '--speed',
      String(speed),
      '--broker',
      this.o.brokerUrl,
      '--facility',
      this.o.facilityFile,
      '--no-register',
    ];
    if (this.o.username) args.push('--username', this.o.username);
    if (this.o.passwordFile) args.push('--password-file', this.o.passwordFile);
    const child = (this.o.spawn ?? spawn)(process.execPath, args, { cwd: this.o.root, stdio: ['ignore', 'ignore', 'pipe'] });
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

  stop(drillId: string): void {
    this.running.get(drillId)?.kill('SIGTERM');
  }

  stopAll(): void {
    for (const child of this.running.values()) child.kill('SIGTERM');
  }
}
