/**
 * A real PostgreSQL 15 server for tests of the PostgreSQL store, with the same never-left-behind
 * guarantees as the Mosquitto and InfluxDB of services.ts (process.ts: parent-death signal, exit
 * hook, VIGIL_SERVICES_PID_DIR, temp dir removed): a throwaway cluster made by `initdb` in a fresh
 * temporary directory, listening on 127.0.0.1 only, on a free port.
 *
 * Each server migrates one template database (POSTGRES_MIGRATIONS) when it starts; every
 * `createDatabase()` is then a copy of it (`CREATE DATABASE … TEMPLATE`), a few milliseconds
 * instead of running the schema again, so each test can have a database of its own.
 *
 * A vitest run shares one such server among its test files (postgres.global.ts starts it, and
 * `postgresServer()` hands it out): starting one takes a couple of seconds, and a database of its
 * own per test keeps the files apart as well as a server of their own did.
 *
 * @example
 *   const database = postgresDatabases(); // at the top of a test file
 *   it('...', async () => {
 *     const sql = await openPostgres(await database(), POSTGRES_MIGRATIONS, onError);
 *   });
 */
import { execFile } from 'node:child_process';
import { chownSync, existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, afterEach, inject } from 'vitest';
import { POSTGRES_MIGRATIONS } from '../../server/src/adapters/postgres.migrations.ts';
import { openPostgres } from '../../server/src/adapters/sql.postgres.ts';
import { ManagedProcess, freePort, makeTempDir, removeOwnedDir } from './process.ts';
import { startOnFreePort } from './services.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The maintenance URL of the server the run's test files share, when postgres.global.ts started one. */
    postgresUrl?: string;
  }
}

const BIN = '/usr/lib/postgresql/15/bin';
const TEMPLATE = 'vigil_template';
const SUPERUSER = 'postgres';

export interface PostgresHandle {
  /** postgres://postgres@127.0.0.1:PORT/postgres, the maintenance database. */
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  readonly logFile: string;
  /**
   * A new database of its own, as a URL: migrated with POSTGRES_MIGRATIONS, or with no schema at
   * all when `empty` (to test the migrations themselves).
   */
  createDatabase(options?: { empty?: boolean }): Promise<string>;
  /** Drops a database `createDatabase` made, ending any connection still open to it. */
  dropDatabase(url: string): Promise<void>;
  /** Fast shutdown (open sessions are ended, not waited for), then the data directory is removed. */
  stop(): Promise<void>;
  /** SIGKILL: a crash. `stop()` still removes the data directory. */
  kill(): Promise<void>;
}

/** The `postgres` system account, which the Debian package creates; null when not running as root. */
function serverUser(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${SUPERUSER}:`));
  if (!line) throw new Error(`PostgreSQL refuses to run as root and there is no '${SUPERUSER}' user: run scripts/ensure-deps.sh --postgres`);
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

function binary(name: string): string {
  const file = path.join(BIN, name);
  if (!existsSync(file)) throw new Error(`${file} not found. Run scripts/ensure-deps.sh --postgres (or: apt-get install -y postgresql-15).`);
  return file;
}

function databaseOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1));
}

/** True once the server answers a query (it accepts connections before it can serve them). */
async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function startPostgres(): Promise<PostgresHandle> {
  const postgres = binary('postgres');
  const initdb = binary('initdb');
  const user = serverUser();
  const dir = makeTempDir('postgres');
  const dataDir = path.join(dir, 'data');
  const logFile = path.join(dir, 'postgres.log');
  if (user) chownSync(dir, user.uid, user.gid);

  // Trust authentication: a throwaway cluster for one test process, listening on 127.0.0.1 and a
  // socket in its own 0700 directory only, holding nothing but test data. --no-locale: byte order
  // for text, as SQLite compares it.
  await promisify(execFile)(initdb, ['-D', dataDir, '-U', SUPERUSER, '--auth=trust', '--no-locale', '--encoding=UTF8', '--no-sync'], {
    uid: user?.uid,
    gid: user?.gid,
    cwd: dir,
    timeout: 60_000,
  }).catch((err: Error & { stderr?: string }) => {
    removeOwnedDir(dir);
    throw new Error(`initdb failed: ${err.stderr ?? err.message}`);
  });

  let port = await freePort();
  const urlOf = (database: string): string => `postgres://${SUPERUSER}@127.0.0.1:${port}/${database}`;
  const build = (): ManagedProcess =>
    new ManagedProcess({
      name: `postgres on port ${port}`,
      command: postgres,
      // Durability settings off: tests never crash PostgreSQL itself and throw the cluster away.
      // max_connections: a test may hold several stores at once (two nodes, concurrent opens), each
      // a pool of up to 10 connections.
      args: [
        '-D',
        dataDir,
        '-h',
        '127.0.0.1',
        '-p',
        String(port),
        '-k',
        dir,
        '-c',
        'fsync=off',
        '-c',
        'synchronous_commit=off',
        '-c',
        'full_page_writes=off',
        '-c',
        'max_connections=200',
      ],
      cwd: dir,
      uid: user?.uid,
      gid: user?.gid,
      logFile,
      ready: () => answers(urlOf('postgres')),
      readyTimeoutMs: 60_000,
    });
  const proc = { current: build() };
  let admin: pg.Pool | undefined;
  const stop = async (): Promise<void> => {
    await admin?.end().catch(() => undefined);
    admin = undefined;
    // SIGINT is PostgreSQL's fast shutdown; the SIGTERM that stop() sends is a "smart" one, which
    // would wait for every pool a test left open.
    if (proc.current.pid !== undefined) process.kill(proc.current.pid, 'SIGINT');
    await proc.current.stop();
    removeOwnedDir(dir);
  };

  try {
    await startOnFreePort(proc, false, async () => {
      port = await freePort();
      proc.current = build();
    });
    admin = new pg.Pool({ connectionString: urlOf('postgres'), max: 2 });
    // An idle connection ended by the server's shutdown emits here; nothing to do about it.
    admin.on('error', () => undefined);
    await admin.query(`CREATE DATABASE ${TEMPLATE}`);
    const template = await openPostgres(urlOf(TEMPLATE), POSTGRES_MIGRATIONS, () => undefined);
    await template.close();
    // A connection to the template would make every copy fail ("being accessed by other users").
    await admin.query(`ALTER DATABASE ${TEMPLATE} ALLOW_CONNECTIONS false`);
  } catch (err) {
    await stop();
    throw err;
  }

  return { url: urlOf('postgres'), port, dir, logFile, ...databasesOn(() => admin, urlOf, ''), stop, kill: () => proc.current.kill() };
}

