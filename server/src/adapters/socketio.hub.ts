/**
 * The realtime hub (Socket.IO): on connect a snapshot; then every alarm event in sequence order,
 * and coalesced live sensor values. A client that sees a sequence gap emits `resync` and gets a
 * fresh snapshot. Connection-state recovery replays what a briefly disconnected client missed.
 */
import type http from 'node:http';
import { Server, type Socket } from 'socket.io';
import type { AlarmEvent, AlarmSnapshot, ClientToServerEvents, SensorLiveState, ServerToClientEvents, DrillNotice, User } from '../../../contract/index.ts';
import type { LiveHub } from '../services/alarm.ports.ts';
import type { Logger } from '../logger.ts';

/** What the `authorize` middleware leaves on a socket (auth.middleware.ts `socketAuth`). */
export interface HubSocketData {
  user?: User;
  sessionId?: number;
}
type HubServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, HubSocketData>;
type HubSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, HubSocketData>;
/** Socket.IO middleware deciding who may connect (sessions); it may set `socket.data.user` and `socket.data.sessionId`. */
export type SocketAuthorizer = (socket: HubSocket, next: (err?: Error) => void) => void;

export interface SocketHubOptions {
  snapshot(): AlarmSnapshot;
  authorize?: SocketAuthorizer;
  logger: Logger;
}

export class SocketHub implements LiveHub {
  readonly io: HubServer;

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
    });
    if (options.authorize) this.io.use(options.authorize);
    this.io.on('connection', (socket) => this.handleConnection(socket));
  }

  private handleConnection(socket: HubSocket): void {
    // A recovered session already received the missed events: no snapshot needed.
    if (!socket.recovered) socket.emit('snapshot', this.options.snapshot());
    socket.on('resync', (lastSeq) => {
      if (typeof lastSeq !== 'number' && lastSeq !== undefined) return; // validate socket input
      socket.emit('snapshot', this.options.snapshot());
    });
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
   * Closes the sockets whose session has ended (a connection does not outlive its
   * session): `alive` is asked once per session (`socket.data.sessionId`); with `username`, only
   * that user's sockets are checked. A namespace disconnect, not a transport close: it is not kept
   * for connection-state recovery, the client sees "io server disconnect" and does not reconnect by
   * itself, and if it tries, `authorize` refuses it. Returns how many sockets were closed.
   */
  dropEndedSessions(alive: (sessionId: number) => boolean, username?: string): number {
    const verdicts = new Map<number, boolean>();
    let dropped = 0;
    for (const socket of this.io.of('/').sockets.values()) {
      const { sessionId, user } = socket.data;
      if (sessionId === undefined || (username !== undefined && user?.username !== username)) continue;
      let live = verdicts.get(sessionId);
      if (live === undefined) verdicts.set(sessionId, (live = alive(sessionId)));
      if (live) continue;
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
    return new Promise((resolve) => {
      void this.io.close(() => resolve());
    });
  }
}
