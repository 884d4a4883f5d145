/**
 * Devices Vigil has heard of on its gateways, merged from every message that describes them or
 * carries their data (readers.ts), for the "Devices found" page. Fed with the messages of a
 * gateway's tree that no sensor is bound to; whether a device is bound is decided when the list is
 * read (discovery.service.ts), against the registry of that moment. Bounded like the gateway's
 * traffic list: at most `maxPerGateway` devices each, the least recently heard forgotten first.
 */
import type { DiscoveryBinding, DiscoverySource, Gateway } from '../../../../contract/index.ts';
import {
  MAX_EXPOSES,
  readEsphomeState,
  readHomeAssistantConfig,
  readTasmotaTelemetry,
  readZigbee2mqttDevices,
  readZigbee2mqttMessage,
  type Sighting,
} from './readers.ts';

export const MAX_FOUND_PER_GATEWAY = 1000;

export interface FoundDevice {
  key: string;
  gateway: Gateway;
  sources: Set<DiscoverySource>;
  name: string | null;
  vendor: string | null;
  model: string | null;
  description: string | null;
  exposes: Set<string>;
  topic: string | null;
  bindings: DiscoveryBinding[];
  firstSeen: number;
  lastHeard: number;
  lastMessage: number | null;
}

interface PerGateway {
  /** Insertion order is recency, as in the traffic list. */
  devices: Map<string, FoundDevice>;
  /** Zigbee2MQTT: a device's topic → its key, so its messages find the entry its device-list line made. */
  byTopic: Map<string, string>;
}

export class FoundDevices {
  private readonly gateways = new Map<string, PerGateway>();
  private evictedCount = 0;

  constructor(private readonly maxPerGateway = MAX_FOUND_PER_GATEWAY) {}

  /** A message of `gateway`'s tree (or a discovery topic attributed to it) that no sensor is bound to. */
  record(gateway: Gateway, topic: string, payload: Buffer, now: number): void {
    for (const s of sightings(gateway, topic, payload)) this.merge(gateway, s, now);
  }

  get evicted(): number {
    return this.evictedCount;
  }

  /** Most recently heard first. */
  list(): FoundDevice[] {
    const out: FoundDevice[] = [];
    for (const g of this.gateways.values()) out.push(...g.devices.values());
    return out.sort((a, b) => b.lastHeard - a.lastHeard);
  }

  private of(gatewayId: string): PerGateway {
    let g = this.gateways.get(gatewayId);
    if (g === undefined) {
      g = { devices: new Map(), byTopic: new Map() };
      this.gateways.set(gatewayId, g);
    }
    return g;
  }

  private merge(gateway: Gateway, s: Sighting, now: number): void {
    const g = this.of(gateway.id);
    const key = this.keyFor(g, s);
    let d = g.devices.get(key);
    if (d !== undefined) g.devices.delete(key);
    else {
      if (g.devices.size >= this.maxPerGateway) this.evictStalest(g);
      d = {
        key,
        gateway,
        sources: new Set(),
        name: null,
        vendor: null,
        model: null,
        description: null,
        exposes: new Set(),
        topic: null,
        bindings: [],
        firstSeen: now,
        lastHeard: now,
        lastMessage: null,
      };
    }
    d.sources.add(s.source);
    // A description names the device; its data only names it until one does.
    d.name = s.isData ? (d.name ?? s.name) : (s.name ?? d.name);
    d.vendor = s.vendor ?? d.vendor;
    d.model = s.model ?? d.model;
    d.description = s.description ?? d.description;
    // Each message's exposes are bounded by the reader; their union across messages must be too.
    for (const e of s.exposes) if (d.exposes.size < MAX_EXPOSES || d.exposes.has(e)) d.exposes.add(e);
    // A renamed device has left its old topic: keeping the old name would send another device's
    // messages there to this entry, and a rename loop would grow the topic index without bound.
    if (s.topic !== null && d.topic !== null && s.topic !== d.topic && g.byTopic.get(d.topic) === key) g.byTopic.delete(d.topic);
    d.topic = s.topic ?? d.topic;
    for (const b of s.bindings) if (!d.bindings.some((x) => x.kind === b.kind)) d.bindings.push(b);
    d.lastHeard = now;
    if (s.isData) d.lastMessage = now;
    g.devices.set(key, d);
    if (gateway.adapter === 'zigbee2mqtt' && d.topic !== null) g.byTopic.set(d.topic, key);
  }

  /**
   * Zigbee2MQTT names a device by its IEEE address in the device list and in discovery configs,
   * by its friendly name in its topic: a message on a topic the list already placed joins that
   * entry, and a list line joins (and replaces) an entry its messages made first.
   */
  private keyFor(g: PerGateway, s: Sighting): string {
    if (s.topic === null) return s.key;
    const known = g.byTopic.get(s.topic);
    if (known === undefined || known === s.key) return s.key;
    if (s.source === 'zigbee2mqtt_message') return known;
    const before = g.devices.get(known);
    if (before !== undefined && before.key.startsWith('name:')) {
      g.devices.delete(known);
      g.devices.set(s.key, { ...before, key: s.key });
    }
    return s.key;
  }

  private evictStalest(g: PerGateway): void {
    const stalest = g.devices.keys().next().value;
    if (stalest === undefined) return;
    const d = g.devices.get(stalest);
    g.devices.delete(stalest);
    if (d?.topic !== null && d?.topic !== undefined && g.byTopic.get(d.topic) === stalest) g.byTopic.delete(d.topic);
    this.evictedCount += 1;
  }
}

/** What one message says, by the gateway's adapter and the topic's place in its tree. */
export function sightings(gateway: Gateway, topic: string, payload: Buffer): Sighting[] {
  if (topic.endsWith('/config') || topic.endsWith('/sensors')) {
    if (topic.startsWith('tasmota/discovery/')) {
      // `config` describes the Tasmota itself (the gateway); `sensors` what its inputs read.
      if (gateway.adapter !== 'tasmota' || !topic.endsWith('/sensors')) return [];
      return readTasmotaTelemetry(`tele/${gateway.topic}/SENSOR`, payload, 'tasmota_discovery', false);
    }
    const entity = readHomeAssistantConfig(topic, payload);
    if (entity === null) return [];
    // Zigbee2MQTT's configs are per property of a device named by its IEEE address.
    if (gateway.adapter === 'zigbee2mqtt') return [{ ...entity, key: entity.node, name: null, bindings: zigbeeBindings(entity.object, entity.bindings) }];
    return [entity];
  }
  switch (gateway.adapter) {
    case 'zigbee2mqtt':
      if (topic === `${gateway.baseTopic}/bridge/devices`) return readZigbee2mqttDevices(gateway, payload);
      return topic.startsWith(`${gateway.baseTopic}/`) ? readZigbee2mqttMessage(gateway, topic, payload) : [];
    case 'tasmota':
      return /^tele\/.+\/SENSOR$/.test(topic) ? readTasmotaTelemetry(topic, payload, 'tasmota_telemetry', true) : [];
    case 'esphome': {
      const s = readEsphomeState(gateway.node, topic);
      return s === null ? [] : [s];
    }
    case 'esp_rfid':
      // The controller is the gateway itself: bound as a door, nothing behind it to find.
      return [];
  }
}

/** A Zigbee2MQTT discovery config names the property in its object id (`smoke`, `water_leak`). */
function zigbeeBindings(object: string, byClass: DiscoveryBinding[]): DiscoveryBinding[] {
  if (byClass.length === 0) return [];
  return byClass.map((b) => ({ ...b, property: object, needsScale: object === 'gas_density' }));
}
