/**
 * Child processes for tests that never outlive the test process: started under
 * `setpriv --pdeathsig KILL`, SIGKILLed by an exit hook, recorded in VIGIL_SERVICES_PID_DIR for
 * scripts/test.sh to sweep; temp dirs removed on exit and, when a test process died by SIGKILL,
 * on the next load. Also free ports, readiness probes and binaries. Used by services.ts (Mosquitto,
 * InfluxDB) and vigil.ts (the server itself).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, closeSync, constants, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export const POLL_MS = 50;

// ---------------------------------------------------------------------------------------------
// Cleanup bookkeeping: what this process started and must not leave behind.

const liveChildren = new Set<ChildProcess>();
const ownedDirs = new Set<string>();
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

export function makeTempDir(prefix: string): string {
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

export function requireBinary(name: string, debianPackage: string): string {
  const found = findBinary(name);
  if (found) return found;
  throw new Error(`${name} not found. Run scripts/ensure-deps.sh (or: apt-get install -y ${debianPackage}).`);
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

export function tail(file: string, lines = 30): string {
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
  /**
   * Run as this user and group instead of ours (PostgreSQL refuses to run as root). Set before the
   * parent-death wrapper runs, so its signal survives: the kernel clears it on a change of user.
   */
  uid?: number;
  gid?: number;
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
    const [file, argv] = wrapper ? [wrapper, ['--pdeathsig', 'KILL', '--', command, ...args]] : [command, args];
    const log = openSync(logFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn(file, argv, {
        cwd: this.spec.cwd ?? ROOT,
        env: this.spec.env ?? process.env,
        uid: this.spec.uid,
        gid: this.spec.gid,
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

/** Removes a temp dir made by makeTempDir (other dirs are the caller's and are left alone). */
export function removeOwnedDir(dir: string): void {
  if (ownedDirs.delete(dir)) rmSync(dir, { recursive: true, force: true });
}
