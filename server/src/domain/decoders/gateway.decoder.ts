/**
 * Gateways on the ingest path: every message in a gateway's topic tree comes through here, around
 * the device decoders. A bound sensor's topic is decoded as before; anything else the gateway
 * publishes — its bridge topics, discovery configs, devices no sensor is bound to — is counted and
 * listed (GatewayTraffic), never rejected and never an alarm. The gateway's availability topic
 * and its traffic become `status` observations of the gateway itself (sensorId = gateway id,
 * kind `gateway`), placed before the message's sensor observations so that the alarm engine knows
 * the gateway is offline before it hears that its sensors are.
 *
 * Liveness from traffic is sent at most every `heartbeatS / 10` (between 1 s and 60 s): enough for
 * the engine's silence watchdog, a bounded number of points in history. After the gateway said it
 * is offline, only its saying it is online again counts: Zigbee2MQTT's retained discovery configs
 * and device states may arrive after its retained `offline` and must not bring it back.
 */
import { GATEWAY_KIND, UNREGISTERED, type Gateway, type Observation } from '../../../../contract/index.ts';
import { DecodeError, type DecodeContext, type Decoded, type Rejected, type TopicDecoder } from '../observation.decode.ts';
import type { Registry } from '../registry.ts';
import { GatewayTraffic } from './gateway.traffic.ts';
import { TASMOTA_DISCOVERY, availabilityTopic, filterMatches, gatewayTree } from './gateway.topics.ts';
import { TopicIndex } from './topic-index.ts';
import { jsonDepthOver } from '../../../../contract/json-depth.ts';

/** Counted for the metrics: messages nobody is bound to, per gateway; shared discovery nobody claims. */
export interface GatewayCounters {
  unbound(gatewayId: string): void;
  unattributed(): void;
}

const NO_COUNTERS: GatewayCounters = { unbound: () => {}, unattributed: () => {} };

interface FilterEntry {
  filter: string;
  gateway: Gateway;
}

interface GatewayIndex {
  /** Own-tree and scoped discovery filters by first topic level: each names one gateway. */
  owned: Map<string, FilterEntry[]>;
  /** Discovery filters several gateways may share. */
  shared: FilterEntry[];
  /** Every filter, once. */
  filters: string[];
}

function buildIndex(registry: Registry): GatewayIndex {
  const index: GatewayIndex = { owned: new Map(), shared: [], filters: [] };
  const seen = new Set<string>();
  const note = (filter: string): void => {
    if (!seen.has(filter)) index.filters.push(filter);
    seen.add(filter);
  };
  for (const gateway of registry.gateways()) {
    const tree = gatewayTree(gateway);
    const owned = [...tree.own, ...tree.discovery.filter((d) => !d.shared).map((d) => d.filter)];
    for (const filter of owned) {
      const first = filter.split('/')[0]!;
      const list = index.owned.get(first);
      if (list) list.push({ filter, gateway });
      else index.owned.set(first, [{ filter, gateway }]);
      note(filter);
    }
    for (const d of tree.discovery.filter((x) => x.shared)) {
      index.shared.push({ filter: d.filter, gateway });
      note(d.filter);
    }
  }
  return index;
}

/** Liveness the gateway decoder remembers per gateway (in memory: a restart starts from unknown). */
interface Liveness {
  /** What its availability topic last said; null: nothing yet. */
  said: boolean | null;
  /** When an online/offline observation was last sent. */
  sentAt: number;
}

export function livenessEveryMs(g: Gateway): number {
  return g.heartbeatS === null ? 60_000 : Math.min(60_000, Math.max(1000, g.heartbeatS * 100));
}

export class GatewayDecoder implements TopicDecoder {
  readonly name = 'gateways';
  private readonly index = new TopicIndex(buildIndex);
  private readonly liveness = new Map<string, Liveness>();
  /**
   * Tasmota gateway id → its discovery MAC, learnt from its `config` message (its `sensors` message
   * has no topic). Keyed by gateway, not by MAC: MACs come from the network, gateways from the
   * facility file, so a flood of made-up MACs cannot grow it.
   */
  private readonly tasmotaMacs = new Map<string, string>();

