/**
 * What a gateway's own messages say about the devices behind it: Zigbee2MQTT's device list, Home
 * Assistant discovery configs (Zigbee2MQTT, ESPHome and esp-rfid publish them), Tasmota's
 * discovery and telemetry, ESPHome entity states. Each reader turns one message into sightings;
 * a message it does not understand yields none (discovery is advice, never a rejection).
 *
 * - Zigbee2MQTT `bridge/devices`: https://www.zigbee2mqtt.io/guide/usage/mqtt_topics_and_messages.html#zigbee2mqtt-bridge-devices
 * - Home Assistant MQTT discovery (and its abbreviations): https://www.home-assistant.io/integrations/mqtt/#mqtt-discovery
 * - Tasmota discovery `tasmota/discovery/<mac>/config|sensors` and `ZbReceived`: https://tasmota.github.io/docs/Zigbee/
 * - ESPHome `<node>/<component>/<object>/state`: https://esphome.io/components/mqtt.html
 */
import type { DiscoveryBinding, DiscoverySource, Gateway, SensorKind } from '../../../../contract/index.ts';
import { jsonDepthOver } from '../../../../contract/json-depth.ts';

/** One device as one message describes it. */
export interface Sighting {
  key: string;
  source: DiscoverySource;
  name: string | null;
  vendor: string | null;
  model: string | null;
  description: string | null;
  exposes: string[];
  topic: string | null;
  bindings: DiscoveryBinding[];
  /** The device's own data (not a description of it): its last message time. */
  isData: boolean;
}

/** Payloads larger than this are not parsed for discovery (Zigbee2MQTT's device list of a big network is the largest). */
export const MAX_DISCOVERY_PAYLOAD = 1024 * 1024;
const MAX_DEVICES_PER_MESSAGE = 2000;
export const MAX_EXPOSES = 40;

/** Zigbee2MQTT properties, by the kind they make a device (exposes names, zigbee2mqtt.io device pages). */
const Z2M_PROPERTIES: Readonly<Record<string, { kind: SensorKind; needsScale: boolean }>> = {
  smoke: { kind: 'smoke', needsScale: false },
  carbon_monoxide: { kind: 'co', needsScale: false },
  co: { kind: 'co', needsScale: false },
  gas: { kind: 'gas', needsScale: false },
  // A raw density with no unit: it means nothing until scaled from the detector's calibration.
  gas_density: { kind: 'gas', needsScale: true },
  water_leak: { kind: 'leak', needsScale: false },
  contact: { kind: 'door', needsScale: false },
};

/** Home Assistant device classes, by the kind they make an entity. */
const HA_CLASSES: Readonly<Record<string, SensorKind>> = {
  smoke: 'smoke',
  gas: 'gas',
  carbon_monoxide: 'co',
  moisture: 'leak',
  door: 'door',
  opening: 'door',
  garage_door: 'door',
};

/** Tasmota Zigbee attributes (ZbReceived), by the kind they make a device. */
const TASMOTA_ZIGBEE: Readonly<Record<string, SensorKind>> = { Fire: 'smoke', Water: 'leak', Contact: 'door', CO: 'co' };

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v.slice(0, 200) : null);

