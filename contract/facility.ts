/**
 * The facility registry: sites → floors (with an SVG plan) → zones → sensors, as written in
 * `config/facility.yaml`, and the resolved shapes the server hands to every other part.
 *
 * @example
 * ```yaml
 * sites:
 *   - id: hq
 *     name: Admin Services Centre
 *     timezone: Asia/Shanghai
 *     floors:
 *       - id: canteen-1f
 *         name: Canteen, ground floor
 *         plan: plans/canteen-1f.svg
 *         zones:
 *           - id: kitchen
 *             name: Hot kitchen
 *             sensors:
 *               - { id: KIT-GAS-01, kind: gas, model: "Honeywell Sensepoint XCD", x: 120, y: 80 }
 * ```
 */
import { z } from 'zod';
import { escalationSchema } from './notification.ts';
import { idSchema, UNITS, type Unit } from './observation.ts';

export const SENSOR_KINDS = ['gas', 'co', 'smoke', 'door', 'leak'] as const;
export type SensorKind = (typeof SENSOR_KINDS)[number];

/** The unit each measuring kind reports in; a reading in another unit is rejected, not compared. */
export const KIND_UNITS: Record<SensorKind, Unit | null> = {
  gas: '%LEL',
  co: 'ppm',
  smoke: null,
  door: null,
  leak: null,
};

/** Gas-style thresholds (natural gas in %LEL, CO in ppm). */
export const thresholdsSchema = z
  .object({
    low: z.number().positive(),
    high: z.number().positive(),
    deadband: z.number().nonnegative(),
    lowOnDelayS: z.number().nonnegative(),
    highOnDelayS: z.number().nonnegative(),
    /** Rise of this much within `riseWindowS` while below `low` raises a pre-alarm. */
    riseRate: z.number().positive(),
    riseWindowS: z.number().positive(),
  })
  .strict();
export type Thresholds = z.infer<typeof thresholdsSchema>;

/** Settings that may be set per kind (defaults), per zone and per sensor; the nearest wins. */
export const sensorSettingsSchema = z
  .object({
    thresholds: thresholdsSchema.partial().optional(),
    /** Expected interval between messages; offline after 3 × this with nothing heard. */
    heartbeatS: z.number().int().positive().optional(),
    /** Doors: held open longer than this raises a supervisory alarm. */
    heldOpenS: z.number().int().positive().optional(),
    /**
     * Water-leak detectors: seconds the probe must have been wet (`leak`) before it raises the
     * alarm (default 0, at once), adding up across dry spells shorter than this (a probe flapping
     * in splashing water is still wet). The detectors debounce their probes themselves and water
     * spreads by the minute; set it where splashes or mopping wet a probe briefly.
     */
    leakOnDelayS: z.number().nonnegative().max(3600).optional(),
    /**
     * Detectors: a self-test lasts at most this many seconds (default 120); after it, alarm
     * signals count again and the sensor raises `self_test_stuck` until the test ends.
     */
    selfTestMaxS: z.number().int().positive().max(3600).optional(),
    /** Battery below this percentage raises a low-priority trouble alarm. */
    batteryLowPct: z.number().min(0).max(100).optional(),
    /** Name of a schedule in `schedules:` when access is expected (doors). */
    schedule: z.string().optional(),
  })
  .strict();
export type SensorSettings = z.infer<typeof sensorSettingsSchema>;

/**
 * A linear map from a device's raw range to the sensor's unit (%LEL, ppm; %obs/m for smoke):
 * analog gas sensors such as the MQ-2 report ADC counts (0–1023 on an ESP8266, 0–255 on some
 * Zigbee detectors), which mean nothing until calibrated against the detector's data sheet.
 *
 * @example `scale: { from: [0, 1024], to: [0, 100] }` — 512 counts → 50 %LEL.
 */
