/** Owns the one Socket.IO connection and feeds the live store from it. */
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../../contract/alarm.ts';
import { HeartbeatWatch } from './heartbeat.watch.ts';
import { LiveStore } from './live.store.ts';

type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** When a (non-recovered) connection brings no snapshot within this, ask for one explicitly. */
const SNAPSHOT_TIMEOUT_MS = 3_000;
/** Pause before reconnecting after the server closed or refused the socket itself. */
const SERVER_DISCONNECT_RETRY_MS = 2_000;
/**
 * Reconnection while the network is down: a failed try is followed by the next after 0.5 s, then
 * at most 1 s (±50 %, capped), never a backoff that grew during a long outage. With the connect
 * timeout below, a console tries again at least every 3 s, so it is live again within 3 s of the
 * network returning even when the try under way then was lost with the network.
 */
export const RECONNECT_DELAY_MS = 500;
export const RECONNECT_DELAY_MAX_MS = 1_000;
/**
 * A connection attempt into a network that discards packets hangs, by default for 20 s, and no
 * other attempt starts meanwhile: give up on it after this and try again. It covers the Engine.IO
 * handshake, one HTTP round trip.
 */
export const CONNECT_TIMEOUT_MS = 2_000;

export interface LiveConnection {
  store: LiveStore;
  close: () => void;
}

/** Renders at most once per animation frame, whatever the message rate. */
function frameScheduler(flush: () => void): void {
  if (typeof requestAnimationFrame === 'function' && document.visibilityState === 'visible') {
    requestAnimationFrame(flush);
  } else {
    setTimeout(flush, 0);
  }
}

export interface LiveOptions {
  /**
   * The server refused the connection (its middleware said no): maybe the session expired. The
   * caller checks the session; the socket keeps retrying meanwhile.
   */
  onRefused?: () => void;
}

/**
 * Events committed one after the other on two server nodes may arrive here in the opposite order;
 * the later one waits this long for the earlier before a snapshot is asked for.
 */
const REORDER_WINDOW_MS = 500;

export function connectLive(url = '/', options: LiveOptions = {}): LiveConnection {
  const socket: LiveSocket = io(url, {
    path: '/socket.io',
    withCredentials: true,
    // Reconnect forever with a ceiling: a wall display must come back on its own.
    reconnectionDelay: RECONNECT_DELAY_MS,
    reconnectionDelayMax: RECONNECT_DELAY_MAX_MS,
    randomizationFactor: 0.5,
    timeout: CONNECT_TIMEOUT_MS,
  });
  let snapshotTimer: ReturnType<typeof setTimeout> | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  const store = new LiveStore({
    requestResync: (lastSeq) => socket.emit('resync', lastSeq),
    schedule: frameScheduler,
    reorderWindowMs: REORDER_WINDOW_MS,
  });
  // A silent link: say so at once (since the server was last heard), and start over on a new
  // connection, whose failures Socket.IO retries with the delays above. Not `engine.close()`: it
  // waits for unsent packets to drain or an upgrade to finish, which a dead network never does.
  const watch = new HeartbeatWatch(
    {
      now: () => Date.now(),
      setTimeout: (fn, ms) => setTimeout(fn, ms),
      clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    },
    (lastHeard) => {
      store.handleDisconnect(lastHeard);
      socket.disconnect();
      socket.connect();
    },
  );
  socket.on('heartbeat', (beat) => watch.beat(beat.seq, beat.intervalMs));
  socket.onAny(() => watch.heard());

  socket.on('connect', () => {
    watch.connected();
    store.handleConnect(socket.recovered);
    clearTimeout(snapshotTimer);
    if (!socket.recovered) {
      snapshotTimer = setTimeout(() => {
        if (!store.getSnapshot().synced) socket.emit('resync', store.getSnapshot().seq ?? 0);
      }, SNAPSHOT_TIMEOUT_MS);
    }
  });
  socket.on('disconnect', (reason) => {
    watch.stop();
    store.handleDisconnect(Date.now());
    // Socket.IO reconnects by itself after a network or server loss, but not when the server
    // closed the socket on purpose (e.g. a restart draining clients, or a session check). A
    // wall display must come back on its own, so try again after a pause.
    if (reason === 'io server disconnect') retryTimer = setTimeout(() => socket.connect(), SERVER_DISCONNECT_RETRY_MS);
  });
  socket.on('connect_error', () => {
    store.handleConnectError(Date.now());
    // `active` false: the server refused the connection (a middleware said no); Socket.IO leaves
    // retrying to us.
    if (!socket.active) {
      options.onRefused?.();
      retryTimer = setTimeout(() => socket.connect(), SERVER_DISCONNECT_RETRY_MS);
    }
  });
  socket.on('snapshot', (snapshot) => {
    clearTimeout(snapshotTimer);
    store.handleSnapshot(snapshot);
  });
  socket.on('alarm', (event) => store.handleAlarmEvent(event));
  socket.on('sensor', (updates) => store.handleSensorUpdates(updates));
  socket.on('drill', (notice) => store.handleDrill(notice));
  socket.on('cluster', () => store.handleClusterNotice());

  return {
    store,
    close: () => {
      clearTimeout(snapshotTimer);
      clearTimeout(retryTimer);
      watch.stop();
      socket.close();
    },
  };
}
