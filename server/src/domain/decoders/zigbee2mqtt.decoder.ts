/**
 * Zigbee2MQTT (https://www.zigbee2mqtt.io/guide/usage/mqtt_topics_and_messages.html): a device's
 * state JSON on `<base_topic>/<friendly_name>`, its availability on `.../availability` (`online` /
 * `offline`, or `{"state":"online"}` since 1.x), and the bridge's own `<base_topic>/bridge/state`.
 *
 * Zigbee2MQTT repeats a device's whole state in every message, so alarm-bearing properties become
 * events only when they change (the first message after start states the current value); numeric
 * densities become readings every time. `null` is unknown: the last known state is forgotten, not
 * set to false. `contact: true` means closed. A self-test (`test: true`) is a `test` event, and a
 * smoke or gas signal reported during it is the test, not an alarm.
 */
import type { EventType, Sensor, SensorKind, SourceBinding, Unit } from '../../../../contract/index.ts';
import { DecodeError, type DecodeContext, type Decoded, type TopicDecoder } from '../observation.decode.ts';
import type { Registry } from '../registry.ts';
import { applyScale, dbPerMetreToObscuration, jsonObject, onlineWord, payloadText, toBool, toNumber } from './coerce.ts';
import { Emitter, readingUnit } from './emit.ts';
import { deviceTime } from './local-time.ts';
import { addTo, TopicIndex } from './topic-index.ts';

type Z2mBinding = Extract<SourceBinding, { adapter: 'zigbee2mqtt' }>;
type Flag = 'smoke' | 'gas' | 'contact' | 'tamper' | 'test' | 'leak';

/** Event pairs (on, off) for the flags that raise and clear conditions; `contact: true` is closed. */
const FLAG_EVENTS: Record<Exclude<Flag, 'test'>, readonly [EventType, EventType]> = {
  smoke: ['smoke', 'smoke_clear'],
  gas: ['gas', 'gas_clear'],
  tamper: ['tamper', 'tamper_clear'],
  contact: ['closed', 'open'],
  leak: ['leak', 'leak_clear'],
};

export function bindingOf(sensor: Sensor): Z2mBinding {
  return sensor.source as Z2mBinding;
}

/** The base topic: as configured, or the device topic's first level (`zigbee2mqtt`). */
export function baseTopicOf(b: Z2mBinding): string {
  return b.baseTopic ?? b.topic.slice(0, Math.max(0, b.topic.indexOf('/')));
}

interface Z2mIndex {
  devices: Map<string, Sensor>;
  availability: Map<string, Sensor>;
  bridges: Map<string, Sensor[]>;
}

function buildIndex(registry: Registry): Z2mIndex {
  const index: Z2mIndex = { devices: new Map(), availability: new Map(), bridges: new Map() };
  for (const sensor of registry.sensorsBoundTo('zigbee2mqtt')) {
    const b = bindingOf(sensor);
    index.devices.set(b.topic, sensor);
    index.availability.set(`${b.topic}/availability`, sensor);
    addTo(index.bridges, `${baseTopicOf(b)}/bridge/state`, sensor);
  }
  return index;
}

/** What one message says, before it is compared with what the decoder last knew. */
interface Message {
  sensor: Sensor;
  out: Emitter;
  flags: Partial<Record<Flag, boolean | null>>;
  /** Trouble reported by the device (water leak, battery low, fault): true, false or unknown. */
  faults: Map<string, boolean | null>;
  battery?: number;
}

/** Last known state per sensor; absent means unknown. */
interface DeviceState {
  flags: Map<Flag, boolean>;
  faults: Set<string> | null;
  /** Has reported a battery percentage: then `battery_low` is left to Vigil's own threshold. */
  batteryPct: boolean;
}

type FieldHandler = (m: Message, value: unknown, field: string) => void;

const flag =
  (f: Flag): FieldHandler =>
  (m, v, field) => {
    m.flags[f] = toBool(v, field);
  };
/** A detector alarm that means something for one kind only: on a gas + CO detector, each half is its own sensor. */
const alarmFor =
  (kind: SensorKind): FieldHandler =>
  (m, v, field) => {
    if (m.sensor.kind === kind) m.flags.gas = toBool(v, field);
  };
const fault =
  (label: string): FieldHandler =>
  (m, v, field) => {
    m.faults.set(label, toBool(v, field));
  };

/** A reading in a documented unit; skipped when the sensor measures something else (the other half of a gas + CO detector). */
function emitReading(m: Message, unit: Unit, value: number): void {
  if (readingUnit(m.sensor) === unit) m.out.reading(m.sensor, value);
}

/** A raw device value: meaningless without `source.scale`. */
function scaled(m: Message, field: string, raw: number): number {
  const scale = bindingOf(m.sensor).scale;
  if (!scale)
    throw new DecodeError('adapter_error', `${field} ${raw} is a raw device value: set source.scale to read it as ${readingUnit(m.sensor) ?? 'a reading'}`);
  return applyScale(raw, scale);
}

/** Tuya's self-test result enum: a failed self-test is a fault until one succeeds (`checking` says nothing yet). */
const selfTestResult =
  (failure: string, success: string): FieldHandler =>
  (m, v) => {
    if (v === failure) m.faults.set('self-test failed', true);
    else if (v === success) m.faults.set('self-test failed', false);
  };

const numeric =
  (read: (m: Message, n: number, field: string) => void): FieldHandler =>
  (m, v, field) => {
    const n = toNumber(v, field);
    if (n !== null) read(m, n, field);
  };

