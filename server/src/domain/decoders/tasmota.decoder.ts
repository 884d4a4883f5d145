/**
 * Tasmota (https://tasmota.github.io/docs/MQTT/): telemetry on `tele/<topic>/SENSOR`, the MQTT
 * last will on `tele/<topic>/LWT` (`Online`/`Offline`), the periodic `tele/<topic>/STATE` (Wi-Fi
 * signal; the heartbeat), and — on a Tasmota Zigbee bridge — device reports as
 * `{"ZbReceived":{"0x1234":{"Device":"0x1234","Name":"Door","Contact":1,...}}}` on the same
 * SENSOR topic (https://tasmota.github.io/docs/Zigbee/).
 *
 * Gas and CO sensors read a value from the SENSOR JSON by a dotted path (default `ANALOG.A0`;
 * older firmware writes `Analog0`). Every analog key is an ADC count that needs `scale`. Door and
 * smoke sensors are Zigbee devices behind the bridge, named by `sensorKey` (short address or
 * friendly name, compared without surrounding spaces: Tasmota keeps the ones `ZbName` was given);
 * their IAS zone reports are `Contact`, `Fire` and `Water` (Tasmota's
 * xdrv_23_zigbee_5_1_attributes.ino), and a trouble flag — `Trouble`, or bit 6 of the IAS zone
 * status (ZCL 8.2.2.2.1.3) that Frient/Develco detectors raise — is a device fault. With
 * `SetOption89 1` each Zigbee device reports on its own `tele/<topic>/<shortaddr>/SENSOR` (or
 * `tele/<topic>/<name>/SENSOR` with `SetOption112 1`); the binding stays the same.
 *
 * `Time` is local time without a zone, in the Tasmota's own `Timezone` setting: it is read in the
 * binding's `timezone`, else the site's. Tasmota's `Contact` is 1 when open (IAS zone alarm bit),
 * the opposite of Zigbee2MQTT's `contact`.
 */
import type { EventType, Sensor, SourceBinding } from '../../../../contract/index.ts';
import { DecodeError, type DecodeContext, type Decoded, type TopicDecoder } from '../observation.decode.ts';
import type { Registry } from '../registry.ts';
import { jsonObject, payloadText, toBool, toNumber } from './coerce.ts';
import { Emitter, readingUnit } from './emit.ts';
import { deviceTime, localTimeToEpoch } from './local-time.ts';
import { readingConversion, type SourceField } from './source-units.ts';
import { addTo, TopicIndex, type SensorsByTopic } from './topic-index.ts';

type TasmotaBinding = Extract<SourceBinding, { adapter: 'tasmota' }>;

export const DEFAULT_SENSOR_KEY = 'ANALOG.A0';
/** What firmware before the `ANALOG` object (Tasmota 6.x) writes for the same A0 pin. */
const LEGACY_SENSOR_KEY = 'Analog0';

const bindingOf = (sensor: Sensor): TasmotaBinding => sensor.source as TasmotaBinding;

/** Door, smoke and leak sensors on a Tasmota are Zigbee devices behind its bridge; gas and CO read a value. */
export function isZigbeeChild(sensor: Pick<Sensor, 'kind'>): boolean {
  return sensor.kind === 'door' || sensor.kind === 'smoke' || sensor.kind === 'leak';
}

/**
 * Sprinkler switches wired to a Tasmota's switch input (`SwitchMode 1`, the input detached from
 * the relay with `SetOption114 1`): the telemetry carries `"Switch1": "ON"` while the switch is
 * made. `sensorKey` names the input (default `Switch1`); ON is the signal.
 */
const SWITCH_EVENTS: Partial<Record<Sensor['kind'], readonly [EventType, EventType]>> = {
  waterflow: ['waterflow', 'waterflow_clear'],
  valve: ['valve_closed', 'valve_open'],
  pump: ['pump_running', 'pump_running_clear'],
};
export const DEFAULT_SWITCH_KEY = 'Switch1';

function switchInput(sensor: Sensor, telemetry: Record<string, unknown>, out: Emitter, events: readonly [EventType, EventType]): void {
  const key = bindingOf(sensor).sensorKey ?? DEFAULT_SWITCH_KEY;
  const raw = valueAt(telemetry, key);
  // A telemetry message without the input (another sensor's report) says nothing of the switch.
  if (raw === undefined) return;
  const on = toBool(raw, key);
  if (on !== null) out.event(sensor, on ? events[0] : events[1]);
}

