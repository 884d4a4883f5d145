/**
 * Devices found on the connected gateways that no sensor is bound to (`GET /api/discovery`,
 * admins): what each one is, where Vigil heard it and a ready `facility.yaml` snippet to bind it.
 * Nothing is bound automatically: the snippet is pasted by a person who knows where the device is.
 */
import type { AdapterName } from './bindings.ts';
import type { SensorKind } from './facility.ts';

/** Where Vigil learnt of a device. */
export const DISCOVERY_SOURCES = [
  /** Zigbee2MQTT's retained device list, `<base_topic>/bridge/devices`. */
  'zigbee2mqtt_bridge',
  /** A message on a Zigbee2MQTT device topic, `<base_topic>/<friendly_name>`. */
  'zigbee2mqtt_message',
  /** A Home Assistant discovery config, `<prefix>/<component>/[<node>/]<object>/config`. */
  'home_assistant',
  /** Tasmota's own discovery, `tasmota/discovery/<mac>/config` and `.../sensors`. */
  'tasmota_discovery',
  /** A Tasmota's telemetry, `tele/<topic>/SENSOR` (its analog inputs, its Zigbee devices). */
  'tasmota_telemetry',
  /** An ESPHome entity's state topic, `<node>/<component>/<object>/state`. */
  'esphome_state',
] as const;
export type DiscoverySource = (typeof DISCOVERY_SOURCES)[number];

/** One way to bind a found device: one sensor of one kind (a combined detector has several). */
export interface DiscoveryBinding {
  kind: SensorKind;
  /** The device property or entity the sensor reads, as the device names it (`smoke`, `water_leak`, `ANALOG.A0`). */
  property: string;
  /** The source value is a raw number: the snippet carries a `scale` placeholder to fill from the detector's calibration. */
  needsScale: boolean;
}

export interface DiscoveredDevice {
  /** Stable per gateway: the IEEE address, the MAC, the Zigbee short address, the entity's state topic. */
  key: string;
  gatewayId: string;
  adapter: Exclude<AdapterName, 'native'>;
  sources: DiscoverySource[];
  /** The name the device gives itself (friendly name, entity name). */
  name: string;
  vendor: string | null;
  model: string | null;
  description: string | null;
  /** What it exposes, as its gateway describes it (`smoke`, `battery`, `binary_sensor:moisture`). */
  exposes: string[];
  /** The topic its data arrives on. */
  topic: string | null;
  firstSeen: number;
  /** Its last message (its data, not a discovery document); null when only described so far. */
  lastMessage: number | null;
  bindings: DiscoveryBinding[];
  /** A `sensors:` entry per binding, to paste under a zone of `config/facility.yaml` and fill in (id, name, x, y, scale). Empty when nothing it exposes is a kind Vigil has. */
  snippet: string;
}

export interface DiscoveryResponse {
  devices: DiscoveredDevice[];
  /** Devices forgotten to stay within the per-gateway bound (the least recently heard first). */
  evicted: number;
}
