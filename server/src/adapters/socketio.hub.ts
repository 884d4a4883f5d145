/**
 * The realtime hub (Socket.IO): on connect a snapshot; then every alarm event in sequence order,
 * and coalesced live sensor values. A client that sees a sequence gap emits `resync` and gets a
 * fresh snapshot. Connection-state recovery replays what a briefly disconnected client missed.
 *
 * A snapshot is the whole alarm state (hundreds of KB on a large site), so `resync` is limited per
 * socket: RESYNC_LIMIT answers per RESYNC_WINDOW_MS. One beyond that is answered with
 * `resync_limited` (when to ask again), and the socket still gets one fresh snapshot when the
 * window allows, so a console that really lost events converges without asking again.
 *
 * A `heartbeat` goes to each socket on connect and every HEARTBEAT_INTERVAL_MS: a network that
 * drops packets silently (no TCP reset) leaves a socket "connected" for as long as Socket.IO's own
 * ping allows (pingInterval + pingTimeout, 20 s), and a safety console must say so within seconds.
 * Beats are volatile: with connection-state recovery on, anything else emitted is kept for two
 * minutes and replayed after a reconnect, by the hundred for beats. A volatile beat is skipped while
 * the transport is still writing (a snapshot, a burst of sensor values); the console counts any
 * message as a sign of life, so a skipped beat is not a missed one. (The one beat sent on connect
 * is kept like any message.) Beats are this server's own: with several nodes (`useAdapter`), each
 * node beats to its own sockets only, as a beat says that this link is alive.
 *
 * With several nodes, `useAdapter` puts a cross-node adapter (socketio.redis.ts) under the server:
 * alarm events, sensor values and drill notices then reach the sockets of every node.
 */
import type http from 'node:http';
import { Server, type ServerOptions, type Socket } from 'socket.io';
import type {
  AlarmEvent,
  AlarmSnapshot,
  ClientToServerEvents,
  SensorLiveState,
  ServerToClientEvents,
  ClusterNotice,
  DrillNotice,
  Heartbeat,
  User,
} from '../../../contract/index.ts';
import type { LiveHub } from '../services/alarm.ports.ts';
import type { Logger } from '../logger.ts';
import { systemScheduler, type Scheduler, type TimerHandle } from '../services/clock.ts';

/** What the `authorize` middleware leaves on a socket (auth.middleware.ts `socketAuth`). */
export interface HubSocketData {
  user?: User;
  sessionId?: number;
}
type HubServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, HubSocketData>;
type HubSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, HubSocketData>;
/** Socket.IO middleware deciding who may connect (sessions); it may set `socket.data.user` and `socket.data.sessionId`. */
export type SocketAuthorizer = (socket: HubSocket, next: (err?: Error) => void) => void;

/** Socket.IO's `allowRequest`: decides on the handshake's HTTP request (e.g. its `Origin`) before any middleware. */
export type HandshakeCheck = (req: http.IncomingMessage, callback: (err: string | null | undefined, success: boolean) => void) => void;

/** Snapshots a socket may ask for with `resync` per window (a real gap needs one). */
export const RESYNC_LIMIT = 5;
export const RESYNC_WINDOW_MS = 10_000;

/** One beat a second: a console that misses three knows within 3 s that its link is gone. */
export const HEARTBEAT_INTERVAL_MS = 1_000;

export interface SocketHubOptions {
  /** A node of several reads the sites other nodes run from the store: then it answers later. */
  snapshot(): AlarmSnapshot | Promise<AlarmSnapshot>;
  authorize?: SocketAuthorizer;
  allowRequest?: HandshakeCheck;
  logger: Logger;
  /** Time for the resync limit (fake in tests). */
  scheduler?: Scheduler;
  /** Time for the heartbeat (fake in tests); its interval, HEARTBEAT_INTERVAL_MS unless given. */
  heartbeat?: { scheduler?: Scheduler; intervalMs?: number };
}

export class SocketHub implements LiveHub {
  readonly io: HubServer;
  private heartbeatSeq = 0;
  private heartbeatTimer: TimerHandle | null = null;
  private readonly heartbeatScheduler: Scheduler;
  private readonly heartbeatIntervalMs: number;

  constructor(
    server: http.Server,
    private readonly options: SocketHubOptions,
  ) {
    this.io = new Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, HubSocketData>(server, {
      serveClient: false,
      // 2 minutes: a flaky wall-display link comes back with every missed event replayed.
      connectionStateRecovery: { maxDisconnectionDuration: 120_000, skipMiddlewares: false },
      pingInterval: 10_000,
      pingTimeout: 10_000,
      maxHttpBufferSize: 64 * 1024,
      ...(options.allowRequest && { allowRequest: options.allowRequest }),
    });
    if (options.authorize) this.io.use(options.authorize);
    this.io.on('connection', (socket) => this.handleConnection(socket));
    this.heartbeatScheduler = options.heartbeat?.scheduler ?? systemScheduler;
    this.heartbeatIntervalMs = options.heartbeat?.intervalMs ?? HEARTBEAT_INTERVAL_MS;
    this.scheduleHeartbeat();
  }

  private beat(): Heartbeat {
    return { seq: this.heartbeatSeq, at: this.heartbeatScheduler.now(), intervalMs: this.heartbeatIntervalMs };
  }

  private scheduleHeartbeat(): void {
    this.heartbeatTimer = this.heartbeatScheduler.setTimeout(() => {
      this.heartbeatSeq++;
      const beat = this.beat();
      this.io.local.volatile.emit('heartbeat', beat);
      this.scheduleHeartbeat();
    }, this.heartbeatIntervalMs);
  }

