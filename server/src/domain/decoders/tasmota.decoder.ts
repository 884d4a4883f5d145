/**
 * Tasmota (https://tasmota.github.io/docs/MQTT/): telemetry on `tele/<topic>/SENSOR`, the MQTT
 * last will on `tele/<topic>/LWT` (`Online`/`Offline`), the periodic `tele/<topic>/STATE` (Wi-Fi
 * signal; the heartbeat), and — on a Tasmota Zigbee bridge — device reports as
 * `{"ZbReceived":{"0x1234":{"Device":"0x1234","Name":"Door","Contact":1,...}}}` on the same
 * SENSOR topic (https://tasmota.github.io/docs/Zigbee/).
 *
 * Gas and CO sensors read a value from the SENSOR JSON by a dotted path (default `ANALOG.A0`, an
 * ADC count that needs `scale`); door and smoke sensors are Zigbee devices behind the bridge,
 * named by `sensorKey` (short address or friendly name); their IAS zone reports are `Contact`,
 * `Fire` and `Water` (Tasmota's xdrv_23_zigbee_5_1_attributes.ino). `Time` is local time without a zone:
 * it is read in the sensor's site time zone. Tasmota's `Contact` is 1 when open (IAS zone alarm
 * bit), the opposite of Zigbee2MQTT's `contact`.
 */
import type { Sensor, SourceBinding } from '../../../../contract/index.ts';
import { DecodeError, type DecodeContext, type Decoded, type TopicDecoder } from '../observation.decode.ts';
import type { Registry } from '../registry.ts';
import { applyScale, jsonObject, payloadText, toBool, toNumber } from './coerce.ts';
import { Emitter } from './emit.ts';
import { deviceTime, localTimeToEpoch } from './local-time.ts';
import { addTo, TopicIndex, type SensorsByTopic } from './topic-index.ts';

type TasmotaBinding = Extract<SourceBinding, { adapter: 'tasmota' }>;

export const DEFAULT_SENSOR_KEY = 'ANALOG.A0';

const bindingOf = (sensor: Sensor): TasmotaBinding => sensor.source as TasmotaBinding;

/** Door, smoke and leak sensors on a Tasmota are Zigbee devices behind its bridge; gas and CO read a value. */
export function isZigbeeChild(sensor: Pick<Sensor, 'kind'>): boolean {
  return sensor.kind === 'door' || sensor.kind === 'smoke' || sensor.kind === 'leak';
}

/** A raw ADC count (Tasmota's `ANALOG` object) rather than a value already in the sensor's unit. */
export function isRawAnalog(sensorKey: string | undefined): boolean {
  return (sensorKey ?? DEFAULT_SENSOR_KEY).toUpperCase().startsWith('ANALOG.');
}

interface TasmotaIndex {
  sensor: SensorsByTopic;
  lwt: SensorsByTopic;
  state: SensorsByTopic;
}

