/**
 * The realtime hub: Socket.IO on the HTTP server, fed by the alarm service, closing sockets whose
 * session ended; with REDIS_URL, joined to the other nodes' hubs through Redis.
 */
import type http from 'node:http';
import type { HealthPart } from '../../../contract/index.ts';
import { SocketHub } from '../adapters/socketio.hub.ts';
import { RedisFanout } from '../adapters/socketio.redis.ts';
import type { Config } from '../config.ts';
import { socketAuth } from '../http/auth.middleware.ts';
import { handshakeOriginCheck, type OriginPolicy } from '../http/security.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import type { AlarmOperations } from '../services/alarm.operations.ts';
import type { AuthService } from '../services/auth.service.ts';
import type { EndedSessions, LiveFanout } from './links.ts';
import { Intervals, type Part } from './parts.ts';

/**
 * Sessions that end without a word to this process (idle expiry, a revocation by the command line)
 * are found by checking this often: a socket outlives its session by at most this long.
 */
const SESSION_SWEEP_MS = 5_000;

export interface Realtime {
  hub: SocketHub;
  /** Sweeps for ended sessions; stopping closes the hub. */
  part: Part;
  /**
   * Connects to Redis and joins the other nodes (nothing without REDIS_URL). Starts before HTTP
   * listens, so that no socket connects before the adapter is in place; stops after the hub.
   */
  fanout: Part;
  /** The `redis` part of GET /api/health; null without REDIS_URL. */
  redisHealth(): HealthPart | null;
}

export function composeRealtime(
  server: http.Server,
  logger: Logger,
  alarms: AlarmOperations,
  auth: AuthService,
  live: LiveFanout,
  endedSessions: EndedSessions,
  origins: OriginPolicy,
  config: Pick<Config, 'REDIS_URL'>,
  metrics: Pick<Metrics, 'registry'>,
): Realtime {
  const log = logger.child({ component: 'realtime' });
  const hub = new SocketHub(server, {
    snapshot: () => alarms.snapshot(),
    authorize: socketAuth(auth),
    allowRequest: handshakeOriginCheck(origins),
    logger: log,
  });
  live.connect(hub);
  const redis = config.REDIS_URL ? new RedisFanout({ url: config.REDIS_URL, logger: logger.child({ component: 'redis' }), registry: metrics.registry }) : null;
  // A revocation here closes that user's sockets at once.
  endedSessions.onEnded((username) => {
    hub.dropEndedSessions((id) => auth.sessionAlive(id), username).catch((err: unknown) => log.error({ err }, 'could not check sessions of live connections'));
  });
  const sweep = new Intervals([[SESSION_SWEEP_MS, () => endedSessions.ended()]]);
  return {
    hub,
    part: {
      name: 'realtime hub',
      start: () => sweep.start(),
      stop: async () => {
        sweep.stop();
        await hub.close();
      },
    },
    fanout: redisFanoutPart(hub, redis),
    redisHealth: () => redis?.health() ?? null,
  };
}

/** Joins `hub` to the other nodes' hubs through `redis` (nothing when null): connects, then puts the adapter under the hub. */
export function redisFanoutPart(hub: SocketHub, redis: RedisFanout | null): Part {
  return {
    name: 'realtime fan-out (Redis)',
    start: async () => {
      if (!redis) return;
      await redis.start();
      hub.useAdapter(redis.adapter());
    },
    stop: () => redis?.stop(),
  };
}