  constructor(
    private readonly devices: readonly TopicDecoder[],
    readonly traffic: GatewayTraffic = new GatewayTraffic(),
    private readonly counters: GatewayCounters = NO_COUNTERS,
  ) {}

  /**
   * Each gateway's filters, and the device decoders' exact topics outside them: a topic under a
   * subscribed filter would otherwise be delivered twice (MQTT 3.1.1 §3.3.5 lets a broker send one
   * copy per matching subscription).
   */
  subscriptions(registry: Registry): string[] {
    const { filters } = this.index.of(registry);
    const exact = this.devices.flatMap((d) => d.subscriptions(registry)).filter((t) => !filters.some((f) => filterMatches(f, t)));
    return [...filters, ...exact];
  }

  matches(topic: string): boolean {
    if (this.devices.some((d) => d.matches(topic))) return true;
    const i = this.index.current;
    return i !== null && (this.ownerOf(i, topic) !== undefined || i.shared.some((e) => filterMatches(e.filter, topic)));
  }

  decode(topic: string, payload: Buffer, ctx: DecodeContext): Decoded {
    const i = this.index.of(ctx.registry);
    const device = this.devices.find((d) => d.matches(topic));
    const gateway = this.attribute(i, topic, payload);
    if (gateway === undefined) {
      if (device) return device.decode(topic, payload, ctx);
      this.counters.unattributed();
      return { observations: [], rejected: [] };
    }
    this.traffic.heard(gateway.id, ctx.now);
    const said = availability(gateway, topic, payload);
    const observations: Observation[] = [];
    const online = this.livenessOf(gateway, said, ctx.now);
    if (online !== null) observations.push(gatewayStatus(gateway, online, ctx));
    if (!device || topic === availabilityTopic(gateway)) {
      this.traffic.recordUnbound(gateway, topic, payload, ctx.now);
      this.counters.unbound(gateway.id);
    }
    if (!device) return { observations, rejected: [] };
    let decoded: Decoded;
    try {
      decoded = device.decode(topic, payload, ctx);
    } catch (err) {
      // The message is rejected as it was before gateways; the gateway was heard all the same.
      if (!(err instanceof DecodeError)) throw err;
      const rejected: Rejected = { reason: err.reason, detail: err.message };
      return { observations, rejected: [rejected] };
    }
    if (observations.length === 0) return decoded;
    return { observations: [...observations, ...decoded.observations], rejected: decoded.rejected };
  }

  /** online/offline to send for this message, or null when nothing needs saying. */
  private livenessOf(g: Gateway, said: boolean | null, now: number): boolean | null {
    let l = this.liveness.get(g.id);
    if (l === undefined) {
      l = { said: null, sentAt: -Infinity };
      this.liveness.set(g.id, l);
    }
    if (said !== null) {
      l.said = said;
      l.sentAt = now;
      return said;
    }
    if (l.said === false || now - l.sentAt < livenessEveryMs(g)) return null;
    l.sentAt = now;
    return true;
  }

  private ownerOf(i: GatewayIndex, topic: string): Gateway | undefined {
    const slash = topic.indexOf('/');
    const first = slash < 0 ? topic : topic.slice(0, slash);
    return i.owned.get(first)?.find((e) => filterMatches(e.filter, topic))?.gateway;
  }