  /**
   * Replaces the in-process adapter, before any socket connects (a socket connected earlier would
   * stay in the old adapter and miss every broadcast).
   */
  useAdapter(adapter: ServerOptions['adapter']): void {
    if (this.io.of('/').sockets.size > 0) throw new Error('useAdapter: sockets are already connected');
    this.io.adapter(adapter);
  }

  /** At once when the snapshot is at hand (one node); when it has been read, else (several nodes). */
  private sendSnapshot(own: ReturnType<HubServer['to']>): void {
    const snapshot = this.options.snapshot();
    if (!(snapshot instanceof Promise)) own.emit('snapshot', snapshot);
    else snapshot.then((s) => own.emit('snapshot', s)).catch((err: unknown) => this.options.logger.error({ err }, 'could not read the alarm snapshot'));
  }

  private handleConnection(socket: HubSocket): void {
    // What goes to this socket alone is sent from this node only. `socket.emit` would pass it
    // through a cross-node adapter, which writes it to the shared Redis stream (a snapshot is
    // hundreds of KB) for every node to read and drop.
    const own = this.io.local.to(socket.id);
    // A recovered session already received the missed events: no snapshot needed.
    if (!socket.recovered) this.sendSnapshot(own);
    // At once, so the console knows this server beats and watches from the first second. Not
    // volatile: the transport is still writing the connect packet and snapshot, which would skip it.
    own.emit('heartbeat', this.beat());
    const limit = new ResyncLimit(this.options.scheduler ?? systemScheduler, () => this.sendSnapshot(own));
    socket.on('resync', (lastSeq) => {
      if (typeof lastSeq !== 'number' && lastSeq !== undefined) return; // validate socket input
      const retryAfterMs = limit.request();
      if (retryAfterMs === null) return;
      own.emit('resync_limited', {
        retryAfterMs,
        message: `at most ${RESYNC_LIMIT} resyncs per ${RESYNC_WINDOW_MS / 1000} s: a fresh snapshot follows in ${Math.ceil(retryAfterMs / 1000)} s`,
      });
    });
    socket.on('disconnect', () => limit.stop());
  }

  publish(event: AlarmEvent): void {
    this.io.emit('alarm', event);
  }

  sensors(updates: SensorLiveState[]): void {
    this.io.emit('sensor', updates);
  }

  drill(notice: DrillNotice): void {
    this.io.emit('drill', notice);
  }

  /**
   * To this node's sockets only: with the cross-node adapter a broadcast would reach every node's
   * consoles, and each node's view of the leases is its own (a console asks its own node's health).
   */
  clusterChanged(notice: ClusterNotice): void {
    this.io.local.emit('cluster', notice);
  }

  /**
   * Closes the sockets whose session has ended (a connection does not outlive its
   * session): `alive` is asked once per session (`socket.data.sessionId`); with `username`, only
   * that user's sockets are checked. A namespace disconnect, not a transport close: it is not kept
   * for connection-state recovery, the client sees "io server disconnect" and does not reconnect by
   * itself, and if it tries, `authorize` refuses it. Only this node's sockets: every node sweeps its
   * own. Returns how many sockets were closed.
   */
  async dropEndedSessions(alive: (sessionId: number) => boolean | Promise<boolean>, username?: string): Promise<number> {
    const checked = [...this.io.of('/').sockets.values()].filter(
      ({ data: { sessionId, user } }) => sessionId !== undefined && (username === undefined || user?.username === username),
    );
    const verdicts = new Map<number, boolean>();
    for (const sessionId of new Set(checked.map((socket) => socket.data.sessionId!))) verdicts.set(sessionId, await alive(sessionId));
    let dropped = 0;
    for (const socket of checked) {
      if (verdicts.get(socket.data.sessionId!) || !socket.connected) continue;
      socket.disconnect();
      dropped++;
    }
    if (dropped > 0)
      this.options.logger.info(
        { dropped, sessions: [...verdicts].filter(([, live]) => !live).map(([id]) => id) },
        'closed live connections whose session ended',
      );
    return dropped;
  }

  get clientCount(): number {
    return this.io.engine.clientsCount;
  }

  close(): Promise<void> {
    if (this.heartbeatTimer !== null) this.heartbeatScheduler.clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = null;
    return new Promise((resolve) => {
      void this.io.close(() => resolve());
    });
  }
}

/** One socket's resync budget: answers at once within it, else once when the oldest answer leaves the window. */
class ResyncLimit {
  private readonly answered: number[] = [];
  private deferred: { timer: TimerHandle; at: number } | null = null;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly answer: () => void,
  ) {}

  /** null when answered now; else the milliseconds until the deferred answer. */
  request(): number | null {
    const now = this.scheduler.now();
    if (this.deferred !== null) return Math.max(this.deferred.at - now, 1);
    while (this.answered.length > 0 && now - this.answered[0]! >= RESYNC_WINDOW_MS) this.answered.shift();
    if (this.answered.length < RESYNC_LIMIT) {
      this.answered.push(now);
      this.answer();
      return null;
    }
    const waitMs = this.answered[0]! + RESYNC_WINDOW_MS - now;
    const timer = this.scheduler.setTimeout(() => {
      this.deferred = null;
      this.answered.push(this.scheduler.now());
      this.answer();
    }, waitMs);
    this.deferred = { timer, at: now + waitMs };
    return waitMs;
  }

  stop(): void {
    if (this.deferred !== null) this.scheduler.clearTimeout(this.deferred.timer);
    this.deferred = null;
  }
}
