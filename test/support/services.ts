/**
 * Real Mosquitto and InfluxDB processes for integration and e2e tests (STYLE.md "Tests": real
 * services, free ports). Every service listens on loopback only, on a free port, with its data
 * in a fresh temporary directory, and none outlives the test process:
 *
 * - children are started under `setpriv --pdeathsig KILL` (util-linux), so the kernel kills them
 *   when the process (or worker thread) that started them dies, even by SIGKILL;
 * - a process 'exit' hook SIGKILLs whatever is still running and removes the temp dirs;
 * - when scripts/test.sh sets VIGIL_SERVICES_PID_DIR, each child's pid is recorded there and the
 *   script kills any survivor after vitest exits;
 * - temp dirs left by a test process that was SIGKILLed are removed when this module next loads.
 *
 * Mosquitto runs with config/mosquitto.conf — the configuration Vigil ships — with only the
 * listener, data directory and log destination replaced; InfluxDB with config/influxdb.conf,
 * the one `npm start` uses, with its placeholders filled in.
 *
 * @example
 *   const broker = await startMosquitto();
 *   const influx = await startInflux();
 *   await influx.query('CREATE DATABASE vigil');
 *   // ... point the code under test at broker.url and influx.url ...
 *   await stopAllServices(); // in afterAll
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  accessSync,
  closeSync,
  constants,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const MOSQUITTO_CONF = path.join(ROOT, 'config/mosquitto.conf');
export const INFLUXDB_CONF = path.join(ROOT, 'config/influxdb.conf');

const POLL_MS = 50;

// ---------------------------------------------------------------------------------------------
// Cleanup bookkeeping: what this process started and must not leave behind.

const liveChildren = new Set<ChildProcess>();
const ownedDirs = new Set<string>();
const liveServices = new Set<ServiceHandle>();
const pidDir = process.env.VIGIL_SERVICES_PID_DIR;

process.once('exit', () => {
  for (const child of liveChildren) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  for (const dir of ownedDirs) rmSync(dir, { recursive: true, force: true });
});

function recordPid(pid: number, marker: string): void {
  if (!pidDir) return;
  try {
    mkdirSync(pidDir, { recursive: true });
    // scripts/test.sh kills the pid only if its /proc/<pid>/cmdline still contains the marker,
    // so a recycled pid is never hit.
    writeFileSync(path.join(pidDir, String(pid)), marker);
  } catch {
    // best effort: the pdeathsig and the exit hook still apply
  }
}

function forgetPid(pid: number | undefined): void {
  if (!pidDir || pid === undefined) return;
  try {
    unlinkSync(path.join(pidDir, String(pid)));
  } catch {
    // already removed
  }
}

const TEMP_PREFIX = 'vigil-svc-';
const OWNER_FILE = '.owner-pid';

function makeTempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `${TEMP_PREFIX}${prefix}-`));
  writeFileSync(path.join(dir, OWNER_FILE), String(process.pid));
  ownedDirs.add(dir);
  return dir;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Temp dirs of test processes that died by SIGKILL (no exit hook ran): removed on the next load. */
function removeOrphanedTempDirs(): void {
  let entries: string[];
  try {
    entries = readdirSync(os.tmpdir()).filter((name) => name.startsWith(TEMP_PREFIX));
  } catch {
    return;
  }
  for (const name of entries) {
    const dir = path.join(os.tmpdir(), name);
    try {
      const owner = Number(readFileSync(path.join(dir, OWNER_FILE), 'utf8'));
      if (Number.isInteger(owner) && owner > 0 && !isAlive(owner)) rmSync(dir, { recursive: true, force: true });
    } catch {
      // no owner file (being created right now, or not ours): leave it
    }
  }
}
removeOrphanedTempDirs();

// ---------------------------------------------------------------------------------------------
// Small helpers

