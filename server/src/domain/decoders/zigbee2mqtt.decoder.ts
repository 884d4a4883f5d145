/**
 * Zigbee2MQTT (https://www.zigbee2mqtt.io/guide/usage/mqtt_topics_and_messages.html): a device's
 * state JSON on `<base_topic>/<friendly_name>`, its availability on `.../availability` (`online` /
 * `offline`, or `{"state":"online"}` since 1.x), and the bridge's own `<base_topic>/bridge/state`.
 *
 * Zigbee2MQTT repeats a device's whole state in every message, so alarm-bearing properties become
 * events only when they change (the first message after start states the current value); numeric
 * values become readings every time. `null` is unknown (Zigbee2MQTT's word for a value it has not
 * heard): it changes nothing and re-asserts nothing. `contact: true` means closed. A self-test
 * (`test: true` … `false`) is a `test` … `test_clear` pair; smoke or gas reported during it is
 * passed on like any other, and the alarm engine takes it for the test for at most the sensor's
 * `selfTestMaxS` (server/src/domain/alarm/rules.selftest.ts): a stuck test flag hides no fire.
 *
 * One device may carry several detectors (smoke and CO): each is its own sensor bound to the same
 * topic, and each receives only its kind's fields. A detector alarm no bound sensor receives is
 * rejected and raises `unbound_signal` on the device's first bound sensor, never silence.
 */
import type { EventType, Sensor, SensorKind, SourceBinding } from '../../../../contract/index.ts';
import { DecodeError, type DecodeContext, type Decoded, type TopicDecoder } from '../observation.decode.ts';
import type { Registry } from '../registry.ts';
import { jsonObject, onlineWord, payloadText, toBool, toNumber } from './coerce.ts';
import { Emitter, readingUnit } from './emit.ts';
import { deviceTime } from './local-time.ts';
import { readingConversion, type SourceField } from './source-units.ts';
import { addTo, TopicIndex } from './topic-index.ts';

type Z2mBinding = Extract<SourceBinding, { adapter: 'zigbee2mqtt' }>;
type Flag = 'smoke' | 'gas' | 'contact' | 'tamper' | 'test' | 'leak' | 'waterflow' | 'valve';

/** Event pairs (on, off) for the flags that raise and clear conditions; `contact: true` is closed. */
const FLAG_EVENTS: Record<Exclude<Flag, 'test'>, readonly [EventType, EventType]> = {
  smoke: ['smoke', 'smoke_clear'],
  gas: ['gas', 'gas_clear'],
  tamper: ['tamper', 'tamper_clear'],
  contact: ['closed', 'open'],
  leak: ['leak', 'leak_clear'],
  waterflow: ['waterflow', 'waterflow_clear'],
  valve: ['valve_closed', 'valve_open'],
};

/**
 * Sprinkler switches have no Zigbee devices of their own: a contact sensor (`contact`) or a water
 * leak sensor (`water_leak`, probe terminals) is wired to the switch's dry contact. The switch
 * made (`contact: true`, `water_leak: true`) is the signal: water flowing, the valve off open.
 */
const SWITCH_FIELDS: ReadonlySet<string> = new Set(['contact', 'water_leak']);
const SWITCH_FLAGS: Partial<Record<SensorKind, Flag>> = { waterflow: 'waterflow', valve: 'valve' };

export function bindingOf(sensor: Sensor): Z2mBinding {
  return sensor.source as Z2mBinding;
}

/** The base topic: as configured, or the device topic's first level (`zigbee2mqtt`). */
export function baseTopicOf(b: Z2mBinding): string {
  return b.baseTopic ?? b.topic.slice(0, Math.max(0, b.topic.indexOf('/')));
}