function buildIndex(registry: Registry): TasmotaIndex {
  const index: TasmotaIndex = { sensor: new Map(), lwt: new Map(), state: new Map() };
  for (const sensor of registry.sensorsBoundTo('tasmota')) {
    const { topic } = bindingOf(sensor);
    addTo(index.sensor, `tele/${topic}/SENSOR`, sensor);
    addTo(index.lwt, `tele/${topic}/LWT`, sensor);
    addTo(index.state, `tele/${topic}/STATE`, sensor);
  }
  return index;
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

/** The message time: Tasmota's local `Time` in the sensor's site zone; receive time when absent or unset. */
function messageTime(message: Record<string, unknown>, sensor: Sensor, registry: Registry): number | undefined {
  const time = message.Time;
  if (time === undefined) return undefined;
  if (typeof time !== 'string') throw new DecodeError('adapter_error', `Time: ${JSON.stringify(time)} is not a date-time`);
  const zone = registry.site(sensor.siteId)?.timezone ?? 'UTC';
  const t = localTimeToEpoch(time, zone);
  if (t === null) throw new DecodeError('adapter_error', `Time: "${time}" is not a date-time`);
  return deviceTime(t);
}

function analogReading(sensor: Sensor, telemetry: Record<string, unknown>, out: Emitter): void {
  const b = bindingOf(sensor);
  const key = b.sensorKey ?? DEFAULT_SENSOR_KEY;
  const raw = valueAt(telemetry, key);
  if (raw === undefined) throw new DecodeError('adapter_error', `no ${key} in the telemetry`);
  const n = toNumber(raw, key);
  if (n === null) throw new DecodeError('adapter_error', `${key} has no value`);
  if (isRawAnalog(b.sensorKey) && !b.scale)
    throw new DecodeError('adapter_error', `${key} ${n} is a raw ADC count: set source.scale to read it as ${sensor.unit}`);
  out.reading(sensor, b.scale ? applyScale(n, b.scale) : n);
}

/** Whether a `ZbReceived` entry is the device a sensor names (short address, IEEE or friendly name). */
function isDevice(sensor: Sensor, key: string, report: Record<string, unknown>): boolean {
  const want = bindingOf(sensor).sensorKey;
  return want !== undefined && (want === key || want === report.Device || want === report.IEEEAddr || want === report.Name);
}

function zigbeeReport(sensor: Sensor, report: Record<string, unknown>, out: Emitter): void {
  if (report.Contact !== undefined) {
    const open = toBool(report.Contact, 'Contact');
    if (open !== null) out.event(sensor, open ? 'open' : 'closed');
  }
  if (report.Fire !== undefined) {
    const fire = toBool(report.Fire, 'Fire');
    if (fire !== null) out.event(sensor, fire ? 'smoke' : 'smoke_clear');
  }
  if (report.Water !== undefined) {
    const leak = toBool(report.Water, 'Water');
    // A leak sensor's alarm; on any other kind it stays a fault.
    if (leak !== null && sensor.kind === 'leak') out.event(sensor, leak ? 'leak' : 'leak_clear');
    else if (leak !== null) out.event(sensor, leak ? 'fault' : 'fault_clear', leak ? { detail: 'water leak' } : {});
  }
  if (report.BatteryPercentage !== undefined) {
    const battery = toNumber(report.BatteryPercentage, 'BatteryPercentage');
    if (battery !== null) out.status(sensor, { battery });
  }
}

export class TasmotaDecoder implements TopicDecoder {
  readonly name = 'tasmota';
  private readonly index = new TopicIndex(buildIndex);

  subscriptions(registry: Registry): string[] {
    const i = this.index.of(registry);
    return [...i.sensor.keys(), ...i.lwt.keys(), ...i.state.keys()];
  }

  matches(topic: string): boolean {
    const i = this.index.current;
    return i !== null && (i.sensor.has(topic) || i.lwt.has(topic) || i.state.has(topic));
  }

  decode(topic: string, payload: Buffer, ctx: DecodeContext): Decoded {
    const i = this.index.of(ctx.registry);
    const out = new Emitter(ctx);
    const telemetry = i.sensor.get(topic);
    if (telemetry) this.telemetry(topic, jsonObject(payload, topic), telemetry, out, ctx.registry);
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
    const zb = message.ZbReceived;
    if (zb !== undefined) {
      if (typeof zb !== 'object' || zb === null) throw new DecodeError('adapter_error', `${topic}: ZbReceived must be an object`);
      // A bridge reports every device it knows; only the bound ones are ours.
      for (const [key, report] of Object.entries(zb as Record<string, unknown>)) {
        if (typeof report !== 'object' || report === null) continue;
        const r = report as Record<string, unknown>;
        for (const sensor of sensors) if (isZigbeeChild(sensor) && isDevice(sensor, key, r)) out.attempt(sensor, () => zigbeeReport(sensor, r, out));
      }
      return;
    }
    for (const sensor of sensors) {
      if (isZigbeeChild(sensor)) continue;
      out.attempt(sensor, () => {
        out.setTime(messageTime(message, sensor, registry));
        analogReading(sensor, message, out);
      });
    }
  }
}