/**
 * A raw ADC count rather than a value already in the sensor's unit: anything in Tasmota's
 * `ANALOG` object (`A0`, `A1`, `Range`…) and the older top-level `Analog0`, `Analog1`….
 */
export function isRawAnalog(sensorKey: string | undefined): boolean {
  const key = (sensorKey ?? DEFAULT_SENSOR_KEY).trim().toUpperCase();
  return key.startsWith('ANALOG.') || /^ANALOG\d*$/.test(key);
}

/**
 * The value a gas or CO binding reads: an `ANALOG` count is raw (it needs `scale`); any other key
 * (`SGP30.eCO2`, a rule's `MQ2.Gas`) is in a unit only the binding can state (`unit`, or `scale`).
 */
export function readingField(sensorKey: string | undefined): SourceField {
  const name = (sensorKey ?? DEFAULT_SENSOR_KEY).trim();
  return { name, unit: isRawAnalog(name) ? 'raw' : 'declared' };
}

/**
 * What to write instead of a `topic` holding more than the Tasmota Topic, or null when it is one.
 * Users copy the whole topic from the console (`tele/kitchen/SENSOR`) or a per-device Zigbee topic
 * (`tele/SonoffZB/E30B/SENSOR`, `SonoffZB/E30B`): the answer names their own topic's parts.
 */
export function topicAdvice(topic: string): string | null {
  if (!topic.includes('/')) return null;
  const parts = topic.split('/').filter((p) => p !== '');
  if (parts[0] === 'tele' || parts[0] === 'stat' || parts[0] === 'cmnd') parts.shift();
  if (parts.length > 1 && /^(SENSOR|STATE|LWT|RESULT)$/.test(parts[parts.length - 1]!)) parts.pop();
  if (parts.length === 1) return `write topic: ${parts[0]} (the Tasmota Topic alone; Vigil adds tele/ and /SENSOR, /STATE, /LWT)`;
  if (parts.length === 2) {
    const device = /^[0-9A-Fa-f]{4}$/.test(parts[1]!) ? `"0x${parts[1]!.toUpperCase()}"` : JSON.stringify(parts[1]);
    return `write topic: ${parts[0]} and sensorKey: ${device} (a Zigbee device's own topic, SetOption89, is read from the bridge's Topic and the device)`;
  }
  return `write the Tasmota Topic alone (its %topic%, without "/"), e.g. topic: ${parts[0] ?? 'tasmota_8C3D2E'}`;
}

/** A Zigbee short address `0x662e` as Tasmota prints it (`0x662E`); names are only trimmed. */
export function deviceId(text: string): string {
  const t = text.trim();
  return /^0x[0-9A-Fa-f]{1,4}$/.test(t) ? `0x${t.slice(2).toUpperCase().padStart(4, '0')}` : t;
}

interface TasmotaIndex {
  sensor: SensorsByTopic;
  lwt: SensorsByTopic;
  state: SensorsByTopic;
  /** Bridges with Zigbee devices bound, by Tasmota Topic: their per-device topics (SetOption89). */
  bridges: SensorsByTopic;
}

function buildIndex(registry: Registry): TasmotaIndex {
  const index: TasmotaIndex = { sensor: new Map(), lwt: new Map(), state: new Map(), bridges: new Map() };
  for (const sensor of registry.sensorsBoundTo('tasmota')) {
    const { topic } = bindingOf(sensor);
    addTo(index.sensor, `tele/${topic}/SENSOR`, sensor);
    addTo(index.lwt, `tele/${topic}/LWT`, sensor);
    addTo(index.state, `tele/${topic}/STATE`, sensor);
    if (isZigbeeChild(sensor)) addTo(index.bridges, topic, sensor);
  }
  return index;
}

/** `tele/<topic>/<device>/SENSOR` of a bridge with bound Zigbee devices → the bridge's sensors and the device level. */
function perDeviceTopic(index: TasmotaIndex, topic: string): { sensors: Sensor[]; level: string } | null {
  if (!topic.startsWith('tele/') || !topic.endsWith('/SENSOR')) return null;
  const middle = topic.slice('tele/'.length, -'/SENSOR'.length);
  const slash = middle.indexOf('/');
  if (slash <= 0 || slash === middle.length - 1) return null;
  const sensors = index.bridges.get(middle.slice(0, slash));
  return sensors ? { sensors, level: middle.slice(slash + 1) } : null;
}

