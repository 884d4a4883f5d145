/** What a command needs from the process: output streams, time, a stop signal and a seed source. */
import type { ProgressOutput } from './progress.ts';
import type { Clock } from './stream.runner.ts';

export interface CliContext {
  /** Results: JSON lines of a dry run, the drill id, the closing summary. */
  out(text: string): void;
  /** Progress, warnings, notes. */
  err: ProgressOutput;
  clock: Clock;
  /** Aborted on SIGINT / SIGTERM: the run stops cleanly. */
  signal: AbortSignal;
  /** A seed for runs without --seed (printed so the run can be replayed). */
  randomSeed(): number;
}

export function warn(ctx: CliContext, message: string): void {
  ctx.err.write(`simulate: warning: ${message}\n`);
}

export function info(ctx: CliContext, message: string): void {
  ctx.err.write(`simulate: ${message}\n`);
}