  /** Which gateway published this: by its own tree, else by what a shared discovery message points at. */
  private attribute(i: GatewayIndex, topic: string, payload: Buffer): Gateway | undefined {
    const owner = this.ownerOf(i, topic);
    if (owner !== undefined) return owner;
    const candidates = i.shared.filter((e) => filterMatches(e.filter, topic)).map((e) => e.gateway);
    if (candidates.length === 0) return undefined;
    const config = jsonOf(payload);
    if (topic.startsWith(`${TASMOTA_DISCOVERY}/`)) {
      const mac = topic.split('/')[2] ?? '';
      const byTopic = candidates.find((g) => g.adapter === 'tasmota' && config !== null && config.t === g.topic);
      if (byTopic !== undefined) this.tasmotaMacs.set(byTopic.id, mac.toUpperCase());
      return byTopic ?? candidates.find((g) => this.tasmotaMacs.get(g.id) === mac.toUpperCase());
    }
    if (config === null) return undefined;
    const referenced = referencedTopics(config);
    return candidates.find((g) => gatewayTree(g).own.some((f) => referenced.some((t) => filterMatches(f, t))));
  }
}

function gatewayStatus(g: Gateway, online: boolean, ctx: DecodeContext): Observation {
  return {
    channel: 'status',
    siteId: g.siteId,
    sensorId: g.id,
    zoneId: g.zoneId ?? UNREGISTERED,
    kind: GATEWAY_KIND,
    ts: ctx.now,
    receivedAt: ctx.now,
    source: 'adapter',
    drill: undefined,
    online,
  };
}

/** What a gateway's availability message says: true, false, or null (not one, or unreadable). */
export function availability(g: Gateway, topic: string, payload: Buffer): boolean | null {
  if (topic === availabilityTopic(g)) {
    const text = payload.toString('utf8', 0, Math.min(payload.length, 256)).trim();
    // Zigbee2MQTT ≥ 1.x: {"state":"online"}; before, and the others: the word.
    const word = text.startsWith('{') ? jsonOf(payload)?.state : text;
    if (typeof word !== 'string') return null;
    const w = word.toLowerCase();
    // esp-rfid's avty `offline` is the broker's last will for a connection that often comes back
    // at once, and on a shared topic it names no reader: its heartbeats decide (esp-rfid.decoder.ts).
    if (g.adapter === 'esp_rfid' && w === 'offline') return null;
    return w === 'online' ? true : w === 'offline' ? false : null;
  }
  // esp-rfid has no last will: its boot and periodic heartbeat on `<topic>/send` are its word.
  if (g.adapter === 'esp_rfid' && topic === `${g.topic}/send`) {
    const type = jsonOf(payload)?.type;
    return type === 'heartbeat' || type === 'boot' ? true : null;
  }
  return null;
}

/** Small JSON objects only: discovery configs and state words, never a flood of large payloads. */
const MAX_JSON_BYTES = 16 * 1024;

function jsonOf(payload: Buffer): Record<string, unknown> | null {
  if (payload.length > MAX_JSON_BYTES || jsonDepthOver(payload) >= 0) return null;
  try {
    const v: unknown = JSON.parse(payload.toString('utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * The topics a Home Assistant discovery config names (`state_topic`, `availability[].topic`, and
 * their abbreviations `stat_t`, `avty_t`, ...), with `~` expanded as Home Assistant does.
 */
export function referencedTopics(config: Record<string, unknown>): string[] {
  const base = typeof config['~'] === 'string' ? config['~'] : null;
  const expand = (v: string): string => (base === null ? v : v.startsWith('~') ? base + v.slice(1) : v.endsWith('~') ? v.slice(0, -1) + base : v);
  const out: string[] = [];
  const visit = (key: string, value: unknown, depth: number): void => {
    if (depth > 4 || out.length > 64) return;
    if (typeof value === 'string') {
      if (key === 'topic' || key === 't' || key.endsWith('_topic') || key.endsWith('_t')) out.push(expand(value));
    } else if (Array.isArray(value)) {
      for (const v of value) visit(key, v, depth + 1);
    } else if (typeof value === 'object' && value !== null) {
      for (const [k, v] of Object.entries(value)) visit(k, v, depth + 1);
    }
  };
  for (const [k, v] of Object.entries(config)) visit(k, v, 0);
  return out;
}
