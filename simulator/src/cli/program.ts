/**
 * The command line (commander): every command, its flags and their checks, parsed into a typed
 * `CommandSpec` without running anything — so flag validation is unit-tested without a broker.
 * Every parse error becomes a usage error (exit code 2).
 */
import { Command, CommanderError, Option } from 'commander';
import { usageError } from '../simulator.errors.ts';
import {
  DEFAULT_BROKER,
  DEFAULT_FACILITY,
  DEFAULT_SERVER,
  MAX_SPEED,
  nonNegativeNumber,
  parseBrokerUrl,
  parseDrillId,
  parseHttpUrl,
  parseSeed,
  parseSiteId,
  parseStart,
  positiveInt,
  positiveNumber,
} from './options.ts';

export interface CommonSpec {
  broker: string;
  facility: string;
  site?: string;
  seed?: number;
  speed: number;
  /** `{sensor}` in it: one credential per device (mqtt.publisher.ts). */
  username?: string;
  password?: string;
  /** Read when connecting, so the password stays off the command line. */
  passwordFile?: string;
  dryRun: boolean;
  start?: number;
  connectTimeoutS: number;
}

export interface DrillSpec {
  drillId?: string;
  register: boolean;
  server: string;
  apiUser?: string;
  apiPassword?: string;
}

export type CommandSpec =
  | { command: 'run'; common: CommonSpec; durationS?: number }
  | { command: 'scenario' | 'drill'; common: CommonSpec; name: string; leadInS: number; background: boolean; drill?: DrillSpec }
  | { command: 'load'; common: CommonSpec; sensors: number; rate: number; durationS: number; connections: number }
  | { command: 'list' }
  | { command: 'validate'; facility: string; files: string[] }
  | { command: 'help'; text: string };

export interface ProgramIo {
  out(text: string): void;
  err(text: string): void;
}

type Opts = Record<string, unknown>;

function addCommon(cmd: Command, withSpeed = true): Command {
  cmd
    .option('--broker <url>', 'MQTT broker', parseBrokerUrl, DEFAULT_BROKER)
    .option('--facility <file>', 'facility registry (YAML)', DEFAULT_FACILITY)
    .option('--site <id>', 'only this site', parseSiteId)
    .option('--seed <n>', 'seed (0-4294967295): the same seed gives the same stream; random when absent', parseSeed)
    .option('--username <name>', 'MQTT user name; {sensor} in it signs each device in as itself, with that name as its client id (e.g. sim@{sensor})')
    // From the environment too: a parent process (the server's drill runner) keeps it off the command line.
    .addOption(new Option('--password <secret>', 'MQTT password').env('VIGIL_MQTT_PASSWORD'))
    .option('--password-file <file>', 'read the MQTT password from the first line of this file')
    .option('--dry-run', 'print the observation stream as JSON lines instead of publishing', false)
    .option('--start <time>', 'virtual start time, ISO 8601 (dry runs only; default now)', parseStart)
    .option('--connect-timeout <s>', 'give up reaching the broker after this many seconds', positiveNumber('the connect timeout', 3600), 30);
  if (withSpeed) cmd.option('--speed <x>', `time compression: virtual seconds per real second (up to ${MAX_SPEED})`, positiveNumber('the speed', MAX_SPEED), 1);
  return cmd;
}

function common(o: Opts): CommonSpec {
  if (o.start !== undefined && o.dryRun !== true) throw usageError('--start only applies to --dry-run (live traffic is stamped with the real time)');
  if (o.password !== undefined && o.passwordFile !== undefined) throw usageError('give --password or --password-file, not both');
  return {
    broker: o.broker as string,
    facility: o.facility as string,
    ...(o.site !== undefined && { site: o.site as string }),
    ...(o.seed !== undefined && { seed: o.seed as number }),
    speed: (o.speed as number | undefined) ?? 1,
    ...(o.username !== undefined && { username: o.username as string }),
    ...(o.password !== undefined && { password: o.password as string }),
    ...(o.passwordFile !== undefined && { passwordFile: o.passwordFile as string }),
    dryRun: o.dryRun === true,
    ...(o.start !== undefined && { start: o.start as number }),
    connectTimeoutS: o.connectTimeout as number,
  };
}

