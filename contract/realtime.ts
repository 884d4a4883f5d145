/**
 * Live push over Socket.IO: the snapshot a console starts from, the
 * ordered alarm events, coalesced sensor values and drill notices, as typed event maps.
 */
import type { SensorState } from './facility.ts';
import type { Alarm, AlarmEvent, Incident, OutOfService } from './alarm.ts';

/**
 * A sensor's live state for floor plans: the stored state plus maintenance.
 *
 * @example `const icon = s.outOfService ? 'out_of_service' : s.online === false ? 'offline' : statusFromAlarms(s.sensorId);`
 */
export interface SensorLiveState extends SensorState {
  outOfService: OutOfService | null;
}

/**
 * Sent on connect and on `resync`: everything a console needs, as of event `seq`.
 *
 * @example `socket.on('snapshot', (s) => { lastSeq = s.seq; setAlarms(s.alarms); });`
 */
export interface AlarmSnapshot {
  /** Sequence number of the last event included; the next live event has `seq + 1`. */
  seq: number;
  at: number;
  /** Open alarms (not `cleared`), real and drill. */
  alarms: Alarm[];
  incidents: Incident[];
  sensors: SensorLiveState[];
}

/**
 * A drill started or ended; every client labels its alarms DRILL.
 *
 * @example `{"drillId": "d-20261127-1", "scenario": "canteen-gas-leak", "siteId": "hq", "state": "started", "by": "mgr.chen", "at": 1764240000000}`
 */
export interface DrillNotice {
  drillId: string;
  scenario: string;
  siteId: string;
  state: 'started' | 'ended';
  by: string;
  at: number;
}

/**
 * The server's application heartbeat: sent to each socket on connect and every `intervalMs` after,
 * so a console notices a link that dropped silently (no TCP reset, nothing more arrives) within a
 * few intervals. `seq` counts up by one per beat on one server; a console may compare it to see
 * beats that went missing.
 *
 * @example `{"seq": 4812, "at": 1764240000000, "intervalMs": 1000}`
 */
export interface Heartbeat {
  seq: number;
  at: number;
  intervalMs: number;
}

/**
 * The sites that no node runs changed, as the node this console is connected to sees its leases
 * (cluster mode only). Sent by that node to its own consoles only: each node's view of the leases
 * is its own, and a console asks its node's `GET /api/health` at once for the whole picture.
 *
 * @example `{"node": "vigil-a", "unheld": ["north"], "at": 1764240000000}`
 */
export interface ClusterNotice {
  node: string;
  /** Configured sites without a node running them, as in `GET /api/health` `parts.cluster.unheld`. */
  unheld: string[];
  at: number;
}

/**
 * Server → client events. Use with `Server<ClientToServerEvents, ServerToClientEvents>` and
 * `Socket<ServerToClientEvents, ClientToServerEvents>` from socket.io-client.
 *
 * @example
 * ```ts
 * const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({ auth: { token } });
 * socket.on('sensor', (updates) => updates.forEach(paintIcon));
 * ```
 */
export interface ServerToClientEvents {
  snapshot: (snapshot: AlarmSnapshot) => void;
  /** Every alarm, incident and sensor-maintenance change, in `seq` order. */
  alarm: (event: AlarmEvent) => void;
  /** Live values, coalesced to at most 2 per second per sensor. */
  sensor: (updates: SensorLiveState[]) => void;
  drill: (notice: DrillNotice) => void;
  /** A `resync` beyond the per-socket limit: not answered now; one fresh `snapshot` follows after `retryAfterMs`. */
  resync_limited: (notice: { retryAfterMs: number; message: string }) => void;
  /** The link is alive: see `Heartbeat`. Never replayed by connection-state recovery. */
  heartbeat: (beat: Heartbeat) => void;
  /** Sites without a node changed: see `ClusterNotice`. This node's own consoles only. */
  cluster: (notice: ClusterNotice) => void;
}

/**
 * Client → server events.
 *
 * @example `socket.emit('resync', lastSeq); // a gap was seen: send me a fresh snapshot`
 */
export interface ClientToServerEvents {
  /** Ask for a fresh `snapshot`; `lastSeq` is the last event the client applied (for logs). */
  resync: (lastSeq: number) => void;
}
