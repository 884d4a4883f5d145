/**
 * Runs the real Vigil server (`tsx server/src/main.ts`) as a child process for integration and
 * e2e tests: stop (SIGTERM), kill -9 and start again with the same data directory.
 *
 * Without `mqttUrl` it gets its own broker the way `npm start` makes one: `vigil broker init`
 * writes the dynamic-security file (and the administrator into DATA_DIR), then Mosquitto starts
 * from the shipped configuration with that file (test/support/services.ts). The CLI (`cli`) then
 * administers that broker, as it would next to `npm start`.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ManagedProcess, freePort, httpStatus } from './process.ts';
import { startInflux, startMosquitto, type InfluxHandle, type MosquittoHandle, type MosquittoOptions } from './services.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const TEST_API_KEY = 'test-ingest-key-0123456789';

export interface VigilOptions {
  /** A broker of the test's own; unset = a Mosquitto with dynamic security, administered by this Vigil. */
  mqttUrl?: string;
  influxUrl: string;
  influxDb?: string;
  /** Extra environment (e.g. FACILITY_FILE); wins over the defaults here. */
  env?: Record<string, string>;
  /** The HTTP port (default: a free one): a node of several must know its own address (NODE_URL) before it starts. */
  port?: number;
}

export interface VigilHandle {
  url: string;
  port: number;
  mqttUrl: string;
  mqttPort: number;
  /** The broker made for this Vigil (no `mqttUrl` given), else null. */
  broker: MosquittoHandle | null;
  dataDir: string;
  logFile: string;
  /** The server's process id while it runs (for memory figures in benchmarks). */
  readonly pid: number | undefined;
  start(): Promise<void>;
  stop(): Promise<void>;
  kill(): Promise<void>;
  /** A request as the dashboard sends it: with this server's `Origin` unless `init` names one. */
  api<T = unknown>(pathname: string, init?: RequestInit): Promise<{ status: number; body: T }>;
  /** Runs `npm run vigil -- <args>` (server/src/cli.ts) against this server's DATA_DIR and FACILITY_FILE. */
  cli(args: string[], stdin?: string): Promise<CliResult>;
  /** Creates an account through the CLI (first setup); throws when the CLI refuses. */
  addUser(username: string, role: 'officer' | 'manager' | 'admin', password?: string): Promise<void>;
  /** Signs in; resolves to the `Cookie` header value (`vigil_session=...`), throws when refused. */
  login(username: string, password?: string): Promise<string>;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The password addUser/login use when none is given. */
export const TEST_PASSWORD = 'test-password-0123';

/** Runs the CLI with the given environment; never throws for a non-zero exit. */
export function runVigilCli(args: string[], env: NodeJS.ProcessEnv, stdin?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'server/src/cli.ts'), ...args],
      { cwd: ROOT, env, timeout: 30_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
        if (code === null) return reject(err);
        resolve({ code, stdout, stderr });
      },
    );
    child.stdin?.end(stdin ?? '');
  });
}

