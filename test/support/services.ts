/**
 * Real Mosquitto and InfluxDB processes for integration and e2e tests (CONTRIBUTING.md "Tests":
 * real services, free ports). Every service listens on loopback only, on a free port, with its data
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
 * listener, data directory, log destination and plugin paths replaced; InfluxDB with
 * config/influxdb.conf, the one `npm start` uses, with its placeholders filled in.
 *
 * `startMosquitto({ dynsec: true })` is the broker as shipped: dynamic security, no anonymous
 * clients. Without it the test broker has no plugin and lets anonymous clients in: most tests
 * exercise ingest, not access control, and publish without credentials.
 *
 * @example
 *   const broker = await startMosquitto();
 *   const influx = await startInflux();
 *   await influx.query('CREATE DATABASE vigil');
 *   // ... point the code under test at broker.url and influx.url ...
 *   await stopAllServices(); // in afterAll
 */

import { existsSync, readFileSync, readdirSync, mkdirSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { writeDynsecFile } from '../../server/src/adapters/mosquitto.dynsec-file.ts';
import type { BrokerPlan } from '../../server/src/services/device-credentials.broker.ts';
import { ManagedProcess, ROOT, freePort, httpStatus, canConnect, makeTempDir, removeOwnedDir, requireBinary, tail } from './process.ts';

export { ManagedProcess, canConnect, findBinary, freePort, httpStatus, type ProcessSpec } from './process.ts';

export const MOSQUITTO_CONF = path.join(ROOT, 'config/mosquitto.conf');
export const INFLUXDB_CONF = path.join(ROOT, 'config/influxdb.conf');

const liveServices = new Set<ServiceHandle>();

/** Makes stopAllServices stop a service started by a sibling module (redis.ts). */
export function trackService(handle: ServiceHandle): void {
  liveServices.add(handle);
}

/** stop / kill / start / dispose of a service whose process may be rebuilt on another port. */
export function lifecycle(
  proc: { current: ManagedProcess },
  dir: string,
  self: () => ServiceHandle,
): Pick<ServiceHandle, 'stop' | 'kill' | 'start' | 'dispose'> {
  return {
    stop: () => proc.current.stop(),
    kill: () => proc.current.kill(),
    start: () => proc.current.start(),
    dispose: async () => {
      await proc.current.stop();
      liveServices.delete(self());
      removeOwnedDir(dir);
    },
  };
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
  /**
   * Dynamic security as shipped. `true`: a fresh plugin file in the data directory with an
   * administrator (`handle.admin`); `{ configFile }`: a file `vigil broker init` wrote, used as it is.
   */
  dynsec?: boolean | { configFile: string };
  /**
   * A second listener, MQTT over TLS on its own free port (`handle.tlsUrl`), with these PEM files;
   * `requireCertificate`: clients must present a certificate the CA signed.
   */
  tls?: { cafile: string; certfile: string; keyfile: string; requireCertificate?: boolean };
}

export interface MosquittoHandle extends ServiceHandle {
  readonly configFile: string;
  /** The dynamic-security file, when the broker has the plugin. */
  readonly dynsecFile: string | null;
  /** The administrator `dynsec: true` created. */
  readonly admin: { username: string; password: string } | null;
  /** mqtts://127.0.0.1:PORT of the TLS listener (`tls` option), else null. */
  readonly tlsUrl: string | null;
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

const MOSQUITTO_PATH_SETTINGS = new Set([
  'listener',
  'persistence_location',
  'log_dest',
  'pid_file',
  'user',
  'port',
  'bind_address',
  'plugin',
  'plugin_opt_config_file',
]);

/** Where Debian (per architecture) or the eclipse-mosquitto image put the dynamic-security plugin. */
export function findDynsecPlugin(): string {
  const name = 'mosquitto_dynamic_security.so';
  const dirs = ['/usr/lib', '/usr/local/lib', ...readdirSync('/usr/lib').map((d) => `/usr/lib/${d}`)];
  const found = dirs.map((d) => `${d}/${name}`).find((f) => existsSync(f));
  if (!found) throw new Error(`${name} not found under /usr/lib: install Debian's mosquitto package (scripts/ensure-deps.sh)`);
  return found;
}

function settingName(line: string): string | null {
  const match = /^\s*([a-z_]+)\b/.exec(line);
  return match?.[1] ?? null;
}

/**
 * The broker configuration tests run with: config/mosquitto.conf minus its deployment-only lines
 * (listener, data path, log destination), plus a loopback listener and the test's own paths.
 */
export function mosquittoTestConfig(opts: { port: number; dir: string; persistence?: boolean; extraConfig?: string; dynsecFile?: string }): string {
  const dynsec = opts.dynsecFile ? [`plugin ${findDynsecPlugin()}`, `plugin_opt_config_file ${opts.dynsecFile}`] : [];
  // Without the plugin, a broker for tests that publish without credentials (unless the test's own configuration says otherwise).
  const extra = [...(opts.dynsecFile || /^\s*allow_anonymous\b/m.test(opts.extraConfig ?? '') ? [] : ['allow_anonymous true']), opts.extraConfig ?? ''].join(
    '\n',
  );
  const overridden = new Set(
    extra
      .split('\n')
      .map(settingName)
      .filter((name): name is string => name !== null),
  );
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
    // stderr: unbuffered, so the log shows what happened up to the moment it is read.
    'log_dest stderr',
    // As root Mosquitto 2.x switches to the `mosquitto` user, which cannot write a temp dir
    // created by root with mode 0700.
    ...(runningAsRoot ? ['user root'] : []),
    ...dynsec,
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
export async function startOnFreePort(process_: { current: ManagedProcess }, fixedPort: boolean, rebuild: () => Promise<void>): Promise<void> {
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

export function prepareDir(dir: string | undefined, prefix: string): string {
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
  let tlsPort = opts.tls ? await freePort() : null;
  let admin: { username: string; password: string } | null = null;
  let dynsecFile: string | null = null;
  if (opts.dynsec === true) {
    dynsecFile = path.join(dir, 'dynamic-security.json');
    admin = { username: 'test-admin', password: randomBytes(18).toString('base64url') };
    if (!existsSync(dynsecFile)) await writeDynsecFile(dynsecFile, EMPTY_PLAN, admin);
  } else if (opts.dynsec) {
    dynsecFile = path.resolve(opts.dynsec.configFile);
  }

  const build = (): ManagedProcess => {
    // Last: listener-specific settings apply to the listener line before them.
    const tlsListener =
      opts.tls && tlsPort !== null
        ? [
            `listener ${tlsPort} 127.0.0.1`,
            `cafile ${opts.tls.cafile}`,
            `certfile ${opts.tls.certfile}`,
            `keyfile ${opts.tls.keyfile}`,
            `require_certificate ${opts.tls.requireCertificate ? 'true' : 'false'}`,
          ].join('\n')
        : '';
    const extraConfig = [opts.extraConfig ?? '', tlsListener].filter(Boolean).join('\n');
    writeFileSync(configFile, mosquittoTestConfig({ port, dir, persistence: opts.persistence, extraConfig, dynsecFile: dynsecFile ?? undefined }));
    const listeningPort = port;
    const listeningTlsPort = tlsPort;
    return new ManagedProcess({
      name: `mosquitto on port ${listeningPort}`,
      command: binary,
      args: ['-c', configFile],
      logFile,
      ready: async () => (await canConnect(listeningPort)) && (listeningTlsPort === null || (await canConnect(listeningTlsPort))),
      readyTimeoutMs: 15_000,
    });
  };
  const proc = { current: build() };
  await startOnFreePort(proc, opts.port !== undefined, async () => {
    port = await freePort();
    if (tlsPort !== null) tlsPort = await freePort();
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
    dynsecFile,
    admin,
    get tlsUrl() {
      return tlsPort === null ? null : `mqtts://127.0.0.1:${tlsPort}`;
    },
    ...lifecycle(proc, dir, () => handle),
  };
  liveServices.add(handle);
  return handle;
}

/** A plugin file with only the administrator: the test creates the rest over $CONTROL. */
const EMPTY_PLAN: BrokerPlan = { roles: [], principals: [], isStaleClient: () => false, isStaleRole: () => false };

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

  const write = async (db: string, lines: string | readonly string[], precision: 'ns' | 'u' | 'ms' | 's' = 'ms'): Promise<void> => {
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
    ...lifecycle(proc, dir, () => handle),
  };
  liveServices.add(handle);
  return handle;
}

/** Stops every service this module started and removes their temp dirs (use in afterAll). */
export async function stopAllServices(): Promise<void> {
  await Promise.all([...liveServices].map((service) => service.dispose()));
}