/**
 * Properties that become readings, with the unit their device pages document (`raw`: no unit, a
 * device number that needs the binding's `scale`, or its `unit` where the model documents one),
 * and the kind of sensor that stores them:
 * - `co`: ppm (https://www.zigbee2mqtt.io/devices/DCR-CO.html, E04CF-Z10T); `co_ppm`: ppm (HALO+);
 * - `gas` as a number and `gas_value`: %LEL (https://www.zigbee2mqtt.io/devices/E04CF-Z10T.html);
 * - `gas_density`: "Value of gas concentration", no unit (https://www.zigbee2mqtt.io/devices/JTQJ-BF-01LM_BW.html);
 *   the Aqara JT-BZ-01AQ/A documents it in %LEL: bind that model with `unit: "%LEL"`;
 * - `smoke_density`: no unit; `smoke_density_dbm`: dB/m (https://www.zigbee2mqtt.io/devices/JY-GZ-01AQ.html).
 */
export const Z2M_READINGS: Readonly<Record<string, SourceField & { kind: SensorKind }>> = {
  co: { name: 'co', unit: 'ppm', kind: 'co' },
  // Halo Smart Labs HALO+ smoke & CO detector: "Co ppm ... The unit of this value is `ppm`".
  co_ppm: { name: 'co_ppm', unit: 'ppm', kind: 'co' },
  gas: { name: 'gas', unit: '%LEL', kind: 'gas' },
  gas_value: { name: 'gas_value', unit: '%LEL', kind: 'gas' },
  gas_density: { name: 'gas_density', unit: 'raw', kind: 'gas' },
  smoke_density: { name: 'smoke_density', unit: 'raw', kind: 'smoke' },
  smoke_density_dbm: { name: 'smoke_density_dbm', unit: 'dB/m', kind: 'smoke' },
  // linkquality is an LQI (0–255), not dBm: the status channel's rssi cannot hold it.
};

/** The raw reading fields a sensor of `kind` can read, given a `scale` or `unit`. */
export function rawFieldsOf(kind: SensorKind): SourceField[] {
  return Object.values(Z2M_READINGS).filter((f) => f.kind === kind && f.unit === 'raw');
}

/**
 * Detector signals: the kind of sensor that receives each and the flag it drives there. An
 * `alarm` signal with no sensor of its kind on the device is an unbound signal; a contact is not
 * (nothing is lost when a smoke detector's housing switch goes unread).
 */
interface Detector {
  kind: SensorKind;
  flag: Exclude<Flag, 'test' | 'tamper'>;
  alarm: boolean;
}
const DETECTORS: Readonly<Record<string, Detector>> = {
  smoke: { kind: 'smoke', flag: 'smoke', alarm: true },
  // Tuya/ONENUO TS0601 smoke detectors: enum alarm | normal | detecting | unknown.
  smoke_state: { kind: 'smoke', flag: 'smoke', alarm: true },
  gas: { kind: 'gas', flag: 'gas', alarm: true },
  gas_sensor_state: { kind: 'gas', flag: 'gas', alarm: true },
  // A CO detector's own alarm: the `gas` event is the "detector alarm" for CO sensors too.
  carbon_monoxide: { kind: 'co', flag: 'gas', alarm: true },
  co_state: { kind: 'co', flag: 'gas', alarm: true },
  contact: { kind: 'door', flag: 'contact', alarm: false },
  // TS0207, SNZB-05 and other water leak detectors: `water_leak` true = wet.
  water_leak: { kind: 'leak', flag: 'leak', alarm: true },
};

/**
 * A detector state in the spellings device pages document: booleans, ON/OFF, and Tuya's enums
 * (`smoke: "alarm" | "none"`, `smoke_state: "alarm" | "normal" | "detecting" | "unknown"`,
 * `gas_sensor_state: "alarm" | "normal"`). `unknown` and `detecting` (the detector still
 * deciding) say nothing: the last known state stands, neither raised nor cleared.
 */
function detectorState(value: unknown, field: string): boolean | null {
  if (typeof value === 'string' && ['unknown', 'detecting'].includes(value.trim().toLowerCase())) return null;
  return toBool(value, field);
}

interface Z2mIndex {
  devices: Map<string, Sensor[]>;
  availability: Map<string, Sensor[]>;
  bridges: Map<string, Sensor[]>;
}

