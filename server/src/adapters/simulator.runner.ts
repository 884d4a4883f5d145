/**
 * Runs a drill's scenario with the simulator as a child process: the drill publishes through MQTT
 * like real devices would (issue 6: "still publishing through MQTT like a device would").
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Drill } from '../../../contract/index.ts';
import type { DrillRunner } from '../services/drill.service.ts';
import type { Logger } from '../logger.ts';

export interface SimulatorRunnerOptions {
  root: string;
  brokerUrl: string;
  facilityFile: string;
  username?: string;
  password?: string;
  logger: Logger;
}

export class SimulatorRunner implements DrillRunner {
  private readonly running = new Map<string, ChildProcess>();

  constructor(private readonly o: SimulatorRunnerOptions) {}

  run(drill: Drill, speed: number, onExit: (ok: boolean) => void): void {
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
    if (this.o.username) args.push('--username', this.o.username, '--password', this.o.password ?? '');
    const child = spawn(process.execPath, args, { cwd: this.o.root, stdio: ['ignore', 'ignore', 'pipe'] });
    this.running.set(drill.id, child);
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-2000);
    });
    child.on('exit', (code, signal) => {
      this.running.delete(drill.id);
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
