/**
 * What each gateway publishes besides its bound sensors' data — bridge topics, discovery configs,
 * devices no sensor is bound to — kept for a discovery view: per topic the count, first and last
 * time and the last payload's first 512 bytes. Bounded: at most `maxTopics` topics per gateway,
 * the least recently heard dropped first (and counted), so a gateway with thousands of devices
 * or a misbehaving one costs a fixed amount of memory.
 */
import type { Gateway, GatewayTopic } from '../../../../contract/index.ts';
import type { FoundDevices } from '../discovery/found-devices.ts';

export const EXCERPT_BYTES = 512;
export const MAX_TOPICS_PER_GATEWAY = 1000;
/**
 * Device names and discovery topics are far shorter; an MQTT topic may be 65,535 bytes, and a
 * thousand of those would cost 60 MB per gateway (and as much in every answer that lists them).
 */
export const MAX_LISTED_TOPIC_CHARS = 256;

/** The topic as listed: a longer one cut, as a flat copy (a slice would keep the whole topic alive). */
function listedTopic(topic: string): string {
  if (topic.length <= MAX_LISTED_TOPIC_CHARS) return topic;
  return `${Buffer.from(topic.slice(0, MAX_LISTED_TOPIC_CHARS)).toString()}…`;
}

interface Entry {
  count: number;
  firstSeen: number;
  lastSeen: number;
  payload: Buffer;
}

interface PerGateway {
  /** Insertion order is recency: an updated topic moves to the end, the first one is the stalest. */
  topics: Map<string, Entry>;
  messages: number;
  evicted: number;
  lastSeen: number | null;
}

export interface GatewayTrafficView {
  /** Last message of any kind in the gateway's tree, or null. */
  lastSeen(gatewayId: string): number | null;
  unbound(gatewayId: string): { messages: number; evictedTopics: number; topics: GatewayTopic[] };
}

export class GatewayTraffic implements GatewayTrafficView {
  private readonly gateways = new Map<string, PerGateway>();

  constructor(
    private readonly maxTopics = MAX_TOPICS_PER_GATEWAY,
    /** Told of each topic dropped to make room (a metric). */
    private readonly onEvicted: (gatewayId: string) => void = () => {},
    /** The devices these messages describe, for the "Devices found" page; absent: not kept. */
    readonly found?: FoundDevices,
  ) {}

  /** An unbound message of `gateway`'s tree: its topic is listed and what it says of devices kept. */
  recordUnbound(gateway: Gateway, topic: string, payload: Buffer, now: number): void {
    this.record(gateway.id, topic, payload, now);
    // No device of a gateway Vigil reads has a name that long: nothing to find there.
    if (topic.length <= MAX_LISTED_TOPIC_CHARS) this.found?.record(gateway, topic, payload, now);
  }

  private of(gatewayId: string): PerGateway {
    let g = this.gateways.get(gatewayId);
    if (g === undefined) {
      g = { topics: new Map(), messages: 0, evicted: 0, lastSeen: null };
      this.gateways.set(gatewayId, g);
    }
    return g;
  }

  /** Any message in the gateway's tree, bound or not. */
  heard(gatewayId: string, now: number): void {
    this.of(gatewayId).lastSeen = now;
  }

  /** A message on a topic of the gateway's tree that no sensor is bound to. */
  record(gatewayId: string, heardTopic: string, payload: Buffer, now: number): void {
    const topic = listedTopic(heardTopic);
    const g = this.of(gatewayId);
    g.messages += 1;
    // A copy: the MQTT client reads frames in place, so the payload's memory is reused.
    const excerpt = Buffer.from(payload.subarray(0, EXCERPT_BYTES + 1));
    const entry = g.topics.get(topic);
    if (entry !== undefined) {
      g.topics.delete(topic);
      entry.count += 1;
      entry.lastSeen = now;
      entry.payload = excerpt;
      g.topics.set(topic, entry);
      return;
    }
    if (g.topics.size >= this.maxTopics) {
      const stalest = g.topics.keys().next().value;
      if (stalest !== undefined) g.topics.delete(stalest);
      g.evicted += 1;
      this.onEvicted(gatewayId);
    }
    g.topics.set(topic, { count: 1, firstSeen: now, lastSeen: now, payload: excerpt });
  }

  lastSeen(gatewayId: string): number | null {
    return this.gateways.get(gatewayId)?.lastSeen ?? null;
  }

  /** Most recently heard first. */
  unbound(gatewayId: string): { messages: number; evictedTopics: number; topics: GatewayTopic[] } {
    const g = this.gateways.get(gatewayId);
    if (g === undefined) return { messages: 0, evictedTopics: 0, topics: [] };
    const topics: GatewayTopic[] = [];
    for (const [topic, e] of g.topics) {
      const truncated = e.payload.length > EXCERPT_BYTES;
      topics.push({
        topic,
        count: e.count,
        firstSeen: e.firstSeen,
        lastSeen: e.lastSeen,
        lastPayload: excerptText(e.payload.subarray(0, EXCERPT_BYTES)),
        truncated,
      });
    }
    return { messages: g.messages, evictedTopics: g.evicted, topics: topics.reverse() };
  }
}

/** Text of an excerpt; a multi-byte character cut at the end is dropped rather than shown broken. */
function excerptText(bytes: Buffer): string {
  return bytes.toString('utf8').replace(/\uFFFD+$/, '');
}