export const scaleSchema = z
  .object({
    from: z.tuple([z.number(), z.number()]).refine(([a, b]) => a !== b, 'scale.from needs two different values'),
    to: z.tuple([z.number(), z.number()]),
  })
  .strict();
export type Scale = z.infer<typeof scaleSchema>;

/**
 * The unit a device publishes a value in, when the binding must say it: the sensor's own unit, or
 * one Vigil converts into it (`dB/m` optical density → `%obs/m`). A raw number has no unit: it
 * needs `scale` instead (README "Device adapters").
 *
 * @example `unit: "%LEL"` — an Aqara JT-BZ-01AQ/A's `gas_density`, documented in %LEL.
 */
export const SOURCE_UNITS = [...UNITS, 'dB/m'] as const;
export type SourceUnit = (typeof SOURCE_UNITS)[number];
const sourceUnitSchema = z.enum(SOURCE_UNITS, { error: `unit must be one of ${SOURCE_UNITS.join(', ')}` });

/** Topics name MQTT topics (or parts of them) exactly: never a wildcard. */
const topicPart = z.string().min(1).max(200);

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * The IANA zone a device writes its zone-less clock in (Tasmota's `Time`), when it is not the
 * site's: a Tasmota left on UTC at a UTC+8 site would otherwise be read 8 h off.
 */
const deviceTimezone = z
  .string()
  .min(1)
  .refine(isTimeZone, { error: (iss) => `unknown IANA time zone ${JSON.stringify(iss.input)}: write e.g. Asia/Shanghai, or UTC for a device left on UTC` });

/**
 * The gateway a sensor is reached through (an id from a site's `gateways:`). Optional: a sensor
 * whose topics lie in exactly one gateway's topic tree is bound to that gateway without it —
 * gateway trees may not overlap, so at most one can hold them. Naming it documents the binding
 * and makes the loader check it.
 */
const gatewayRef = idSchema.optional();

/**
 * Where a sensor's data comes from: Vigil's native topics, or a device adapter reading a
 * gateway's own payloads (README "Device adapters").
 *
 * @example
 * ```yaml
 * source: { adapter: zigbee2mqtt, topic: "zigbee2mqtt/Kitchen gas" }
 * source: { adapter: tasmota, topic: tasmota_8C3D2E, scale: { from: [0, 1024], to: [0, 100] } }
 * source: { adapter: esphome, node: canteen-node, entity: kitchen_gas, entityType: binary_sensor }
 * source: { adapter: tasmota, topic: plant_mq2, scale: { from: [0, 1024], to: [0, 100] }, timezone: UTC }
 * source: { adapter: esphome, node: lab-node, entity: kitchen_lel, entityType: sensor, unit: "%LEL" }
 * source: { adapter: esp_rfid, topic: /rfid/server-room }
 * source: { adapter: esp_rfid, topic: /rfid/floor2, hostname: esp-rfid-201 }
 * source: { adapter: zigbee2mqtt, gateway: GH-Z2M, topic: "zigbee2mqtt/Room 201 smoke" }
 * ```
 */
export const sourceSchema = z.discriminatedUnion('adapter', [
  z.object({ adapter: z.literal('native') }).strict(),
  z
    .object({
      adapter: z.literal('zigbee2mqtt'),
      gateway: gatewayRef,
      /** The device's full state topic, `<base_topic>/<friendly_name>`. */
      topic: topicPart,
      /** Zigbee2MQTT's base_topic when it has a `/` in it; otherwise the topic's first level. */
      baseTopic: topicPart.optional(),
      /** For raw densities (`smoke_density`, `gas_density` without a unit). */
      scale: scaleSchema.optional(),
      /** The unit the device's `gas_density` / `smoke_density` is documented in, when it has one. */
      unit: sourceUnitSchema.optional(),
    })
    .strict(),
  z
    .object({
      adapter: z.literal('tasmota'),
      gateway: gatewayRef,
      /** Tasmota's `Topic` (the `%topic%` of `tele/%topic%/SENSOR`). */
      topic: topicPart,
      /** Dotted path of the value in `tele/<topic>/SENSOR` (default `ANALOG.A0`), or a Zigbee device's short address or name behind a Tasmota bridge. */
      sensorKey: topicPart.optional(),
      scale: scaleSchema.optional(),
      /** The unit the value at `sensorKey` is published in (an `ANALOG` count has none: it needs `scale`). */
      unit: sourceUnitSchema.optional(),
      /** The Tasmota's own `Timezone` as an IANA name, when it is not the site's (its `Time` has no zone). */
      timezone: deviceTimezone.optional(),
    })
    .strict(),
  z
    .object({
      adapter: z.literal('esphome'),
      gateway: gatewayRef,
      /** The node's topic_prefix (its name unless `mqtt: topic_prefix:` says otherwise). */
      node: topicPart,
      /** The entity's object id, as in `<node>/binary_sensor/<entity>/state`. */
      entity: topicPart,
      entityType: z.enum(['binary_sensor', 'sensor']),
      /** Doors: what `ON` means. ESPHome's `door` device class: ON = open (the default). */
      onMeans: z.enum(['open', 'closed']).optional(),
      /** A `problem` binary_sensor of the same node: ON raises a fault. */
      problemEntity: topicPart.optional(),
      scale: scaleSchema.optional(),
      /** The unit a `sensor` entity publishes in (its `unit_of_measurement`). */
      unit: sourceUnitSchema.optional(),
    })
    .strict(),
  z
    .object({
      adapter: z.literal('esp_rfid'),
      gateway: gatewayRef,
      /** esp-rfid's MQTT topic (it publishes on `<topic>/send`, older firmware on `<topic>` itself). */
      topic: topicPart,
      /** For a controller with several doors: the `doorName` this sensor is. */
      door: z.string().min(1).max(120).optional(),
      /** For several readers sharing one topic: the reader's `hostname`, as in its messages. */
      hostname: topicPart.optional(),
    })
    .strict(),
]);
export type SourceBinding = z.infer<typeof sourceSchema>;
export type AdapterName = SourceBinding['adapter'];

/** A name in Chinese, shown to a viewer who chose 中文 (`name` otherwise, and in logs and exports). */
const nameZh = z.string().min(1).max(120).optional();

export const sensorSchema = sensorSettingsSchema
  .extend({
    id: idSchema,
    name: z.string().min(1).max(120),
    nameZh,
    kind: z.enum(SENSOR_KINDS),
    model: z.string().max(120).optional(),
    /** Position on the floor plan, in the SVG's viewBox units. */
    x: z.number(),
    y: z.number(),
    source: sourceSchema.optional(),
  })
  .strict();

export const zoneSchema = sensorSettingsSchema
  .extend({
    id: idSchema,
    name: z.string().min(1).max(120),
    nameZh,
    /** A secure zone (server room, cash office): a forced door there is critical. */
    secure: z.boolean().optional(),
    sensors: z.array(sensorSchema).default([]),
  })
  .strict();

export const floorSchema = z
  .object({
    id: idSchema,
    name: z.string().min(1).max(120),
    nameZh,
    /** SVG floor plan, relative to the facility file. */
    plan: z.string().min(1),
    zones: z.array(zoneSchema).min(1),
  })
  .strict();

export const GATEWAY_ADAPTERS = ['zigbee2mqtt', 'tasmota', 'esphome', 'esp_rfid'] as const;
export type GatewayAdapter = (typeof GATEWAY_ADAPTERS)[number];

/** What every gateway has, whatever its firmware. */
const gatewayCommon = {
  id: idSchema,
  name: z.string().min(1).max(120),
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

export const siteSchema = z
  .object({
    id: idSchema,
    name: z.string().min(1).max(120),
    nameZh,
    /** IANA time zone, e.g. Asia/Shanghai: schedules and displayed times use it. */
    timezone: z.string().min(1),
    /** Gateways installed at this site; ids are unique across gateways and sensors. */
    gateways: z.array(gatewaySchema).default([]),
    floors: z.array(floorSchema).min(1),
  })
  .strict();

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'time must be HH:MM (24 h)');
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export const scheduleSchema = z
  .object({
    /** Windows when access is expected; `to` earlier than `from` runs past midnight. */
    windows: z.array(z.object({ days: z.array(z.enum(WEEKDAYS)).min(1), from: hhmm, to: hhmm }).strict()).min(1),
    /** Dates (YYYY-MM-DD, site time) when the schedule does not apply. */
    holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'holiday must be YYYY-MM-DD')).default([]),
  })
  .strict();
