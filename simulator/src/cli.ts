/**
 * The simulator's command line: `npm run simulate -- <command> [flags]` (`--help` on every
 * command). Exit codes: 0 done, 1 failed (broker unreachable, invalid files), 2 bad usage.
 */
import { randomInt } from 'node:crypto';
import { parseCommandLine, type CommandSpec } from './cli/program.ts';
import { type CliContext } from './run/cli.context.ts';
import { runList, runValidate } from './run/library.command.ts';
import { runLoad } from './run/load.command.ts';
import { systemClock } from './run/stream.runner.ts';
import { runTraffic } from './run/traffic.command.ts';
import { SimulatorError, errorText } from './simulator.errors.ts';

const USAGE_CODES = new Set(['USAGE', 'SCENARIO_UNKNOWN']);

async function execute(spec: CommandSpec, ctx: CliContext): Promise<number> {
  switch (spec.command) {
    case 'help':
      ctx.out(spec.text);
      return 0;
    case 'list':
      return runList(ctx);
    case 'validate':
      return runValidate(spec, ctx);
    case 'load':
      return runLoad(spec, ctx);
    case 'run':
    case 'scenario':
    case 'drill':
      return runTraffic(spec, ctx);
  }
}

export async function main(argv: readonly string[]): Promise<number> {
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const ctx: CliContext = {
    out: (text) => void process.stdout.write(text),
    err: { write: (text) => void process.stderr.write(text), isTTY: process.stderr.isTTY === true },
    clock: systemClock,
    signal: stop.signal,
    randomSeed: () => randomInt(0, 2 ** 32 - 1),
  };
  try {
    return await execute(parseCommandLine(argv, { out: ctx.out, err: ctx.err.write }), ctx);
  } catch (err) {
    if (!(err instanceof SimulatorError)) throw err;
    const usage = USAGE_CODES.has(err.code);
    process.stderr.write(`simulate: ${errorText(err)}${usage ? '\n(see `npm run simulate -- --help`)' : ''}\n`);
    return usage ? 2 : 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

// Flushes stdout before exiting (a dry run may have megabytes queued for a pipe).
const code = await main(process.argv.slice(2));
process.exitCode = code;
process.stdout.write('', () => process.exit(code));
