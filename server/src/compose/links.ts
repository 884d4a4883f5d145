/**
 * Links between parts that need each other both ways, made before either end: the alarm service
 * publishes to the Socket.IO hub, which asks the alarm service for its snapshot; the auth services
 * end sessions, whose sockets the hub then closes. Each side gets a small object made first, and
 * the other end is connected to it once it exists, explicitly, in compose/realtime.ts.
 */
import type { AlarmEvent, SensorLiveState } from '../../../contract/index.ts';
import type { LiveHub } from '../services/alarm.ports.ts';

/** The alarm service's LiveHub: forwards to the hubs connected to it (none until realtime is composed). */
export class LiveFanout implements LiveHub {
  private readonly hubs: LiveHub[] = [];

  connect(hub: LiveHub): void {
    this.hubs.push(hub);
  }

  publish(event: AlarmEvent): void {
    for (const hub of this.hubs) hub.publish(event);
  }

  sensors(updates: SensorLiveState[]): void {
    for (const hub of this.hubs) hub.sensors(updates);
  }
}

/**
 * Sessions that ended (sign-out elsewhere, revocation, a user disabled): live connections must not
 * outlive them. `username` narrows the check to one user; without it every session is checked.
 */
export class EndedSessions {
  private readonly listeners: ((username?: string) => void)[] = [];

  onEnded(listener: (username?: string) => void): void {
    this.listeners.push(listener);
  }

  ended(username?: string): void {
    for (const listener of this.listeners) listener(username);
  }
}