/** `ANALOG.A0` → obj.ANALOG.A0 (keys matched exactly). */
function valueAt(obj: Record<string, unknown>, path: string): unknown {
  let node: unknown = obj;
  for (const key of path.split('.')) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** The zone a Tasmota's `Time` is written in: the binding's `timezone`, else its site's. */
export function deviceZone(sensor: Sensor, registry: Registry): string {
  return bindingOf(sensor).timezone ?? registry.site(sensor.siteId)?.timezone ?? 'UTC';
}

/** The message time: Tasmota's local `Time` in the device's zone; receive time when absent or unset. */
function messageTime(message: Record<string, unknown>, sensor: Sensor, registry: Registry): number | undefined {
  const time = message.Time;
  if (time === undefined) return undefined;
  if (typeof time !== 'string') throw new DecodeError('adapter_error', `Time: ${JSON.stringify(time)} is not a date-time`);
  const t = localTimeToEpoch(time, deviceZone(sensor, registry));
  if (t === null) throw new DecodeError('adapter_error', `Time: "${time}" is not a date-time`);
  return deviceTime(t);
}

function analogReading(sensor: Sensor, telemetry: Record<string, unknown>, out: Emitter): void {
  const b = bindingOf(sensor);
  let key = b.sensorKey ?? DEFAULT_SENSOR_KEY;
  if (b.sensorKey === undefined && valueAt(telemetry, key) === undefined && telemetry[LEGACY_SENSOR_KEY] !== undefined) key = LEGACY_SENSOR_KEY;
  const raw = valueAt(telemetry, key);
  if (raw === undefined) throw new DecodeError('adapter_error', `no ${key} in the telemetry`);
  const n = toNumber(raw, key);
  if (n === null) throw new DecodeError('adapter_error', `${key} has no value`);
  // The load-time check refuses a binding that cannot be read; this keeps a registry built otherwise honest.
  const convert = readingConversion(readingField(key), b, readingUnit(sensor), sensor.kind);
  if (typeof convert !== 'function') throw new DecodeError('adapter_error', `${key} ${n}: ${convert.message}`);
  out.reading(sensor, convert(n));
}

/** The names a `ZbReceived` entry goes by: its key, short address, IEEE address and friendly name, compared as `deviceId`. */
function namesOf(key: string, report: Record<string, unknown>): string[] {
  const names = [key, report.Device, report.IEEEAddr, report.Name].filter((n): n is string => typeof n === 'string');
  return names.map(deviceId).filter((n) => n !== '');
}

/** Whether a `ZbReceived` entry is the device a sensor names. */
function isDevice(sensor: Sensor, names: readonly string[]): boolean {
  const want = bindingOf(sensor).sensorKey;
  return want !== undefined && names.includes(deviceId(want));
}

/** Case and runs of spaces or underscores aside (Tasmota writes a name's spaces as `_` in topics). */
const folded = (name: string): string =>
  name
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, ' ');

/** Whether two names differ by at most one letter (one insertion, deletion or substitution). */
function oneEditApart(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) return a.slice(i + 1) === b.slice(i + 1);
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

/**
 * A bound name that almost names this device: equal but for case, spaces or underscores, or one
 * letter. Not taken as a match (the one letter may be another device), but worth telling the
 * installer about, since the sensor bound to it hears nothing. Short addresses are never near
 * misses: 0x662E and 0x662F are two devices.
 */
function nearMiss(sensors: readonly Sensor[], names: readonly string[]): { sensor: Sensor; name: string } | null {
  for (const sensor of sensors) {
    const want = bindingOf(sensor).sensorKey;
    if (want === undefined || /^0x[0-9A-Fa-f]+$/.test(want.trim())) continue;
    for (const name of names) {
      if (/^0x[0-9A-F]+$/.test(name)) continue;
      const [a, b] = [folded(want), folded(name)];
      if (a === b || (a.length >= 4 && oneEditApart(a, b))) return { sensor, name };
    }
  }
  return null;
}

/** ZCL IAS zone status bit 6, Trouble (ZCL 8.2.2.2.1.3). */
const IAS_TROUBLE = 0x40;

