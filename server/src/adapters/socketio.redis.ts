/**
 * Fan-out between Vigil nodes: the Socket.IO Redis Streams adapter on one shared Redis, so that an
 * event one node broadcasts reaches the sockets of every node, and a console that reconnects to
 * another node gets what it missed (connection-state recovery keeps sessions and offsets in Redis).
 * docs/architecture.md#realtime describes the topology.
 *
 * Redis is not on the safety path: when it is down, each node keeps serving its own sockets.
 * - Publishing fails fast (no offline queue on the publishing client) instead of queueing in
 *   memory, so the adapter, which awaits the publish before it delivers locally, delivers at once;
 *   a publish that gets no answer within PUBLISH_TIMEOUT_MS (a connection that died silently, a
 *   frozen Redis) is given up the same way, and so is every later one at once until Redis answers
 *   again. Consoles on other nodes see a sequence gap afterwards and resync.
 * - The adapter's reading clients keep their offline queue: their XREAD waits for Redis to return
 *   and resumes the stream from the last id read. Without a queue a read would fail at once and the
 *   adapter's read loop, which retries without pausing, would spin and starve the event loop.
 * - The adapter ignores the promises of some writes (session SET, pub/sub PUBLISH); their failures
 *   are caught here, as an unhandled rejection would end the process.
 * Outages are logged once each (down, back), counted, and reported by `health()`.
 */
import { createAdapter } from '@socket.io/redis-streams-adapter';
import client from 'prom-client';
import { createClient } from 'redis';
import type { HealthPart } from '../../../contract/index.ts';
import type { Logger } from '../logger.ts';
import { systemScheduler, type Scheduler } from '../services/clock.ts';
import { Backoff, type BackoffOptions } from '../services/retry.ts';

/** Longer than a healthy Redis ever takes; an alarm waits at most this long for its local delivery. */
export const PUBLISH_TIMEOUT_MS = 1_000;
/** How long start() waits for Redis before the node starts without it (it keeps trying). */
export const CONNECT_WAIT_MS = 3_000;
const RECONNECT: BackoffOptions = { initialMs: 100, maxMs: 2_000, jitter: 0.2 };

type RedisClient = ReturnType<typeof createClient>;
type AdapterFactory = ReturnType<typeof createAdapter>;
type Command = (...args: unknown[]) => Promise<unknown>;
/** Commands the adapter sends whose outcome is watched here (health, metrics, no stray rejections). */
const WATCHED = ['xAdd', 'set', 'publish', 'sPublish'] as const;

export interface RedisFanoutOptions {
  url: string;
  logger: Logger;
  /** Where the Redis metrics are registered (GET /metrics); none when omitted. */
  registry?: client.Registry;
  scheduler?: Scheduler;
}

export class RedisFanout {
  private readonly publisher: RedisClient;
  private readonly readers: RedisClient[] = [];
  private readonly adapters: ReturnType<AdapterFactory>[] = [];
  private readonly logger: Logger;
  private readonly scheduler: Scheduler;
  /** 'connecting' until the first connection or failure. */
  private state: 'connecting' | 'up' | 'down' = 'connecting';
  private downSince: number | null = null;
  /** A write got no answer in time, and none has since: the connection may be dead without a word. */
  private stalled = false;
  /** Gives up each write still waiting for its answer, in the order sent. */
  private readonly waiting = new Set<() => void>();
  private stopped = false;
  private readonly outages: client.Counter | null;
  private readonly failures: client.Counter<'op'> | null;