function parseJson(payload: Buffer): unknown {
  if (payload.length === 0 || payload.length > MAX_DISCOVERY_PAYLOAD || jsonDepthOver(payload) >= 0) return undefined;
  try {
    return JSON.parse(payload.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function bindingsFromProperties(properties: Iterable<string>): DiscoveryBinding[] {
  const out: DiscoveryBinding[] = [];
  const kinds = new Set<SensorKind>();
  for (const property of properties) {
    // Property names come from the network: an inherited member ("constructor") is not one of ours.
    const known = Object.hasOwn(Z2M_PROPERTIES, property) ? Z2M_PROPERTIES[property] : undefined;
    // One sensor per kind: `co` (ppm) and `carbon_monoxide` (the alarm) are one CO detector.
    if (known === undefined || kinds.has(known.kind)) continue;
    kinds.add(known.kind);
    out.push({ kind: known.kind, property, needsScale: known.needsScale });
  }
  return out;
}

/** Every `property` of a Zigbee2MQTT exposes list, composite features included. */
function exposedProperties(exposes: unknown, into: string[] = [], depth = 0): string[] {
  if (!Array.isArray(exposes) || depth > 3) return into;
  for (const e of exposes) {
    if (into.length >= MAX_EXPOSES) break;
    if (!isObject(e)) continue;
    const property = str(e.property) ?? str(e.name);
    if (property !== null && !Array.isArray(e.features)) into.push(property);
    exposedProperties(e.features, into, depth + 1);
  }
  return into;
}

/** `<base>/bridge/devices`: every device of the Zigbee network but the coordinator. */
export function readZigbee2mqttDevices(g: Gateway & { adapter: 'zigbee2mqtt' }, payload: Buffer): Sighting[] {
  const list = parseJson(payload);
  if (!Array.isArray(list)) return [];
  const out: Sighting[] = [];
  for (const d of list.slice(0, MAX_DEVICES_PER_MESSAGE)) {
    if (!isObject(d) || d.type === 'Coordinator') continue;
    const key = str(d.ieee_address);
    const name = str(d.friendly_name);
    if (key === null || name === null) continue;
    const def = isObject(d.definition) ? d.definition : {};
    const exposes = [...new Set(exposedProperties(def.exposes))];
    out.push({
      key,
      source: 'zigbee2mqtt_bridge',
      name,
      vendor: str(def.vendor),
      model: str(def.model),
      description: str(def.description) ?? str(d.description),
      exposes,
      topic: `${g.baseTopic}/${name}`,
      bindings: bindingsFromProperties(exposes),
      isData: false,
    });
  }
  return out;
}

/** A message on `<base>/<friendly_name>`: its JSON keys say what it exposes until the device list does. */
export function readZigbee2mqttMessage(g: Gateway & { adapter: 'zigbee2mqtt' }, topic: string, payload: Buffer): Sighting[] {
  const rest = topic.slice(g.baseTopic.length + 1);
  if (rest.length === 0 || rest.startsWith('bridge/') || rest.endsWith('/availability') || rest.endsWith('/set') || rest.endsWith('/get')) return [];
  const body = parseJson(payload);
  if (!isObject(body)) return [];
  const exposes = Object.keys(body).slice(0, MAX_EXPOSES);
  return [
    {
      key: `name:${rest}`,
      source: 'zigbee2mqtt_message',
      name: rest,
      vendor: null,
      model: null,
      description: null,
      exposes,
      topic,
      bindings: bindingsFromProperties(exposes),
      isData: true,
    },
  ];
}

/** Home Assistant's abbreviated keys, as ESPHome sends them. */
const field = (o: Record<string, unknown>, long: string, short: string): unknown => o[long] ?? o[short];

/** `<prefix>/<component>/[<node>/]<object>/config`: one entity of a device. */
export function readHomeAssistantConfig(topic: string, payload: Buffer): (Sighting & { node: string; object: string; component: string }) | null {
  const parts = topic.split('/');
  if (parts.length < 4 || parts.length > 5 || parts[parts.length - 1] !== 'config') return null;
  const component = parts[1]!;
  const node = parts.length === 5 ? parts[2]! : parts[2]!;
  const object = parts.length === 5 ? parts[3]! : parts[2]!;
  const body = parseJson(payload);
  if (!isObject(body)) return null;
  const base = str(body['~']);
  const expand = (t: string | null): string | null => (t !== null && base !== null ? t.replace(/^~|~$/, base) : t);
  const device = isObject(field(body, 'device', 'dev')) ? (field(body, 'device', 'dev') as Record<string, unknown>) : {};
  const deviceClass = str(field(body, 'device_class', 'dev_cla'));
  const kind = deviceClass === null || !Object.hasOwn(HA_CLASSES, deviceClass) ? undefined : HA_CLASSES[deviceClass];
  // A sensor (a number) needs its unit to be the kind's; a binary sensor is the detector's own alarm.
  const unit = str(field(body, 'unit_of_measurement', 'unit_of_meas'));
  const bindings: DiscoveryBinding[] =
    kind === undefined || (component !== 'binary_sensor' && component !== 'sensor')
      ? []
      : [{ kind, property: object, needsScale: component === 'sensor' && !(kind === 'co' && unit === 'ppm') && !(kind === 'gas' && unit === '%LEL') }];
  return {
    key: `${component}/${node}/${object}`,
    node,
    object,
    component,
    source: 'home_assistant',
    name: str(body.name) ?? str(device.name),
    vendor: str(field(device, 'manufacturer', 'mf')),
    model: str(field(device, 'model', 'mdl')),
    description: null,
    exposes: [deviceClass === null ? component : `${component}:${deviceClass}`],
    topic: expand(str(field(body, 'state_topic', 'stat_t'))),
    bindings,
    isData: false,
  };
}

/** Analog inputs of a Tasmota SENSOR payload (`ANALOG.A0`, older firmware's `Analog0`): raw ADC counts. */
function analogKeys(body: Record<string, unknown>): string[] {
  const keys: string[] = [];
  for (const [k, v] of Object.entries(body)) {
    if (/^Analog\d+$/i.test(k) && typeof v === 'number') keys.push(k);
    if (k === 'ANALOG' && isObject(v)) for (const [a, n] of Object.entries(v)) if (typeof n === 'number') keys.push(`ANALOG.${a}`);
  }
  return keys.slice(0, MAX_EXPOSES);
}

/**
 * `tele/<topic>/SENSOR` (or `tele/<topic>/<device>/SENSOR` with SetOption89) and the `sn` of
 * `tasmota/discovery/<mac>/sensors`: the Tasmota's analog inputs and the Zigbee devices it bridges.
 */
export function readTasmotaTelemetry(topic: string, payload: Buffer, source: DiscoverySource, isData: boolean): Sighting[] {
  const parsed = parseJson(payload);
  const body = isObject(parsed) && isObject(parsed.sn) ? parsed.sn : parsed;
  if (!isObject(body)) return [];
  const out: Sighting[] = analogKeys(body).map((k) => ({
    key: `analog:${k}`,
    source,
    name: k,
    vendor: null,
    model: null,
    description: 'analog input (raw ADC counts)',
    exposes: [k],
    topic,
    bindings: [{ kind: 'gas', property: k, needsScale: true }],
    isData,
  }));
  const zigbee = isObject(body.ZbReceived) ? body.ZbReceived : null;
  for (const [address, d] of Object.entries(zigbee ?? {}).slice(0, MAX_DEVICES_PER_MESSAGE)) {
    if (!isObject(d)) continue;
    const exposes = Object.keys(d)
      .filter((k) => k !== 'Device' && k !== 'Name' && k !== 'Endpoint' && k !== 'LinkQuality')
      .slice(0, MAX_EXPOSES);
    const bindings: DiscoveryBinding[] = [];
    for (const k of exposes) {
      const kind = Object.hasOwn(TASMOTA_ZIGBEE, k) ? TASMOTA_ZIGBEE[k] : undefined;
      if (kind !== undefined && !bindings.some((b) => b.kind === kind)) bindings.push({ kind, property: k, needsScale: false });
    }
    const short = str(d.Device) ?? address;
    out.push({
      key: `zigbee:${short}`,
      source,
      name: str(d.Name) ?? short,
      vendor: null,
      model: str(d.ModelId),
      description: null,
      exposes,
      topic,
      bindings,
      isData,
    });
  }
  return out;
}

/** `<node>/<component>/<object>/state` of an ESPHome node: an entity, its kind known once its discovery config is. */
export function readEsphomeState(node: string, topic: string): Sighting | null {
  const parts = topic.slice(node.length + 1).split('/');
  if (parts.length !== 3 || parts[2] !== 'state') return null;
  const [component, object] = parts as [string, string];
  if (component !== 'binary_sensor' && component !== 'sensor') return null;
  return {
    key: `${component}/${node}/${object}`,
    source: 'esphome_state',
    name: object,
    vendor: null,
    model: null,
    description: null,
    exposes: [component],
    topic,
    bindings: [],
    isData: true,
  };
}