// Property names from the device pages: Xiaomi JTYJ-GD-01LM/BW and JTQJ-BF-01LM/BW, Aqara
// JT-BZ-01AQ/A and JY-GZ-01AQ, Heiman HS1CA-E, Tuya DCR-CO and TS0601 gas sensors, Lincukoo
// E04CF-Z10T, Aqara MCCGQ11LM, TS0207 water leak detectors (zigbee2mqtt.io/devices/<model>.html).
const FIELDS: Readonly<Record<string, FieldHandler>> = {
  smoke: flag('smoke'),
  // Binary on most detectors; a number in %LEL on the Lincukoo E04CF-Z10T.
  gas: (m, v, field) => (typeof v === 'number' ? emitReading(m, '%LEL', v) : alarmFor('gas')(m, v, field)),
  gas_sensor_state: alarmFor('gas'),
  // A CO detector's own alarm: the `gas` event is the "detector alarm" for CO sensors too.
  carbon_monoxide: alarmFor('co'),
  co_state: alarmFor('co'),
  contact: flag('contact'),
  tamper: flag('tamper'),
  test: flag('test'),
  self_test: flag('test'),
  self_checking: flag('test'),
  // A write-only command on most devices; some publish it back, as "" when idle.
  selftest: (m, v, field) => (v === '' ? undefined : flag('test')(m, v, field)),
  // A leak sensor's alarm; on any other kind it stays a fault.
  water_leak: (m, v, field) => (m.sensor.kind === 'leak' ? flag('leak')(m, v, field) : fault('water leak')(m, v, field)),
  battery_low: fault('battery low'),
  fault_alarm: fault('fault'),
  fault: fault('fault'),
  self_test_result: selfTestResult('failure', 'success'),
  checking_result: selfTestResult('check_failure', 'check_success'),
  battery: numeric((m, n) => void (m.battery = n)),
  co: numeric((m, n) => emitReading(m, 'ppm', n)),
  gas_value: numeric((m, n) => emitReading(m, '%LEL', n)),
  // %LEL as documented for Aqara; raw counts on others: with a scale configured, it is scaled.
  gas_density: numeric((m, n) => emitReading(m, '%LEL', bindingOf(m.sensor).scale ? scaled(m, 'gas_density', n) : n)),
  smoke_density: numeric((m, n, field) => m.out.reading(m.sensor, scaled(m, field, n))),
  smoke_density_dbm: numeric((m, n) => emitReading(m, '%obs/m', dbPerMetreToObscuration(n))),
  // linkquality is an LQI (0–255), not dBm: the status channel's rssi cannot hold it.
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
      this.deviceState(device, jsonObject(payload, topic), out);
      return out.result();
    }
    const available = i.availability.get(topic);
    if (available) {
      const online = availability(payload, topic);
      if (!online) this.states.delete(available.id);
      out.status(available, { online });
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

  private deviceState(sensor: Sensor, state: Record<string, unknown>, out: Emitter): void {
    out.setTime(lastSeen(state.last_seen));
    const m: Message = { sensor, out, flags: {}, faults: new Map() };
    for (const [field, value] of Object.entries(state)) {
      const handle = Object.hasOwn(FIELDS, field) ? FIELDS[field] : undefined;
      if (handle) out.attempt(sensor, () => handle(m, value, field));
    }
    const known = this.stateOf(sensor.id);
    if (m.battery !== undefined) known.batteryPct = true;
    if (known.batteryPct) m.faults.delete('battery low');
    this.applyFlags(m, known);
    this.applyFaults(m, known);
    if (m.battery !== undefined) out.status(sensor, { battery: m.battery });
  }

  private applyFlags(m: Message, known: DeviceState): void {
    const test = m.flags.test;
    if (test === null) known.flags.delete('test');
    else if (test !== undefined && (!test || known.flags.get('test') === true || m.out.event(m.sensor, 'test', { detail: 'self-test' }))) {
      known.flags.set('test', test);
    }
    const testing = known.flags.get('test') === true;
    for (const f of ['smoke', 'gas', 'tamper', 'contact', 'leak'] as const) {
      const v = m.flags[f];
      if (v === undefined) continue;
      if (v === null) {
        known.flags.delete(f);
        continue;
      }
      // During a self-test the detector sounds its alarm: that is the test, not smoke or gas.
      if (v && testing && (f === 'smoke' || f === 'gas')) continue;
      if (known.flags.get(f) === v) continue;
      const [on, off] = FLAG_EVENTS[f];
      if (m.out.event(m.sensor, v ? on : off)) known.flags.set(f, v);
    }
  }

  private applyFaults(m: Message, known: DeviceState): void {
    if (m.faults.size === 0) return;
    const next = new Set(known.faults ?? []);
    for (const [label, on] of m.faults) {
      if (on === true) next.add(label);
      else if (on === false) next.delete(label);
    }
    const before = known.faults;
    if (before !== null && before.size === next.size && [...next].every((f) => before.has(f))) return;
    if (before === null && [...m.faults.values()].every((v) => v === null)) return;
    const ok = next.size > 0 ? m.out.event(m.sensor, 'fault', { detail: [...next].sort().join(', ') }) : m.out.event(m.sensor, 'fault_clear');
    if (ok) known.faults = next;
  }

  private stateOf(sensorId: string): DeviceState {
    let s = this.states.get(sensorId);
    if (!s) {
      s = { flags: new Map(), faults: null, batteryPct: false };
      this.states.set(sensorId, s);
    }
    return s;
  }
}