function scenarioCommand(name: 'scenario' | 'drill', describe: string, set: (s: CommandSpec) => void): Command {
  const cmd = addCommon(new Command(name).description(describe).argument('<name>', 'scenario name (see `list`) or a path to a scenario file'))
    .option('--lead-in <s>', 'seconds of normal traffic before the scenario starts', nonNegativeNumber('the lead-in'), 10)
    .option('--no-background', "send only the scenario's own traffic, no normal operations around it");
  if (name === 'drill') {
    cmd
      .option('--drill-id <id>', 'drill id (default drill-<yyyymmdd-hhmmss>-<name>, UTC)', parseDrillId)
      .option('--server <url>', 'Vigil server to register the drill with', parseHttpUrl, DEFAULT_SERVER)
      .option('--no-register', 'do not register the drill with the server (it started this run)')
      .addOption(new Option('--api-user <name>', 'Vigil user (role manager) to register the drill as').env('VIGIL_API_USER'))
      .addOption(new Option('--api-password <secret>', "that user's password").env('VIGIL_API_PASSWORD'));
  }
  return cmd.action((scenario: string, o: Opts) => {
    const drill: DrillSpec | undefined =
      name === 'drill'
        ? {
            ...(o.drillId !== undefined && { drillId: o.drillId as string }),
            register: o.register !== false,
            server: o.server as string,
            ...(o.apiUser !== undefined && { apiUser: o.apiUser as string }),
            ...(o.apiPassword !== undefined && { apiPassword: o.apiPassword as string }),
          }
        : undefined;
    set({ command: name, common: common(o), name: scenario, leadInS: o.leadIn as number, background: o.background !== false, ...(drill && { drill }) });
  });
}

export function buildProgram(io: ProgramIo, set: (s: CommandSpec) => void): Command {
  const program = new Command('simulate')
    .description('Vigil simulator: realistic sensor traffic, scenarios, drills and load, over MQTT like real devices')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err, outputError: () => {} })
    .showSuggestionAfterError();
  program.addCommand(
    addCommon(new Command('run').description('normal operations for every sensor in the registry (until Ctrl-C, or --duration)'))
      .option('--duration <s>', 'stop after this many virtual seconds (dry runs default to 600)', positiveNumber('the duration'))
      .action((o: Opts) => set({ command: 'run', common: common(o), ...(o.duration !== undefined && { durationS: o.duration as number }) })),
  );
  program.addCommand(scenarioCommand('scenario', 'play a scenario on top of normal traffic', set));
  program.addCommand(scenarioCommand('drill', 'play a scenario as a drill: everything sent carries the drill id', set));
  program.addCommand(
    addCommon(new Command('load').description('synthetic sensors at a fixed rate (QoS 1), reporting sent/acked per second'), false)
      .option('--sensors <n>', 'number of synthetic sensors', positiveInt('--sensors', 1_000_000), 100)
      .option('--rate <r>', 'observations per second, all sensors together', positiveNumber('--rate', 1_000_000), 1000)
      .option('--duration <s>', 'seconds to run', positiveNumber('--duration', 86_400), 10)
      .option('--connections <n>', 'MQTT connections to spread the sensors over', positiveInt('--connections', 256), 4)
      .action((o: Opts) => {
        // A few connections carry all the synthetic sensors: there is no device to name each credential after.
        if (typeof o.username === 'string' && o.username.includes('{sensor}'))
          throw usageError('load shares a few connections among its sensors: give a plain --username (one credential for every connection)');
        set({
          command: 'load',
          common: common(o),
          sensors: o.sensors as number,
          rate: o.rate as number,
          durationS: o.duration as number,
          connections: o.connections as number,
        });
      }),
  );
  program.addCommand(new Command('list').description('the scenario library, with descriptions').action(() => set({ command: 'list' })));
  program.addCommand(
    new Command('validate')
      .description('validate every scenario file (or the given ones) against the schema and the facility')
      .argument('[files...]', 'scenario files (default: the whole library)')
      .option('--facility <file>', 'facility registry (YAML)', DEFAULT_FACILITY)
      .action((files: string[], o: Opts) => set({ command: 'validate', facility: o.facility as string, files })),
  );
  for (const cmd of program.commands) cmd.exitOverride().configureOutput({ writeOut: io.out, writeErr: io.err, outputError: () => {} });
  return program;
}

/** Parses `argv` (without node and the script) into a spec; throws a usage error for anything wrong. */
export function parseCommandLine(argv: readonly string[], io: ProgramIo): CommandSpec {
  let spec: CommandSpec | undefined;
  let helpText = '';
  const program = buildProgram({ out: (t) => (helpText += t), err: (t) => (helpText += t) }, (s) => (spec = s));
  try {
    program.parse([...argv], { from: 'user' });
  } catch (err) {
    if (!(err instanceof CommanderError)) throw err;
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return { command: 'help', text: helpText };
    if (err.code === 'commander.help' || err.code === 'commander.executeSubCommandAsync') {
      io.err(helpText);
      throw usageError('a command is needed: run, scenario, drill, load, list or validate');
    }
    throw usageError(err.message.replace(/^error: /, ''));
  }
  if (!spec) {
    io.err(program.helpInformation());
    throw usageError('a command is needed: run, scenario, drill, load, list or validate');
  }
  return spec;
}
