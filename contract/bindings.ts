/**
 * How a sensor is bound to the device that reports it: Vigil's native topics or a device
 * adapter (Zigbee2MQTT, Tasmota, ESPHome, esp-rfid) reading a gateway's own payloads, with the
 * scale and unit that turn the device's number into the sensor's (README "Device adapters").
 */
import { z } from 'zod';
import { idSchema, UNITS } from './observation.ts';

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
export const topicPart = z.string().min(1).max(200);

export function isTimeZone(tz: string): boolean {
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