/**
 * Databases made on a server through its `admin` pool. `prefix` keeps the names of the files
 * sharing a server apart.
 */
function databasesOn(
  admin: () => pg.Pool | undefined,
  urlOf: (database: string) => string,
  prefix: string,
): Pick<PostgresHandle, 'createDatabase' | 'dropDatabase'> {
  let created = 0;
  return {
    async createDatabase(options = {}) {
      const pool = admin();
      if (!pool) throw new Error('PostgreSQL test server stopped');
      const name = `vigil_test_${prefix}${++created}`;
      await pool.query(`CREATE DATABASE ${name} TEMPLATE ${options.empty ? 'template0' : TEMPLATE}`);
      return urlOf(name);
    },
    async dropDatabase(databaseUrl) {
      await admin()?.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(databaseOf(databaseUrl))} WITH (FORCE)`);
    },
  };
}

/** True when the PostgreSQL server binaries are installed (scripts/ensure-deps.sh --postgres). */
export function postgresInstalled(): boolean {
  return existsSync(path.join(BIN, 'postgres')) && existsSync(path.join(BIN, 'initdb'));
}

function sharedServerUrl(): string | undefined {
  try {
    return inject('postgresUrl');
  } catch {
    // Not in a vitest run (a benchmark script starting a cluster): there is nothing to share.
    return undefined;
  }
}

/**
 * The server of the run's test files when postgres.global.ts started one, else a server of the
 * caller's own. `stop()` of the shared one only lets go of it (the run stops it at its end), and it
 * cannot be killed: a test that crashes PostgreSQL starts its own with `startPostgres()`.
 */
export async function postgresServer(): Promise<PostgresHandle> {
  const shared = sharedServerUrl();
  if (shared === undefined) return startPostgres();
  let admin: pg.Pool | undefined = new pg.Pool({ connectionString: shared, max: 2 });
  admin.on('error', () => undefined);
  const url = new URL(shared);
  const urlOf = (database: string): string => {
    const u = new URL(url);
    u.pathname = `/${database}`;
    return u.toString();
  };
  return {
    url: shared,
    port: Number(url.port),
    dir: '',
    logFile: '',
    ...databasesOn(() => admin, urlOf, `${process.pid}_`),
    async stop() {
      await admin?.end().catch(() => undefined);
      admin = undefined;
    },
    kill: () => Promise.reject(new Error('the run shares this PostgreSQL server: start one of your own (startPostgres) to crash it')),
  };
}

/**
 * For a vitest file: returns `database(options?)`, a fresh database URL for the calling test (see
 * `createDatabase`), dropped after it, on the run's server (`postgresServer()`); without one, the
 * file's own server starts on the first call and stops after the file's last test.
 */
export function postgresDatabases(): (options?: { empty?: boolean }) => Promise<string> {
  let server: Promise<PostgresHandle> | undefined;
  const created: string[] = [];
  afterEach(async () => {
    const s = await server;
    for (const url of created.splice(0)) await s?.dropDatabase(url);
  });
  afterAll(async () => {
    await (await server)?.stop();
  });
  return async (options) => {
    server ??= postgresServer();
    const url = await (await server).createDatabase(options);
    created.push(url);
    return url;
  };
}

/**
 * SIGSTOP or SIGCONT to the whole of a server `startPostgres` started (the postmaster, from its pid
 * file, and every process it forked): frozen, it still accepts TCP connections (the kernel queues
 * them) and never answers, as a hung or overloaded database does. Never the run's shared server:
 * its other files would stall.
 */
export function signalPostgres(server: Pick<PostgresHandle, 'dir'>, signal: 'SIGSTOP' | 'SIGCONT'): void {
  if (!server.dir) throw new Error('the run shares this PostgreSQL server: start one of your own (startPostgres) to freeze it');
  const postmaster = Number(readFileSync(path.join(server.dir, 'data/postmaster.pid'), 'utf8').split('\n')[0]);
  const children = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        // Field 4 of /proc/<pid>/stat is the parent; the command name before it may hold spaces.
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === postmaster;
      } catch {
        return false; // exited meanwhile
      }
    })
    .map(Number);
  for (const pid of [postmaster, ...children]) {
    try {
      process.kill(pid, signal);
    } catch {
      // exited meanwhile
    }
  }
}