/** Finds an executable on PATH, then in the sbin directories a non-root PATH lacks (mosquitto lives in /usr/sbin). */
export function findBinary(name: string): string | null {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

function requireBinary(name: string, debianPackage: string): string {
  const found = findBinary(name);
  if (found) return found;
  throw new Error(
    `${name} not found. Run scripts/ensure-deps.sh (or: apt-get install -y ${debianPackage}).`,
  );
}

let setprivPath: string | null | undefined;
/** `setpriv --pdeathsig` needs util-linux >= 2.33 (Debian 11+); without it we rely on the exit hook. */
function parentDeathWrapper(): string | null {
  if (setprivPath === undefined) {
    const candidate = findBinary('setpriv');
    const help = candidate ? spawnSync(candidate, ['--help'], { encoding: 'utf8' }) : null;
    setprivPath = candidate && help?.stdout.includes('--pdeathsig') ? candidate : null;
  }
  return setprivPath;
}

const handedOutPorts = new Set<number>();

/** A TCP port free on 127.0.0.1 right now, never the same one twice in this process. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = net.createServer();
      server.unref();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        const found = typeof address === 'object' && address ? address.port : 0;
        server.close(() => resolve(found));
      });
    });
    if (port > 0 && !handedOutPorts.has(port)) {
      handedOutPorts.add(port);
      return port;
    }
  }
  throw new Error('freePort: no free port found');
}

/** True when something accepts a TCP connection on 127.0.0.1:port. */
export function canConnect(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** The HTTP status of GET url, or null when nothing answers. */
export async function httpStatus(url: string, timeoutMs = 1_000): Promise<number | null> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return null;
  }
}

function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

// ---------------------------------------------------------------------------------------------
// A child process with readiness, stop and kill

export interface ProcessSpec {
  /** Used in error messages. */
  name: string;
  command: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** stdout and stderr are appended here (a file, not a pipe: a full pipe would stall the child). */
  logFile: string;
  /** Polled every 50 ms until it resolves true; the child must still be alive then. */
  ready: () => Promise<boolean>;
  readyTimeoutMs?: number;
  /** After SIGTERM, how long to wait before SIGKILL. */
  stopTimeoutMs?: number;
}

/**
 * A child process that tests start, stop (SIGTERM, wait) and kill (SIGKILL) — exported so tests
 * can run Vigil itself the same way, with the same never-left-behind guarantees.
 */
export class ManagedProcess {
  #child: ChildProcess | null = null;
  #exited: Promise<void> = Promise.resolve();
  #exitInfo: string | null = null;

  constructor(readonly spec: ProcessSpec) {}

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  get running(): boolean {
    return this.#child !== null;
  }

  async start(): Promise<void> {
    if (this.#child) throw new Error(`${this.spec.name} is already running (pid ${this.#child.pid})`);
    const { name, command, args, logFile } = this.spec;
    const wrapper = parentDeathWrapper();
    const [file, argv] = wrapper
      ? [wrapper, ['--pdeathsig', 'KILL', '--', command, ...args]]
      : [command, args];
    const log = openSync(logFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn(file, argv, {
        cwd: this.spec.cwd ?? ROOT,
        env: this.spec.env ?? process.env,
        stdio: ['ignore', log, log],
      });
    } finally {
      closeSync(log);
    }
    this.#child = child;
    this.#exitInfo = null;
    liveChildren.add(child);
    if (child.pid !== undefined) recordPid(child.pid, [command, ...args].join(' '));

    this.#exited = new Promise<void>((resolve) => {
      const finish = (info: string): void => {
        if (this.#exitInfo === null) this.#exitInfo = info;
        liveChildren.delete(child);
        forgetPid(child.pid);
        if (this.#child === child) this.#child = null;
        resolve();
      };
      child.once('exit', (code, signal) => finish(signal ? `killed by ${signal}` : `exit code ${code}`));
      child.once('error', (error) => finish(`failed to start: ${error.message}`));
    });

    const timeoutMs = this.spec.readyTimeoutMs ?? 30_000;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.#child !== child) {
        throw new Error(`${name} exited while starting (${this.#exitInfo}). ${logFile}:\n${tail(logFile)}`);
      }
      const ready = await this.spec.ready().catch(() => false);
      if (ready && this.#child === child) return;
      if (Date.now() > deadline) {
        await this.kill();
        throw new Error(`${name} not ready after ${timeoutMs} ms. ${logFile}:\n${tail(logFile)}`);
      }
      await delay(POLL_MS);
    }
  }