export type Schedule = z.infer<typeof scheduleSchema>;

export const facilityFileSchema = z
  .object({
    facility: z.object({ name: z.string().min(1), nameZh, organisation: z.string().optional() }).strict(),
    defaults: z.partialRecord(z.enum(SENSOR_KINDS), sensorSettingsSchema),
    schedules: z.record(z.string(), scheduleSchema).default({}),
    /** Standard operating procedures by alarm type: ordered steps for the duty officer. */
    sops: z.record(z.string(), z.array(z.string().min(1)).min(1)).default({}),
    /**
     * The same procedures in Chinese, shown to a viewer who chose 中文: a key of `sops` with as
     * many steps (a ticked step is kept by its number, in either language).
     */
    sopsZh: z.record(z.string(), z.array(z.string().min(1)).min(1)).optional(),
    /** Who is told when an alarm escalates (contract/notification.ts). */
    escalation: escalationSchema.optional(),
    sites: z.array(siteSchema).min(1),
  })
  .strict();
export type FacilityFile = z.infer<typeof facilityFileSchema>;

/** A sensor with every setting resolved (kind defaults ← zone ← sensor). */
export interface Sensor {
  id: string;
  name: string;
  nameZh?: string;
  kind: SensorKind;
  model?: string;
  siteId: string;
  floorId: string;
  zoneId: string;
  secureZone: boolean;
  x: number;
  y: number;
  unit: Unit | null;
  thresholds: Thresholds | null;
  heartbeatS: number;
  heldOpenS: number | null;
  /** Leak detectors: the resolved on-delay (default 0); null for other kinds. */
  leakOnDelayS: number | null;
  batteryLowPct: number;
  /** The resolved self-test limit; absent means the default (120 s). */
  selfTestMaxS?: number;
  schedule: string | null;
  source: SourceBinding;
}

