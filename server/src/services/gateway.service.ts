/**
 * The gateways as the discovery view sees them: each one's state (the alarm engine's: offline
 * while its offline condition is present), its sensors' states, the filters its messages arrive
 * on and what else it publishes that no sensor is bound to.
 */
import type { GatewayView, GatewaysResponse, SensorLiveState } from '../../../contract/index.ts';
import { gatewayPublishFilters } from '../domain/decoders/gateway.topics.ts';
import type { GatewayTrafficView } from '../domain/decoders/gateway.traffic.ts';
import type { Registry } from '../domain/registry.ts';

/** Live state by id, for sensors and gateways alike (the alarm service). */
export interface LiveStates {
  sensorState(id: string): SensorLiveState;
}

export class GatewayService {
  constructor(
    private readonly registry: Registry,
    private readonly traffic: GatewayTrafficView,
    private readonly live: LiveStates,
  ) {}

  list(): GatewaysResponse {
    return this.registry.gateways().map((g) => this.viewOf(g.id)!);
  }

  /** One gateway, or undefined when the registry has none by that id. */
  viewOf(id: string): GatewayView | undefined {
    const gateway = this.registry.gateway(id);
    if (gateway === undefined) return undefined;
    return {
      gateway,
      online: this.live.sensorState(gateway.id).online,
      lastSeen: this.traffic.lastSeen(gateway.id),
      topicFilters: gatewayPublishFilters(gateway),
      sensors: this.registry.sensorsBehind(gateway.id).map((s) => {
        const state = this.live.sensorState(s.id);
        return { sensorId: s.id, name: s.name, kind: s.kind, online: state.online, lastSeen: state.lastSeen };
      }),
      unbound: this.traffic.unbound(gateway.id),
    };
  }
}