  /** SIGTERM (a clean shutdown: Mosquitto saves its database, InfluxDB closes its shards), then wait for exit. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (!child) return;
    child.kill('SIGTERM');
    const timeoutMs = this.spec.stopTimeoutMs ?? 30_000;
    const timer = delay(timeoutMs, 'timeout' as const, { ref: false });
    if ((await Promise.race([this.#exited, timer])) === 'timeout') {
      child.kill('SIGKILL');
      await this.#exited;
    }
  }

  /** SIGKILL: a crash, nothing saved. Resolves once the process is gone. */
  async kill(): Promise<void> {
    const child = this.#child;
    if (!child) return;
    child.kill('SIGKILL');
    await this.#exited;
  }
}

// ---------------------------------------------------------------------------------------------
// Services

export interface ServiceHandle {
  /** mqtt://127.0.0.1:PORT or http://127.0.0.1:PORT */
  readonly url: string;
  readonly port: number;
  /** Where the service keeps its data, config and log. */
  readonly dir: string;
  readonly logFile: string;
  /** SIGTERM and wait for exit. The data stays: start() again brings it back. */
  stop(): Promise<void>;
  /** SIGKILL and wait for exit: a crash. */
  kill(): Promise<void>;
  /** Start again on the same port with the same data directory (after stop or kill). */
  start(): Promise<void>;
  /** Stop, and remove the data directory if this module created it. */
  dispose(): Promise<void>;
}

export interface MosquittoOptions {
  /** Keep sessions and queued messages across restarts (default true, as shipped). */
  persistence?: boolean;
  /** Appended to the configuration; a setting named here replaces the shipped one. */
  extraConfig?: string;
  /** Data directory (default: a fresh temp dir, removed at the end). */
  dir?: string;
  /** Port (default: a free one). */
  port?: number;
}

export interface MosquittoHandle extends ServiceHandle {
  readonly configFile: string;
}

export interface InfluxOptions {
  dir?: string;
  port?: number;
  rpcPort?: number;
}

export type InfluxRow = Record<string, unknown>;

export interface InfluxHandle extends ServiceHandle {
  readonly rpcPort: number;
  readonly configFile: string;
  /**
   * Runs InfluxQL through POST /query (so CREATE/DROP work too) with epoch=ms: `time` comes back
   * as epoch milliseconds. Returns every series' rows as objects, tags merged in. Throws on an
   * HTTP or InfluxQL error.
   */
  query(influxql: string, db?: string): Promise<InfluxRow[]>;
  /** Writes line protocol through POST /write (precision ms by default). */
  write(db: string, lines: string | readonly string[], precision?: 'ns' | 'u' | 'ms' | 's'): Promise<void>;
}

const MOSQUITTO_PATH_SETTINGS = new Set(['listener', 'persistence_location', 'log_dest', 'pid_file', 'user', 'port', 'bind_address']);

function settingName(line: string): string | null {
  const match = /^\s*([a-z_]+)\b/.exec(line);
  return match?.[1] ?? null;
}

/**
 * The broker configuration tests run with: config/mosquitto.conf minus its deployment-only lines
 * (listener, data path, log destination), plus a loopback listener and the test's own paths.
 */
