/**
 * "Devices found" (`GET /api/discovery`): the devices heard on the gateways that no sensor of the
 * registry is bound to, each with what it is and the snippet that binds it. Bound or not is
 * decided here, at read time, so a device bound since it was heard drops out of the list.
 */
import type { DiscoveredDevice, DiscoveryResponse, Sensor } from '../../../contract/index.ts';
import type { FoundDevice, FoundDevices } from '../domain/discovery/found-devices.ts';
import { snippetFor } from '../domain/discovery/snippet.ts';
import type { Registry } from '../domain/registry.ts';

export class DiscoveryService {
  constructor(
    private readonly registry: Registry,
    private readonly found: FoundDevices,
  ) {}

  list(): DiscoveryResponse {
    const devices: DiscoveredDevice[] = [];
    for (const d of this.found.list()) {
      if (this.registry.gateway(d.gateway.id) === undefined || this.isBound(d)) continue;
      devices.push(view(d));
    }
    return { devices, evicted: this.found.evicted };
  }

  /** Any sensor reading this device: its topic (Zigbee2MQTT), its key behind a Tasmota, its entity (ESPHome). */
  private isBound(d: FoundDevice): boolean {
    const g = d.gateway;
    const sensors = this.registry.sensorsBoundTo(g.adapter);
    return sensors.some((s) => readsDevice(s, d));
  }
}

function readsDevice(s: Sensor, d: FoundDevice): boolean {
  const source = s.source;
  const g = d.gateway;
  switch (source.adapter) {
    case 'zigbee2mqtt':
      return d.topic !== null && source.topic === d.topic;
    case 'tasmota': {
      if (g.adapter !== 'tasmota' || source.topic !== g.topic) return false;
      const key = source.sensorKey ?? 'ANALOG.A0';
      if (d.key.startsWith('analog:')) return d.key === `analog:${key}`;
      return d.key === `zigbee:${key}` || (d.name !== null && d.name.trim() === key.trim());
    }
    case 'esphome': {
      if (g.adapter !== 'esphome' || source.node !== g.node) return false;
      const entity = d.key.split('/')[2];
      return entity === source.entity || entity === source.problemEntity;
    }
    case 'esp_rfid':
    case 'native':
      return false;
  }
}

function view(d: FoundDevice): DiscoveredDevice {
  return {
    key: d.key,
    gatewayId: d.gateway.id,
    adapter: d.gateway.adapter,
    sources: [...d.sources],
    name: d.name ?? d.key,
    vendor: d.vendor,
    model: d.model,
    description: d.description,
    exposes: [...d.exposes],
    topic: d.topic,
    firstSeen: d.firstSeen,
    lastMessage: d.lastMessage,
    bindings: d.bindings,
    snippet: snippetFor(d),
  };
}
