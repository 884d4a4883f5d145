/**
 * A real redis-server for integration tests, with the guarantees of services.ts: loopback only, a
 * free port, a fresh temporary directory, started under `setpriv --pdeathsig KILL`, recorded in
 * VIGIL_SERVICES_PID_DIR, stopped by `stopAllServices()`.
 *
 * Nothing is saved (`--save ''`, no append-only file): a redis-server that is killed and started
 * again comes back empty, as a Redis without persistence does after a crash. The Redis Streams
 * adapter must cope with that (it resumes reading the stream from the last id it saw).
 *
 * @example
 *   const redis = await startRedis();
 *   // ... point the code under test at redis.url ...
 *   await redis.kill(); // an outage
 *   await redis.start(); // back, same port, empty
 *   await stopAllServices(); // in afterAll
 */
import path from 'node:path';
import { ManagedProcess, canConnect, freePort, requireBinary } from './process.ts';
import { lifecycle, prepareDir, startOnFreePort, trackService, type ServiceHandle } from './services.ts';

export interface RedisOptions {
  /** Data directory (default: a fresh temp dir, removed at the end). */
  dir?: string;
  /** Port (default: a free one). */
  port?: number;
}

/** `url` is redis://127.0.0.1:PORT. */
export type RedisHandle = ServiceHandle;

export async function startRedis(opts: RedisOptions = {}): Promise<RedisHandle> {
  const binary = requireBinary('redis-server', 'redis-server');
  const dir = prepareDir(opts.dir, 'redis');
  const logFile = path.join(dir, 'redis.log');
  let port = opts.port ?? (await freePort());

  const build = (): ManagedProcess => {
    const listeningPort = port;
    return new ManagedProcess({
      name: `redis-server on port ${listeningPort}`,
      command: binary,
      args: ['--save', '', '--appendonly', 'no', '--bind', '127.0.0.1', '--port', String(listeningPort), '--dir', dir],
      logFile,
      // Nothing to load from disk, so accepting connections means ready to answer.
      ready: () => canConnect(listeningPort),
      readyTimeoutMs: 15_000,
    });
  };
  const proc = { current: build() };
  await startOnFreePort(proc, opts.port !== undefined, async () => {
    port = await freePort();
    proc.current = build();
  });

  const handle: RedisHandle = {
    get url() {
      return `redis://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    dir,
    logFile,
    ...lifecycle(proc, dir, () => handle),
  };
  trackService(handle);
  return handle;
}