export async function startVigil(opts: VigilOptions): Promise<VigilHandle> {
  const port = opts.port ?? (await freePort());
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-test-state-'));
  const logFile = path.join(dataDir, 'vigil.log');
  const url = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    INFLUX_URL: opts.influxUrl,
    INFLUX_DB: opts.influxDb ?? 'vigil',
    DATA_DIR: dataDir,
    INGEST_API_KEY: TEST_API_KEY,
    LOG_LEVEL: 'info',
    // The demo facility's simulated cameras point at the test-pattern camera `npm start` runs,
    // which no test stack has: without this they would raise camera_offline in every test.
    SIMULATED_CAMERAS: '0',
    ...opts.env,
  };
  let broker: MosquittoHandle | null = null;
  if (opts.mqttUrl) env.MQTT_URL = opts.mqttUrl;
  else {
    delete env.MQTT_URL;
    const dynsecFile = path.join(dataDir, 'dynamic-security.json');
    const init = await runVigilCli(['broker', 'init', '--dynsec-file', dynsecFile], env);
    if (init.code !== 0) throw new Error(`vigil broker init failed (${init.code}): ${init.stderr}`);
    broker = await startMosquitto({ dynsec: { configFile: dynsecFile } });
    env.MQTT_URL = broker.url;
  }
  const mqttUrl = env.MQTT_URL;
  const proc = new ManagedProcess({
    name: 'vigil',
    command: process.execPath,
    // VIGIL_NODE_ARGS: extra node flags for profiling a benchmark run (e.g. --cpu-prof).
    args: [
      '--max-semi-space-size=64',
      '--import',
      'tsx',
      ...(process.env.VIGIL_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
      path.join(ROOT, 'server/src/main.ts'),
    ],
    env,
    logFile,
    ready: async () => (await httpStatus(`${url}/api/health`)) !== null,
    readyTimeoutMs: 30_000,
  });
  await proc.start();
  return {
    url,
    port,
    mqttUrl,
    mqttPort: Number(new URL(mqttUrl).port),
    broker,
    dataDir,
    logFile,
    get pid() {
      return proc.pid;
    },
    start: () => proc.start(),
    stop: () => proc.stop(),
    kill: () => proc.kill(),
    cli: (args, stdin) => runVigilCli(args, env, stdin),
    async addUser(username, role, password = TEST_PASSWORD) {
      const r = await runVigilCli(['user', 'add', username, '--role', role, '--password-stdin'], env, `${password}\n`);
      if (r.code !== 0) throw new Error(`vigil user add ${username} failed (${r.code}): ${r.stderr}`);
    },
    async login(username, password = TEST_PASSWORD) {
      const res = await fetch(`${url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password }),
      });
      if (!res.ok) throw new Error(`login as ${username} answered ${res.status}: ${await res.text()}`);
      const cookie = res.headers.get('set-cookie')?.split(';')[0];
      if (!cookie) throw new Error('login set no cookie');
      return cookie;
    },
    async api<T>(pathname: string, init?: RequestInit) {
      // As the dashboard's browser would: Vigil refuses a signed-in state change from no or another origin.
      const headers = new Headers(init?.headers);
      if (!headers.has('origin')) headers.set('origin', url);
      const res = await fetch(`${url}${pathname}`, { ...init, headers });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        /* not JSON: keep the text */
      }
      return { status: res.status, body: body as T };
    },
  };
}

/** Polls `check` until it returns a truthy value or the time is up (no fixed sleeps in tests). */
export async function eventually<T>(
  check: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface VigilStackOptions {
  /** InfluxDB database of this test file. */
  db: string;
  /** Absolute path of the facility YAML; unset = the server's default. */
  facility?: string;
  /** Extra environment for Vigil (limits, flush interval, ...). */
  env?: Record<string, string>;
  /** Options of the test's own Mosquitto (e.g. `extraConfig`). */
  mosquitto?: MosquittoOptions;
  /**
   * The operational store on PostgreSQL: a DATABASE_URL (e.g. from `postgresDatabases()` of
   * test/support/postgres.ts), given to the server and to every CLI command; unset = SQLite in DATA_DIR.
   */
  databaseUrl?: string;
}

export interface VigilStack {
  broker: MosquittoHandle;
  influx: InfluxHandle;
  vigil: VigilHandle;
}

/**
 * A real Mosquitto and a real InfluxDB of the test file's own, and a real Vigil on them; returns
 * once Vigil answers /api/health with 200. Stop it with `vigil.stop()` and `stopAllServices()`.
 */
export async function startVigilStack(opts: VigilStackOptions): Promise<VigilStack> {
  const [broker, influx] = await Promise.all([startMosquitto(opts.mosquitto), startInflux()]);
  const env = { ...(opts.facility ? { FACILITY_FILE: opts.facility } : {}), ...(opts.databaseUrl ? { DATABASE_URL: opts.databaseUrl } : {}), ...opts.env };
  const vigil = await startVigil({ mqttUrl: broker.url, influxUrl: influx.url, influxDb: opts.db, env });
  await eventually(async () => (await vigil.api('/api/health')).status === 200, 30_000, 'Vigil healthy');
  return { broker, influx, vigil };
}

/** Creates an account and signs it in; resolves to the `Cookie` header value. */
export async function signedIn(vigil: VigilHandle, username: string, role: 'officer' | 'manager' | 'admin'): Promise<string> {
  await vigil.addUser(username, role);
  return vigil.login(username);
}

/** A JSON POST as a signed-in user (`cookie` from `signedIn`); the body's `error.code` is typed for refusals. */
export function postJson<T>(vigil: VigilHandle, pathname: string, body: unknown, cookie: string) {
  return vigil.api<T & { error?: { code: string } }>(pathname, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify(body),
  });
}
