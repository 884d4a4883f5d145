/**
 * The gateways as the discovery view sees them: each one's state (the alarm engine's: offline
 * while its offline condition is present), its sensors' states, the filters its messages arrive
 * on and what else it publishes that no sensor is bound to.
 */
import type { GatewayView, GatewaysResponse, SensorLiveState } from '../../../contract/index.ts';
import { gatewayPublishFilters } from '../domain/decoders/gateway.topics.ts';
import type { GatewayTrafficView } from '../domain/decoders/gateway.traffic.ts';
import type { Registry } from '../domain/registry.ts';
import type { MaybePromise } from './alarm.operations.ts';

/** Live state by id, for sensors and gateways alike (the alarm service; from the store for a site another node runs). */
export interface LiveStates {
  sensorState(id: string): MaybePromise<SensorLiveState>;
}

export class GatewayService {
  constructor(
    private readonly registry: Registry,
    private readonly traffic: GatewayTrafficView,
    private readonly live: LiveStates,
  ) {}

  async list(): Promise<GatewaysResponse> {
    return Promise.all(this.registry.gateways().map(async (g) => (await this.viewOf(g.id))!));
  }

  /** One gateway, or undefined when the registry has none by that id. */
  async viewOf(id: string): Promise<GatewayView | undefined> {
    const gateway = this.registry.gateway(id);
    if (gateway === undefined) return undefined;
    return {
      gateway,
      online: (await this.live.sensorState(gateway.id)).online,
      lastSeen: this.traffic.lastSeen(gateway.id),
      topicFilters: gatewayPublishFilters(gateway),
      sensors: await Promise.all(
        this.registry.sensorsBehind(gateway.id).map(async (s) => {
          const state = await this.live.sensorState(s.id);
          return { sensorId: s.id, name: s.name, kind: s.kind, online: state.online, lastSeen: state.lastSeen };
        }),
      ),
      unbound: this.traffic.unbound(gateway.id),
    };
  }
}