function buildIndex(registry: Registry): Z2mIndex {
  const index: Z2mIndex = { devices: new Map(), availability: new Map(), bridges: new Map() };
  for (const sensor of registry.sensorsBoundTo('zigbee2mqtt')) {
    const b = bindingOf(sensor);
    addTo(index.devices, b.topic, sensor);
    addTo(index.availability, `${b.topic}/availability`, sensor);
    addTo(index.bridges, `${baseTopicOf(b)}/bridge/state`, sensor);
  }
  return index;
}

/** What one message says to one of the device's sensors, before it is compared with what the decoder last knew. */
interface Message {
  sensor: Sensor;
  out: Emitter;
  flags: Partial<Record<Flag, boolean>>;
  /** Trouble reported by the device (water leak, battery low, fault): true or false. */
  faults: Map<string, boolean>;
  battery?: number;
}

/** Last known state per sensor; absent means unknown. */
interface DeviceState {
  flags: Map<Flag, boolean>;
  faults: Set<string> | null;
  /** Has reported a battery percentage: then `battery_low` is left to Vigil's own threshold. */
  batteryPct: boolean;
  /** Detector signals on that no sensor is bound to receive (kept on the device's first sensor). */
  unbound: Set<string>;
}

/** A device-level property: it concerns every sensor bound to the device. */
type FieldHandler = (m: Message, value: unknown, field: string) => void;

const flag =
  (f: Flag): FieldHandler =>
  (m, v, field) => {
    const b = toBool(v, field);
    if (b !== null) m.flags[f] = b;
  };
const fault =
  (label: string): FieldHandler =>
  (m, v, field) => {
    const b = toBool(v, field);
    if (b !== null) m.faults.set(label, b);
  };

/** Tuya's self-test result enum: a failed self-test is a fault until one succeeds (`checking` says nothing yet). */
const selfTestResult =
  (failure: string, success: string): FieldHandler =>
  (m, v) => {
    if (v === failure) m.faults.set('self-test failed', true);
    else if (v === success) m.faults.set('self-test failed', false);
  };

// Property names from the device pages: Xiaomi JTYJ-GD-01LM/BW and JTQJ-BF-01LM/BW, Aqara
// JT-BZ-01AQ/A and JY-GZ-01AQ, Heiman HS1CA-E, Tuya DCR-CO and TS0601 gas sensors, Lincukoo
// E04CF-Z10T, Aqara MCCGQ11LM, TS0207 water leak detectors (zigbee2mqtt.io/devices/<model>.html).
const DEVICE_FIELDS: Readonly<Record<string, FieldHandler>> = {
  tamper: flag('tamper'),
  test: flag('test'),
  self_test: flag('test'),
  self_checking: flag('test'),
  // A write-only command on most devices; some publish it back, as "" when idle.
  selftest: (m, v, field) => (v === '' ? undefined : flag('test')(m, v, field)),
  battery_low: fault('battery low'),
  fault_alarm: fault('fault'),
  fault: fault('fault'),
  self_test_result: selfTestResult('failure', 'success'),
  checking_result: selfTestResult('check_failure', 'check_success'),
  battery: (m, v, field) => {
    const n = toNumber(v, field);
    if (n !== null) m.battery = n;
  },
};

/** `online`/`offline` plain, or `{"state":"online"}`. */
function availability(payload: Buffer, topic: string): boolean {
  const text = payloadText(payload).trim();
  if (!text.startsWith('{')) return onlineWord(text, topic);
  const state = jsonObject(payload, topic).state;
  if (typeof state !== 'string') throw new DecodeError('adapter_error', `${topic}: expected {"state":"online"|"offline"}`);
  return onlineWord(state, topic);
}

/** `last_seen` as epoch ms or ISO 8601 (its `ISO_8601` and `ISO_8601_local` forms carry a zone). */
function lastSeen(v: unknown): number | undefined {
  if (typeof v === 'number') return deviceTime(v);
  if (typeof v === 'string') {
    const t = Date.parse(v);
    return Number.isNaN(t) ? undefined : deviceTime(t);
  }
  return undefined;
}

/** Runs `step`, collecting a DecodeError's message under the field's name. */
function attempt(problems: string[], field: string, step: () => void): void {
  try {
    step();
  } catch (err) {
    if (!(err instanceof DecodeError)) throw err;
    problems.push(err.message.startsWith(`${field}:`) ? err.message : `${field}: ${err.message}`);
  }
}