/** The device's trouble flag: its `Trouble` attribute, else the IAS zone status bit; null when it says neither. */
function troubleOf(report: Record<string, unknown>): boolean | null {
  const flag = report.Trouble ?? report.trouble;
  if (flag !== undefined) return toBool(flag, 'Trouble');
  const status = report.ZoneStatus ?? report.ZoneStatusChange;
  if (status === undefined) return null;
  const bits = toNumber(status, report.ZoneStatus !== undefined ? 'ZoneStatus' : 'ZoneStatusChange');
  return bits === null ? null : (bits & IAS_TROUBLE) !== 0;
}

/**
 * One Zigbee report: each field read on its own, so one unreadable field is rejected (one rejection
 * per message, naming it) while the others still count. Device faults — `Water` on a kind that is
 * not a leak sensor, and the trouble flag — are one fault state: raised if either says so.
 */
function zigbeeReport(sensor: Sensor, report: Record<string, unknown>, out: Emitter): void {
  const read = (step: () => void): void => out.attempt(sensor, step);
  read(() => {
    if (report.Contact === undefined) return;
    const open = toBool(report.Contact, 'Contact');
    if (open !== null) out.event(sensor, open ? 'open' : 'closed');
  });
  read(() => {
    if (report.Fire === undefined) return;
    const fire = toBool(report.Fire, 'Fire');
    if (fire !== null) out.event(sensor, fire ? 'smoke' : 'smoke_clear');
  });
  const faults: { on: boolean; detail: string }[] = [];
  read(() => {
    if (report.Water === undefined) return;
    const leak = toBool(report.Water, 'Water');
    // A leak sensor's alarm; on any other kind it stays a fault.
    if (leak !== null && sensor.kind === 'leak') out.event(sensor, leak ? 'leak' : 'leak_clear');
    else if (leak !== null) faults.push({ on: leak, detail: 'water leak' });
  });
  read(() => {
    const trouble = troubleOf(report);
    if (trouble !== null) faults.push({ on: trouble, detail: 'Zigbee device reports trouble' });
  });
  if (faults.length > 0) {
    const on = faults.filter((f) => f.on);
    out.event(sensor, on.length > 0 ? 'fault' : 'fault_clear', on.length > 0 ? { detail: on.map((f) => f.detail).join('; ') } : {});
  }
  read(() => {
    if (report.BatteryPercentage === undefined) return;
    const battery = toNumber(report.BatteryPercentage, 'BatteryPercentage');
    if (battery !== null) out.status(sensor, { battery });
  });
}

export class TasmotaDecoder implements TopicDecoder {
  readonly name = 'tasmota';
  private readonly index = new TopicIndex(buildIndex);
  /** Near misses already told, by bridge and device name: once each after start, not once per report. */
  private readonly told = new Set<string>();

  subscriptions(registry: Registry): string[] {
    const i = this.index.of(registry);
    // One filter per bridge for its devices' own topics: short addresses and names are not known ahead.
    const perDevice = [...i.bridges.keys()].map((topic) => `tele/${topic}/+/SENSOR`);
    return [...i.sensor.keys(), ...i.lwt.keys(), ...i.state.keys(), ...perDevice];
  }

  matches(topic: string): boolean {
    const i = this.index.current;
    return i !== null && (i.sensor.has(topic) || i.lwt.has(topic) || i.state.has(topic) || perDeviceTopic(i, topic) !== null);
  }

  decode(topic: string, payload: Buffer, ctx: DecodeContext): Decoded {
    const i = this.index.of(ctx.registry);
    const out = new Emitter(ctx);
    const telemetry = i.sensor.get(topic);
    if (telemetry) this.telemetry(topic, jsonObject(payload, topic), telemetry, out, ctx.registry);
    const device = perDeviceTopic(i, topic);
    if (device) this.zigbee(topic, jsonObject(payload, topic), device.sensors, out, device.level);
    const lwt = i.lwt.get(topic);
    if (lwt) {
      const text = payloadText(payload).trim();
      if (text !== 'Online' && text !== 'Offline')
        throw new DecodeError('adapter_error', `${topic}: expected Online or Offline, got ${JSON.stringify(text.slice(0, 40))}`);
      // Offline: the bridge and every Zigbee device behind it. Online: the Tasmota itself; its
      // Zigbee devices speak for themselves.
      for (const sensor of lwt) if (text === 'Offline' || !isZigbeeChild(sensor)) out.status(sensor, { online: text === 'Online' });
    }
    const heartbeat = i.state.get(topic);
    if (heartbeat) {
      const state = jsonObject(payload, topic);
      for (const sensor of heartbeat.filter((s) => !isZigbeeChild(s))) {
        out.attempt(sensor, () => {
          out.setTime(messageTime(state, sensor, ctx.registry));
          const signal = valueAt(state, 'Wifi.Signal');
          const rssi = signal === undefined ? null : toNumber(signal, 'Wifi.Signal');
          out.status(sensor, rssi === null ? { online: true } : { online: true, rssi });
        });
      }
    }
    return out.result();
  }

