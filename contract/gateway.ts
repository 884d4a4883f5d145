/**
 * Gateways: the bridges and firmware (Zigbee2MQTT, Tasmota, ESPHome, esp-rfid) that publish
 * their devices' state over one MQTT connection, as written under a site's `gateways:`, as
 * resolved, and as `GET /api/gateways` shows them.
 */
import { z } from 'zod';
import { topicPart } from './bindings.ts';
import type { SensorKind } from './facility.ts';
import { idSchema } from './observation.ts';

export const GATEWAY_ADAPTERS = ['zigbee2mqtt', 'tasmota', 'esphome', 'esp_rfid'] as const;
export type GatewayAdapter = (typeof GATEWAY_ADAPTERS)[number];

/** What every gateway has, whatever its firmware. */
const gatewayCommon = {
  id: idSchema,
  name: z.string().min(1).max(120),
  /** Its name in Chinese, shown to a viewer who chose 中文. */
  nameZh: z.string().min(1).max(120).optional(),
  /** Where it is installed (a zone id of its site): its alarms are placed there. */
  zone: idSchema.optional(),
  /**
   * Expected interval between its messages (any message in its topic tree): offline after
   * 3 × this with nothing heard, like a sensor. Without it only its availability topic (the
   * broker's last will) says it is offline — Zigbee2MQTT and ESPHome have no periodic message.
   */
  heartbeatS: z.number().int().positive().optional(),
};

/** An HA discovery prefix (`homeassistant` unless the gateway is configured otherwise). */
const discoveryPrefix = topicPart.default('homeassistant');

/**
 * A gateway: one MQTT connection that publishes its bound devices' state and its own topics
 * (bridge state, logs, discovery). Identified by its topic tree; its availability topic and
 * silence decide whether it is online, and a gateway offline is one trouble alarm for all the
 * sensors behind it.
 *
 * @example
 * ```yaml
 * gateways:
 *   - { id: GH-Z2M, name: Guesthouse Zigbee bridge, adapter: zigbee2mqtt, zone: gh-reception, heartbeatS: 3600 }
 *   - { id: KIT-TAS, name: Kitchen Tasmota, adapter: tasmota, topic: tasmota_8C3D2E, mac: 8CAAB5C3D2E0 }
 *   - { id: OFFICE-ESP, name: Office ESPHome node, adapter: esphome, node: office-node }
 *   - { id: SRV-RFID, name: Server room reader, adapter: esp_rfid, topic: /rfid/server-room, hostname: esp-rfid-server }
 * ```
 */
export const gatewaySchema = z.discriminatedUnion('adapter', [
  z
    .object({
      ...gatewayCommon,
      adapter: z.literal('zigbee2mqtt'),
      /** Zigbee2MQTT's `mqtt.base_topic`: its tree is `<baseTopic>/#`. */
      baseTopic: topicPart.default('zigbee2mqtt'),
      /** Zigbee2MQTT's `homeassistant.discovery_topic`. */
      discoveryPrefix,
    })
    .strict(),
  z
    .object({
      ...gatewayCommon,
      adapter: z.literal('tasmota'),
      /** Tasmota's `Topic`: its tree is `tele/<topic>/#` and `stat/<topic>/#`. */
      topic: topicPart,
      /** Its MAC address (12 hex digits, as in `tasmota/discovery/<mac>/config`): scopes its discovery topics to it. */
      mac: z
        .string()
        .regex(/^[0-9A-Fa-f]{12}$/, 'mac is 12 hex digits without separators, as in tasmota/discovery/<mac>/config')
        .transform((m) => m.toUpperCase())
        .optional(),
    })
    .strict(),
  z
    .object({
      ...gatewayCommon,
      adapter: z.literal('esphome'),
      /** The node's `topic_prefix` (its name by default): its tree is `<node>/#`. */
      node: topicPart,
      /** ESPHome's `mqtt.discovery_prefix`. */
      discoveryPrefix,
    })
    .strict(),
  z
    .object({
      ...gatewayCommon,
      adapter: z.literal('esp_rfid'),
      /** esp-rfid's MQTT topic: its tree is `<topic>/#`. */
      topic: topicPart,
      /** Its hostname: esp-rfid names its Home Assistant discovery topics by it. */
      hostname: topicPart.optional(),
    })
    .strict(),
]);
export type GatewayConfig = z.infer<typeof gatewaySchema>;

/** `Omit` applied to each member of a union, so a discriminated union stays one. */
type OmitEach<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * A gateway as resolved: its configuration (defaults applied) plus where it is and what is
 * bound through it.
 */
export type Gateway = OmitEach<GatewayConfig, 'zone' | 'heartbeatS'> & {
  siteId: string;
  /** Its `zone`, else the one zone all its sensors share, else null. */
  zoneId: string | null;
  floorId: string | null;
  heartbeatS: number | null;
  /** Sensors bound through it (named or inferred), in registry order. */
  sensorIds: string[];
};

export { GATEWAY_KIND } from './device-kinds.ts';

/** One topic of a gateway's tree that no sensor is bound to, as last heard. */
export interface GatewayTopic {
  topic: string;
  count: number;
  firstSeen: number;
  lastSeen: number;
  /** The last payload's first 512 bytes, as text. */
  lastPayload: string;
  /** The last payload was longer than that. */
  truncated: boolean;
}

/**
 * One gateway as `GET /api/gateways` returns it (managers and admins): its state, its sensors,
 * and what else it publishes — bridge topics, discovery configs, devices not bound to any sensor —
 * the most recently heard topics first, at most 1000 of them.
 */
export interface GatewayView {
  gateway: Gateway;
  /** False while its offline alarm's condition is present; null until anything is known. */
  online: boolean | null;
  /** Last message of any kind in its topic tree (since the server started). */
  lastSeen: number | null;
  /** The topic filters its messages arrive on. */
  topicFilters: string[];
  sensors: { sensorId: string; name: string; kind: SensorKind; online: boolean | null; lastSeen: number | null }[];
  unbound: {
    /** Messages on topics no sensor is bound to. */
    messages: number;
    /** Topics dropped from the list (the least recently heard) to keep it at most 1000. */
    evictedTopics: number;
    topics: GatewayTopic[];
  };
}
export type GatewaysResponse = GatewayView[];