export class Zigbee2mqttDecoder implements TopicDecoder {
  readonly name = 'zigbee2mqtt';
  private readonly index = new TopicIndex(buildIndex);
  private readonly states = new Map<string, DeviceState>();

  subscriptions(registry: Registry): string[] {
    const i = this.index.of(registry);
    return [...i.devices.keys(), ...i.availability.keys(), ...i.bridges.keys()];
  }

  matches(topic: string): boolean {
    const i = this.index.current;
    return i !== null && (i.devices.has(topic) || i.availability.has(topic) || i.bridges.has(topic));
  }

  decode(topic: string, payload: Buffer, ctx: DecodeContext): Decoded {
    const i = this.index.of(ctx.registry);
    const out = new Emitter(ctx);
    const device = i.devices.get(topic);
    if (device) {
      this.deviceState(topic, device, jsonObject(payload, topic), out);
      return out.result();
    }
    const available = i.availability.get(topic);
    if (available) {
      const online = availability(payload, topic);
      for (const sensor of available) {
        if (!online) this.states.delete(sensor.id);
        out.status(sensor, { online });
      }
      return out.result();
    }
    const behind = i.bridges.get(topic);
    if (!behind) throw new DecodeError('bad_topic', `no Zigbee2MQTT sensor is bound to "${topic}"`);
    // The bridge going offline leaves every device behind it unknown; coming back, the devices
    // speak for themselves (Zigbee2MQTT republishes their availability).
    if (!availability(payload, topic)) {
      for (const sensor of behind) {
        this.states.delete(sensor.id);
        out.status(sensor, { online: false });
      }
    }
    return out.result();
  }

  private deviceState(topic: string, sensors: Sensor[], state: Record<string, unknown>, out: Emitter): void {
    out.setTime(lastSeen(state.last_seen));
    const messages = sensors.map((sensor): Message => ({ sensor, out, flags: {}, faults: new Map() }));
    const ofKind = (kind: SensorKind): Message | undefined => messages.find((m) => m.sensor.kind === kind);
    const problems: string[] = [];
    /** Detector signals this message reports that no bound sensor receives: field → on/off. */
    const unbound = new Map<string, boolean>();
    for (const [field, value] of Object.entries(state)) {
      // Unknown to Zigbee2MQTT: says nothing, whatever the field.
      if (value === null) continue;
      const reading = Object.hasOwn(Z2M_READINGS, field) ? Z2M_READINGS[field] : undefined;
      if (reading && (field !== 'gas' || typeof value === 'number')) {
        const m = ofKind(reading.kind);
        if (m) attempt(problems, field, () => this.reading(m, reading, value));
        continue;
      }
      const detector = Object.hasOwn(DETECTORS, field) ? DETECTORS[field] : undefined;
      if (detector) {
        attempt(problems, field, () => {
          const on = detectorState(value, field);
          if (on === null) return;
          const wired = SWITCH_FIELDS.has(field) ? messages.find((x) => SWITCH_FLAGS[x.sensor.kind] !== undefined) : undefined;
          if (wired) wired.flags[SWITCH_FLAGS[wired.sensor.kind]!] = on;
          const m = ofKind(detector.kind);
          if (m) m.flags[detector.flag] = on;
          else if (detector.alarm && !wired) unbound.set(field, on);
        });
        continue;
      }
      const handle = Object.hasOwn(DEVICE_FIELDS, field) ? DEVICE_FIELDS[field] : undefined;
      if (handle) attempt(problems, field, () => messages.forEach((m) => handle(m, value, field)));
    }
    for (const m of messages) {
      const known = this.stateOf(m.sensor.id);
      if (m.battery !== undefined) known.batteryPct = true;
      if (known.batteryPct) m.faults.delete('battery low');
      this.applyFlags(m, known);
      this.applyFaults(m, known);
      if (m.battery !== undefined) out.status(m.sensor, { battery: m.battery });
    }
    const first = messages[0];
    if (first) {
      const kinds = messages.map((m) => m.sensor.kind);
      this.applyUnbound(topic, first, `${kinds.length === 1 ? 'only ' : ''}as ${kinds.join(' and ')}`, unbound, problems);
      if (problems.length > 0) out.reject(first.sensor, new DecodeError('adapter_error', problems.join('; ')));
    }
  }

