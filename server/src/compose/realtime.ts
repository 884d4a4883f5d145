/** The realtime hub: Socket.IO on the HTTP server, fed by the alarm service, closing sockets whose session ended. */
import type http from 'node:http';
import { SocketHub } from '../adapters/socketio.hub.ts';
import { socketAuth } from '../http/auth.middleware.ts';
import { handshakeOriginCheck, type OriginPolicy } from '../http/security.ts';
import type { Logger } from '../logger.ts';
import type { AlarmService } from '../services/alarm.service.ts';
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
}

export function composeRealtime(
  server: http.Server,
  logger: Logger,
  alarms: AlarmService,
  auth: AuthService,
  live: LiveFanout,
  endedSessions: EndedSessions,
  origins: OriginPolicy,
): Realtime {
  const hub = new SocketHub(server, {
    snapshot: () => alarms.snapshot(),
    authorize: socketAuth(auth),
    allowRequest: handshakeOriginCheck(origins),
    logger: logger.child({ component: 'realtime' }),
  });
  live.connect(hub);
  // A revocation here closes that user's sockets at once.
  endedSessions.onEnded((username) => hub.dropEndedSessions((id) => auth.sessionAlive(id), username));
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
  };
}