  constructor(options: RedisFanoutOptions) {
    this.logger = options.logger;
    this.scheduler = options.scheduler ?? systemScheduler;
    this.publisher = createClient({
      url: options.url,
      disableOfflineQueue: true,
      socket: { connectTimeout: 2_000, reconnectStrategy },
    });
    this.publisher.on('ready', () => this.up());
    this.publisher.on('error', (err: unknown) => this.down(err));
    const registers = options.registry ? [options.registry] : [];
    this.outages = options.registry
      ? new client.Counter({ name: 'vigil_redis_outages_total', help: 'Times the connection to Redis (cross-node live events) was lost', registers })
      : null;
    this.failures = options.registry
      ? new client.Counter({
          name: 'vigil_redis_fanout_failures_total',
          help: 'Writes to Redis that failed or timed out (the event still reached this node’s sockets), by command',
          labelNames: ['op'] as const,
          registers,
        })
      : null;
    const isUp = (): boolean => this.health().ok;
    if (options.registry)
      new client.Gauge({
        name: 'vigil_redis_up',
        help: '1 while connected to Redis and answering (cross-node live events), else 0',
        registers,
        collect() {
          this.set(isUp() ? 1 : 0);
        },
      });
  }

  /** Connects, waiting at most CONNECT_WAIT_MS: without Redis the node starts alone and keeps trying. */
  async start(): Promise<void> {
    const connected = this.publisher.connect().then(
      () => 'connected' as const,
      (err: unknown) => {
        // Only when the client is closed while connecting: the reconnect strategy never gives up.
        this.logger.warn({ err }, 'Redis client closed before it connected');
        return 'closed' as const;
      },
    );
    let timer: ReturnType<Scheduler['setTimeout']> | undefined;
    const waited = new Promise<'waiting'>((resolve) => (timer = this.scheduler.setTimeout(() => resolve('waiting'), CONNECT_WAIT_MS)));
    const outcome = await Promise.race([connected, waited]);
    this.scheduler.clearTimeout(timer!);
    if (outcome === 'waiting')
      this.logger.warn({ waitedMs: CONNECT_WAIT_MS }, 'Redis not reachable: starting alone, live events reach only this node’s consoles until it is');
  }

  /** The Socket.IO adapter constructor over this Redis; call once, after start(). */
  adapter(): AdapterFactory {
    const publisher = this.publisher as unknown as Record<string, Command>;
    // The adapter duplicates the client it is given for its readers: give it one whose
    // duplicates keep an offline queue (see the header), and whose writes are watched.
    const forAdapter = Object.create(this.publisher) as Record<string, unknown>;
    forAdapter.duplicate = () => this.reader();
    for (const name of WATCHED) {
      forAdapter[name] = (...args: unknown[]) => this.watch(name, publisher[name]!.apply(this.publisher, args));
    }
    const make = createAdapter(forAdapter);
    const made = this.adapters;
    // A function, not an arrow: Socket.IO calls it with `new`.
    return function (nsp) {
      const adapter = make(nsp);
      made.push(adapter);
      return adapter;
    };
  }

  health(): HealthPart {
    if (this.state === 'up' && !this.stalled) return { ok: true, detail: 'connected: live events reach the consoles on every node' };
    const since = this.downSince === null ? '' : ` since ${new Date(this.downSince).toISOString()}`;
    const why = this.state === 'up' ? 'not answering' : 'not connected';
    return { ok: false, detail: `${why}${since}: live events reach only this node’s consoles` };
  }

  /** Quits: readers at once (they only read), the publisher after its pending writes. */
  async stop(): Promise<void> {
    this.stopped = true;
    // Ends their read loops (closing the hub did already: once more does nothing).
    for (const adapter of this.adapters.splice(0)) await adapter.close();
    for (const reader of this.readers.splice(0)) reader.destroy();
    if (!this.publisher.isOpen) return;
    let timer: ReturnType<Scheduler['setTimeout']> | undefined;
    const late = new Promise<'late'>((resolve) => (timer = this.scheduler.setTimeout(() => resolve('late'), PUBLISH_TIMEOUT_MS)));
    const closed = this.publisher.close().then(() => 'closed' as const);
    const outcome = await Promise.race([closed, late]);
    this.scheduler.clearTimeout(timer!);
    if (outcome === 'late') this.publisher.destroy();
  }