  private telemetry(topic: string, message: Record<string, unknown>, sensors: Sensor[], out: Emitter, registry: Registry): void {
    if (message.ZbReceived !== undefined || isAddressed(message)) {
      this.zigbee(topic, message, sensors, out);
      return;
    }
    for (const sensor of sensors) {
      if (isZigbeeChild(sensor)) continue;
      out.attempt(sensor, () => {
        out.setTime(messageTime(message, sensor, registry));
        const events = SWITCH_EVENTS[sensor.kind];
        if (events !== undefined) switchInput(sensor, message, out, events);
        else analogReading(sensor, message, out);
      });
    }
  }

  /**
   * Zigbee reports: `{"ZbReceived":{"<device>":{…}}}`, or without the `ZbReceived` wrapper
   * (`SetOption100 1`). On a device's own topic (`level`, SetOption89) the report may also come
   * without its address (`SetOption119 1`): the topic names the device.
   */
  private zigbee(topic: string, message: Record<string, unknown>, sensors: Sensor[], out: Emitter, level?: string): void {
    const zb = message.ZbReceived ?? message;
    if (typeof zb !== 'object' || zb === null || Array.isArray(zb)) throw new DecodeError('adapter_error', `${topic}: ZbReceived must be an object`);
    let entries = Object.entries(zb as Record<string, unknown>).filter((e): e is [string, Record<string, unknown>] => isObject(e[1]));
    if (entries.length === 0 && level !== undefined) entries = [[level, zb as Record<string, unknown>]];
    const children = sensors.filter(isZigbeeChild);
    // A bridge reports every device it knows; only the bound ones are ours.
    for (const [key, report] of entries) {
      const names = namesOf(key, report);
      // The topic level: a short address without 0x, or a name with Tasmota's `_` for spaces (and + #).
      if (level !== undefined) names.push(deviceId(/^[0-9A-Fa-f]{4}$/.test(level) ? `0x${level}` : level), level.replace(/_/g, ' ').trim());
      const bound = children.filter((sensor) => isDevice(sensor, names));
      for (const sensor of bound) out.attempt(sensor, () => zigbeeReport(sensor, report, out));
      if (bound.length === 0) this.tellNearMiss(topic, children, names, out);
    }
  }

  private tellNearMiss(topic: string, sensors: Sensor[], names: string[], out: Emitter): void {
    const miss = nearMiss(sensors, names);
    if (miss === null) return;
    const key = `${bindingOf(miss.sensor).topic}\n${miss.name}`;
    // Bounded: names one letter off a bound key are few, but they come from the network.
    if (this.told.has(key) || this.told.size >= MAX_TOLD) return;
    this.told.add(key);
    const want = bindingOf(miss.sensor).sensorKey ?? '';
    out.reject(
      miss.sensor,
      new DecodeError(
        'adapter_error',
        `sensorKey ${JSON.stringify(want)} nearly names Zigbee device ${JSON.stringify(miss.name)} on ${topic}, which no sensor is bound to: if it is this sensor's device, write sensorKey: ${JSON.stringify(miss.name)}`,
      ),
    );
  }
}

const MAX_TOLD = 1000;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A Zigbee report without the `ZbReceived` wrapper (`SetOption100 1`): `{"0x662E":{"Device":"0x662E",…}}`. */
function isAddressed(message: Record<string, unknown>): boolean {
  const entries = Object.entries(message);
  return entries.length > 0 && entries.every(([, v]) => isObject(v) && (typeof v.Device === 'string' || typeof v.Name === 'string'));
}