  /** A reading for `m`'s sensor, in its unit; a raw value its binding gives no scale or unit for is not read. */
  private reading(m: Message, field: SourceField, value: unknown): void {
    const b = bindingOf(m.sensor);
    // The binding's scale and unit describe the device's raw fields; documented units stand as documented.
    const convert = readingConversion(field, field.unit === 'raw' ? { scale: b.scale, unit: b.unit } : {}, readingUnit(m.sensor), m.sensor.kind);
    if (typeof convert !== 'function') return;
    const n = toNumber(value, field.name);
    if (n !== null) m.out.reading(m.sensor, convert(n));
  }

  /**
   * A detector alarm with no sensor to receive it (a smoke alarm from a device bound only as CO):
   * rejected every time it is reported, and `unbound_signal` on the device's first sensor while
   * any is on. A self-test does not excuse it: the engine limits how long a test may hold a bound
   * detector's alarm, and nothing could limit it here (a stuck test flag would hide the signal).
   */
  private applyUnbound(topic: string, m: Message, boundAs: string, signals: Map<string, boolean>, problems: string[]): void {
    const known = this.stateOf(m.sensor.id);
    const before = known.unbound.size;
    const raised: string[] = [];
    for (const [field, on] of signals) {
      if (!on) {
        known.unbound.delete(field);
        continue;
      }
      const kind = DETECTORS[field]?.kind ?? field;
      problems.push(`${field} alarm, but no ${kind} sensor is bound to "${topic}": bind one (kind: ${kind}, same topic) to receive it`);
      if (!known.unbound.has(field)) raised.push(field);
    }
    if (raised.length > 0) {
      const detail = `${[...known.unbound, ...raised].join(', ')} from a device bound ${boundAs}`;
      if (m.out.event(m.sensor, 'unbound_signal', { detail })) raised.forEach((f) => known.unbound.add(f));
    } else if (before > 0 && known.unbound.size === 0) {
      m.out.event(m.sensor, 'unbound_signal_clear');
    }
  }

  private applyFlags(m: Message, known: DeviceState): void {
    const test = m.flags.test;
    if (test === true && known.flags.get('test') !== true && m.out.event(m.sensor, 'test', { detail: 'self-test' })) known.flags.set('test', true);
    for (const f of ['smoke', 'gas', 'tamper', 'contact', 'leak', 'waterflow', 'valve'] as const) {
      const v = m.flags[f];
      if (v === undefined) continue;
      if (known.flags.get(f) === v) continue;
      const [on, off] = FLAG_EVENTS[f];
      if (m.out.event(m.sensor, v ? on : off)) known.flags.set(f, v);
    }
    // The test ends after this message's signals: `{"test": false, "smoke": false}` clears the
    // test's smoke first, so it is not taken for smoke that outlasted the test.
    if (test === false && (known.flags.get('test') !== true || m.out.event(m.sensor, 'test_clear'))) known.flags.set('test', false);
  }

  private applyFaults(m: Message, known: DeviceState): void {
    if (m.faults.size === 0) return;
    const next = new Set(known.faults ?? []);
    for (const [label, on] of m.faults) {
      if (on) next.add(label);
      else next.delete(label);
    }
    const before = known.faults;
    if (before !== null && before.size === next.size && [...next].every((f) => before.has(f))) return;
    const ok = next.size > 0 ? m.out.event(m.sensor, 'fault', { detail: [...next].sort().join(', ') }) : m.out.event(m.sensor, 'fault_clear');
    if (ok) known.faults = next;
  }

  private stateOf(sensorId: string): DeviceState {
    let s = this.states.get(sensorId);
    if (!s) {
      s = { flags: new Map(), faults: null, batteryPct: false, unbound: new Set() };
      this.states.set(sensorId, s);
    }
    return s;
  }
}