  private reader(): RedisClient {
    // An offline queue (see the header), and no ping timer: a PING would queue behind the
    // blocking XREAD, or be refused on the pub/sub connection.
    const reader = this.publisher.duplicate({ disableOfflineQueue: false, pingInterval: undefined });
    // The adapter destroys its readers when it closes, which throws (an unhandled rejection in
    // its read loop) on one destroyed already by stop(): once is enough.
    const destroy = reader.destroy.bind(reader);
    reader.destroy = () => {
      if (reader.isOpen) destroy();
    };
    // After stop() a read loop still running (an adapter never closed) would retry on the
    // destroyed client without pause, holding the event loop: its next read waits forever instead.
    const xRead = reader.xRead.bind(reader) as Command;
    (reader as unknown as Record<string, Command>).xRead = (...args) => (this.stopped ? new Promise<never>(() => {}) : xRead(...args));
    this.readers.push(reader);
    return reader;
  }

  private watch(op: string, sent: Promise<unknown>): Promise<unknown> {
    // An answer, even a late one, shows that the connection is alive.
    sent.then(
      () => {
        this.stalled = false;
      },
      () => {},
    );
    let giveUp!: () => void;
    const gaveUp = new Promise<never>((_, reject) => (giveUp = () => reject(new NoAnswer(op))));
    this.waiting.add(giveUp);
    // While Redis is not answering, the next write is not waited for either.
    const timer = this.scheduler.setTimeout(() => this.stall(), this.stalled ? 0 : PUBLISH_TIMEOUT_MS);
    const outcome = Promise.race([sent, gaveUp]).finally(() => {
      this.scheduler.clearTimeout(timer);
      this.waiting.delete(giveUp);
    });
    outcome.then(
      () => {},
      (err: unknown) => {
        this.failures?.inc({ op });
        if (this.state === 'up' && !(err instanceof NoAnswer) && !this.stopped)
          this.logger.warn({ err, op }, 'Redis refused a write: this event reached only this node’s consoles');
      },
    );
    // The adapter awaits some of these and drops others: the handler above makes a dropped one
    // harmless, and the one it awaits still rejects for it.
    return outcome;
  }

  /**
   * No answer in time: every write still waiting is given up at once, in the order sent, so that
   * local deliveries keep their order (one given up later would be delivered after newer ones).
   */
  private stall(): void {
    if (!this.stalled && this.state === 'up' && !this.stopped)
      this.logger.error({ waitedMs: PUBLISH_TIMEOUT_MS }, 'Redis not answering: live events reach only this node’s consoles until it does');
    this.stalled = true;
    for (const giveUp of this.waiting) giveUp();
    this.waiting.clear();
  }

  private up(): void {
    const wasDown = this.state === 'down';
    const downSince = this.downSince;
    this.state = 'up';
    this.downSince = null;
    this.stalled = false;
    if (wasDown)
      this.logger.info({ downForMs: downSince === null ? undefined : this.scheduler.now() - downSince }, 'Redis back: cross-node live events resumed');
    else this.logger.info('connected to Redis: cross-node live events on');
  }

  private down(err: unknown): void {
    // Every failed reconnect attempt is an 'error' too: one log line and one count per outage.
    if (this.state === 'down' || this.stopped) return;
    const wasUp = this.state === 'up';
    this.state = 'down';
    this.downSince = this.scheduler.now();
    if (wasUp) this.outages?.inc();
    this.logger.error({ err }, 'Redis unreachable: live events reach only this node’s consoles until it is back');
  }
}

class NoAnswer extends Error {
  constructor(op: string) {
    super(`Redis ${op} got no answer within ${PUBLISH_TIMEOUT_MS} ms`);
  }
}

/** The one backoff policy, from the attempt number node-redis passes (0 after each outage begins). */
function reconnectStrategy(retries: number): number {
  const backoff = new Backoff(RECONNECT);
  for (let i = 0; i < Math.min(retries, 32); i++) backoff.next();
  return backoff.next();
}