export function mosquittoTestConfig(opts: {
  port: number;
  dir: string;
  persistence?: boolean;
  extraConfig?: string;
}): string {
  const extra = opts.extraConfig ?? '';
  const overridden = new Set(extra.split('\n').map(settingName).filter((name): name is string => name !== null));
  overridden.delete('listener'); // several listeners are allowed: an extra one adds, not replaces
  const shipped = readFileSync(MOSQUITTO_CONF, 'utf8')
    .split('\n')
    .filter((line) => {
      const name = settingName(line);
      return name === null || (!MOSQUITTO_PATH_SETTINGS.has(name) && !overridden.has(name));
    })
    .map((line) => (opts.persistence === false && settingName(line) === 'persistence' ? 'persistence false' : line));
  const runningAsRoot = process.getuid?.() === 0;
  return [
    ...shipped,
    '',
    '# --- test overrides (test/support/services.ts) ---',
    `listener ${opts.port} 127.0.0.1`,
    `persistence_location ${opts.dir}/`,
    'log_dest stdout',
    // As root Mosquitto 2.x switches to the `mosquitto` user, which cannot write a temp dir
    // created by root with mode 0700.
    ...(runningAsRoot ? ['user root'] : []),
    extra,
    '',
  ].join('\n');
}

/** The InfluxDB configuration for a data directory and ports: config/influxdb.conf, placeholders filled. */
export function influxConfig(opts: { dir: string; port: number; rpcPort: number }): string {
  return readFileSync(INFLUXDB_CONF, 'utf8')
    .replaceAll('@DATA_DIR@', opts.dir)
    .replaceAll('@HTTP_PORT@', String(opts.port))
    .replaceAll('@RPC_PORT@', String(opts.rpcPort));
}

function isPortClash(error: unknown, logFile: string): boolean {
  const text = `${error instanceof Error ? error.message : String(error)}\n${tail(logFile)}`;
  return /address already in use/i.test(text);
}

/** Starts a process; when its port turns out to be taken (freePort is a race), moves to another free port. */
async function startOnFreePort(
  process_: { current: ManagedProcess },
  fixedPort: boolean,
  rebuild: () => Promise<void>,
): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await process_.current.start();
      return;
    } catch (error) {
      if (fixedPort || attempt >= 3 || !isPortClash(error, process_.current.spec.logFile)) throw error;
      await rebuild();
    }
  }
}

function prepareDir(dir: string | undefined, prefix: string): string {
  if (dir) {
    mkdirSync(dir, { recursive: true });
    return path.resolve(dir);
  }
  return makeTempDir(prefix);
}

