/**
 * Vigil's command line for setup and recovery: `npm run vigil -- <command>` (`--help` on each).
 * Uses the server's DATA_DIR and FACILITY_FILE; works whether or not the server runs.
 *
 *   user add <username> --role <officer|manager|admin> [--display-name <name>] [--password-stdin]
 *   user list | user disable <u> | user enable <u> | user unlock <u> | user reset-password <u> [--password-stdin]
 *   apikey create <name> (--sites hq[,lodging] | --sensors A,B) | apikey list | apikey revoke <id>
 *   device add <sensorId> | device list | device revoke <sensorId>
 *   gateway add <gatewayId> | gateway list | gateway revoke <gatewayId>
 *   mosquitto-config --out <dir>
 *   broker init --dynsec-file <file>
 *   data-dir
 *
 * Exit codes: 0 done, 1 refused or failed (the message says why), 2 bad usage or configuration.
 */
import { Command, CommanderError } from 'commander';
import { ConfigError } from './config.ts';
import { AuthError } from './services/auth.errors.ts';
import { BrokerRefusedError, BrokerUnreachableError } from './services/device-credentials.broker.ts';
import { FacilityError } from './services/facility.loader.ts';
import { CliError } from './cli/cli.errors.ts';
import { CliContext, type CliIo } from './cli/context.ts';
import { promptHidden, readAllStdin } from './cli/prompt.ts';
import { userCommands } from './cli/user.commands.ts';
import { apiKeyCommands, deviceCommands, gatewayCommands } from './cli/credentials.commands.ts';
import { mosquittoCommand } from './cli/mosquitto.command.ts';
import { brokerCommand } from './cli/broker.command.ts';

const io: CliIo = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  readStdin: () => readAllStdin(),
  promptHidden: (q) => promptHidden(q),
};

export function buildProgram(context: () => CliContext): Command {
  const program = new Command('vigil').description('Vigil setup and recovery: accounts, API keys, device credentials, Mosquitto configuration');
  program.addCommand(userCommands(context));
  program.addCommand(apiKeyCommands(context));
  program.addCommand(deviceCommands(context));
  program.addCommand(gatewayCommands(context));
  program.addCommand(mosquittoCommand(context));
  program.addCommand(brokerCommand(context));
  program
    .command('data-dir')
    .description('print the DATA_DIR the server and this command line use (the default unless DATA_DIR is set)')
    .action(() => context().io.out(`${context().env.DATA_DIR}\n`));
  // Added (not `.command()`-created) subcommands do not inherit these: set them on every one.
  const all = (c: Command): Command[] => [c, ...c.commands.flatMap(all)];
  for (const c of all(program)) c.exitOverride().showHelpAfterError();
  return program;
}

async function run(argv: string[]): Promise<number> {
  let ctx: CliContext | null = null;
  const context = (): CliContext => (ctx ??= new CliContext(io));
  try {
    await buildProgram(context).parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    if (err instanceof CliError) {
      io.err(`vigil: ${err.message}\n`);
      return err.code === 'USAGE' ? 2 : 1;
    }
    if (err instanceof ConfigError || err instanceof FacilityError) {
      io.err(`vigil: ${err.message}\n`);
      return 2;
    }
    if (err instanceof AuthError || err instanceof BrokerRefusedError || err instanceof BrokerUnreachableError) {
      io.err(`vigil: ${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    await (ctx as CliContext | null)?.close();
  }
}

process.exitCode = await run(process.argv);
