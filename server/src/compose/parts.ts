/**
 * The server's lifecycle: parts start in order and stop in reverse, so that whatever a part uses
 * while it stops is still running (the MQTT client flushes into a writer that is still up; the
 * writer into a database that is still open).
 *
 * Stopping never hangs: each part has a time limit, and all of them together a deadline. A part
 * that throws or overruns is logged and left behind; the ones after it still stop.
 */
import type { Logger } from '../logger.ts';
import type { Scheduler } from '../services/clock.ts';

export interface Part {
  readonly name: string;
  /** Absent for parts that run once constructed (the database): only their stop matters. */
  start?(): void | Promise<void>;
  stop?(): void | Promise<void>;
  /** How long `stop` may take before the next part's turn (default `DEFAULT_PART_STOP_MS`). */
  readonly stopWithinMs?: number;
}

export const DEFAULT_PART_STOP_MS = 5000;
/** The test harness and most service managers kill a process that is still there after 30 s. */
export const SHUTDOWN_DEADLINE_MS = 20_000;
/** Past the deadline, each remaining part still gets this long: closing the database is never skipped. */
const LAST_CHANCE_MS = 500;

export class Parts {
  private readonly started: Part[] = [];

  constructor(
    private readonly parts: readonly Part[],
    private readonly logger: Logger,
    private readonly scheduler: Scheduler,
    private readonly deadlineMs = SHUTDOWN_DEADLINE_MS,
  ) {}

  /** Starts every part in order; when one fails, stops those already started (in reverse) and rethrows. */
  async start(): Promise<void> {
    for (const part of this.parts) {
      try {
        await part.start?.();
      } catch (err) {
        this.logger.fatal({ err, part: part.name }, 'could not start; stopping what did');
        await this.stop();
        throw err;
      }
      this.started.push(part);
    }
  }

  /** Stops the started parts in reverse order. Resolves to true when each stopped cleanly and in time. */
  async stop(): Promise<boolean> {
    const deadline = this.scheduler.now() + this.deadlineMs;
    let clean = true;
    for (let part = this.started.pop(); part; part = this.started.pop()) {
      const limitMs = Math.max(Math.min(part.stopWithinMs ?? DEFAULT_PART_STOP_MS, deadline - this.scheduler.now()), LAST_CHANCE_MS);
      const outcome = await this.stopOne(part, limitMs);
      if (outcome === 'stopped') continue;
      clean = false;
      if (outcome === 'overran') this.logger.error({ part: part.name, limitMs }, 'did not stop in time; stopping the rest');
      else this.logger.error({ part: part.name, err: outcome.error }, 'failed to stop; stopping the rest');
    }
    return clean;
  }

  private async stopOne(part: Part, limitMs: number): Promise<'stopped' | 'overran' | { error: unknown }> {
    let timer: ReturnType<Scheduler['setTimeout']> | undefined;
    const overrun = new Promise<'overran'>((resolve) => (timer = this.scheduler.setTimeout(() => resolve('overran'), limitMs)));
    try {
      return await Promise.race([Promise.resolve(part.stop?.()).then(() => 'stopped' as const), overrun]);
    } catch (error) {
      return { error };
    } finally {
      this.scheduler.clearTimeout(timer!);
    }
  }
}

/** On SIGTERM or SIGINT (once): logs, stops the parts, exits 0 when all stopped cleanly, 1 otherwise. */
export function stopOnSignals(parts: Parts, logger: Logger): void {
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    void parts.stop().then((clean) => {
      logger.info({ clean }, 'stopped');
      process.exit(clean ? 0 : 1);
    });
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

/** Periodic jobs of a part: started with it, cleared when it stops. */
export class Intervals {
  private handles: NodeJS.Timeout[] = [];

  constructor(private readonly jobs: readonly (readonly [everyMs: number, run: () => void])[]) {}

  start(): void {
    // unref: the HTTP server and MQTT client keep the process alive, not housekeeping.
    this.handles = this.jobs.map(([everyMs, run]) => setInterval(run, everyMs).unref());
  }

  stop(): void {
    for (const handle of this.handles) clearInterval(handle);
    this.handles = [];
  }
}