export interface Zone {
  id: string;
  name: string;
  nameZh?: string;
  siteId: string;
  floorId: string;
  secure: boolean;
  sensorIds: string[];
}
export interface Floor {
  id: string;
  name: string;
  nameZh?: string;
  siteId: string;
  /** URL the dashboard loads the SVG plan from. */
  planUrl: string;
  zones: Zone[];
}
export interface Site {
  id: string;
  name: string;
  nameZh?: string;
  timezone: string;
  floors: Floor[];
}

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

/** `Alarm.sensorKind` of a gateway's own alarm (its `sensorId` is the gateway's id). */
export const GATEWAY_KIND = 'gateway';

/** What `GET /api/facility` returns. */
export interface Facility {
  name: string;
  nameZh?: string;
  organisation?: string;
  sites: Site[];
  sensors: Sensor[];
  /** Every site's gateways (absent: none). */
  gateways?: Gateway[];
  schedules: Record<string, Schedule>;
  sops: Record<string, string[]>;
  /** `sops` in Chinese, where the facility file gives them (same keys, as many steps). */
  sopsZh?: Record<string, string[]>;
}

/** Live state of one sensor, as `GET /api/sensors` returns it. */
export interface SensorState {
  sensorId: string;
  lastSeen: number | null;
  lastValue: number | null;
  lastEvent: string | null;
  online: boolean | null;
  battery: number | null;
  rssi: number | null;
}

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