export async function startMosquitto(opts: MosquittoOptions = {}): Promise<MosquittoHandle> {
  const binary = requireBinary('mosquitto', 'mosquitto');
  const dir = prepareDir(opts.dir, 'mosquitto');
  const configFile = path.join(dir, 'mosquitto.conf');
  const logFile = path.join(dir, 'mosquitto.log');
  let port = opts.port ?? (await freePort());

  const build = (): ManagedProcess => {
    writeFileSync(configFile, mosquittoTestConfig({ port, dir, persistence: opts.persistence, extraConfig: opts.extraConfig }));
    const listeningPort = port;
    return new ManagedProcess({
      name: `mosquitto on port ${listeningPort}`,
      command: binary,
      args: ['-c', configFile],
      logFile,
      ready: () => canConnect(listeningPort),
      readyTimeoutMs: 15_000,
    });
  };
  const proc = { current: build() };
  await startOnFreePort(proc, opts.port !== undefined, async () => {
    port = await freePort();
    proc.current = build();
  });

  const handle: MosquittoHandle = {
    get url() {
      return `mqtt://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    dir,
    logFile,
    configFile,
    stop: () => proc.current.stop(),
    kill: () => proc.current.kill(),
    start: () => proc.current.start(),
    dispose: async () => {
      await proc.current.stop();
      liveServices.delete(handle);
      if (ownedDirs.delete(dir)) rmSync(dir, { recursive: true, force: true });
    },
  };
  liveServices.add(handle);
  return handle;
}

interface InfluxQueryResponse {
  error?: string;
  results?: Array<{
    error?: string;
    series?: Array<{ name?: string; tags?: Record<string, string>; columns: string[]; values?: unknown[][] }>;
  }>;
}

export async function startInflux(opts: InfluxOptions = {}): Promise<InfluxHandle> {
  const binary = requireBinary('influxd', 'influxdb');
  const dir = prepareDir(opts.dir, 'influxdb');
  const configFile = path.join(dir, 'influxdb.conf');
  const logFile = path.join(dir, 'influxd.log');
  let port = opts.port ?? (await freePort());
  let rpcPort = opts.rpcPort ?? (await freePort());

  const build = (): ManagedProcess => {
    writeFileSync(configFile, influxConfig({ dir, port, rpcPort }));
    const pingUrl = `http://127.0.0.1:${port}/ping`;
    return new ManagedProcess({
      name: `influxd on port ${port}`,
      command: binary,
      args: ['-config', configFile],
      logFile,
      ready: async () => (await httpStatus(pingUrl)) === 204,
      readyTimeoutMs: 60_000,
    });
  };
  const proc = { current: build() };
  await startOnFreePort(proc, opts.port !== undefined && opts.rpcPort !== undefined, async () => {
    if (opts.port === undefined) port = await freePort();
    if (opts.rpcPort === undefined) rpcPort = await freePort();
    proc.current = build();
  });

  const baseUrl = (): string => `http://127.0.0.1:${port}`;

  const query = async (influxql: string, db?: string): Promise<InfluxRow[]> => {
    const body = new URLSearchParams({ q: influxql, epoch: 'ms' });
    if (db) body.set('db', db);
    const response = await fetch(`${baseUrl()}/query`, { method: 'POST', body });
    const text = await response.text();
    let parsed: InfluxQueryResponse;
    try {
      parsed = JSON.parse(text) as InfluxQueryResponse;
    } catch {
      throw new Error(`InfluxDB /query answered ${response.status}: ${text}`);
    }
    if (!response.ok || parsed.error) throw new Error(`InfluxDB /query ${response.status}: ${parsed.error ?? text}`);
    const rows: InfluxRow[] = [];
    for (const result of parsed.results ?? []) {
      if (result.error) throw new Error(`InfluxQL error: ${result.error} (query: ${influxql})`);
      for (const series of result.series ?? []) {
        for (const values of series.values ?? []) {
          const row: InfluxRow = { ...series.tags };
          series.columns.forEach((column, index) => {
            row[column] = values[index];
          });
          rows.push(row);
        }
      }
    }
    return rows;
  };

  const write = async (
    db: string,
    lines: string | readonly string[],
    precision: 'ns' | 'u' | 'ms' | 's' = 'ms',
  ): Promise<void> => {
    const body = typeof lines === 'string' ? lines : lines.join('\n');
    const params = new URLSearchParams({ db, precision });
    const response = await fetch(`${baseUrl()}/write?${params}`, { method: 'POST', body });
    if (response.status !== 204) throw new Error(`InfluxDB /write ${response.status}: ${await response.text()}`);
  };

  const handle: InfluxHandle = {
    get url() {
      return baseUrl();
    },
    get port() {
      return port;
    },
    get rpcPort() {
      return rpcPort;
    },
    dir,
    logFile,
    configFile,
    query,
    write,
    stop: () => proc.current.stop(),
    kill: () => proc.current.kill(),
    start: () => proc.current.start(),
    dispose: async () => {
      await proc.current.stop();
      liveServices.delete(handle);
      if (ownedDirs.delete(dir)) rmSync(dir, { recursive: true, force: true });
    },
  };
  liveServices.add(handle);
  return handle;
}

/** Stops every service this module started and removes their temp dirs (use in afterAll). */
export async function stopAllServices(): Promise<void> {
  await Promise.all([...liveServices].map((service) => service.dispose()));
}
