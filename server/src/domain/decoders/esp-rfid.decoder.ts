/**
 * esp-rfid access controllers (https://github.com/esprfid/esp-rfid, README-ADDON.md "Messages sent
 * by ESP-RFID"): everything arrives as JSON on `<topic>/send` —
 * - `{"type":"access","access":"Always"|"Admin"|"Denied"|"Disabled"|"Expired","uid":…,"username":…}`:
 *   granted or refused is read from `access`, never from `isKnown` (a known but disabled or
 *   expired badge is refused). A controller with several doors sends `access` and `doorName` as
 *   arrays: the binding's `door` picks the entry.
 * - `{"type":"heartbeat"|"boot","time":<epoch s>}` → online.
 * - log events (`"cmd":"event"`, when "log to MQTT" is on): `door` "Door Open"/"Door Closed", and
 *   `tamper` "Door was tampered!" — esp-rfid says that when the door opens while the lock is not
 *   released (src/door.esp): a forced door. Its "wasn't closed within max open time" is left to
 *   Vigil's own held-open rule (heldOpenS).
 * In Home Assistant mode it publishes access on `<topic>/tag`, door and tamper as ON/OFF on
 * `<topic>/io/door` and `<topic>/io/tamper`, and `online` on `<topic>/avty`. Older firmware
 * publishes what later goes to `<topic>/send` on `<topic>` itself.
 *
 * Several readers may share one topic: their messages carry `hostname` (heartbeat, boot, log
 * events) or `door` (access, where it is the reader's hostname), and a binding with `hostname`
 * takes only its reader's. A reader is offline when its heartbeats stop (the offline watchdog,
 * heartbeatS × 3), never on `offline` on `avty` alone: that word is the broker's last will for
 * whichever reader on the topic dropped its connection, often only to reconnect at once, and one
 * `offline` would raise an alarm that the next heartbeat does not explain.
 */
import type { Sensor, SourceBinding } from '../../../../contract/index.ts';
import { DecodeError, type DecodeContext, type Decoded, type TopicDecoder } from '../observation.decode.ts';
import type { Registry } from '../registry.ts';
import { jsonObject, onlineWord, payloadText, toBool, toNumber } from './coerce.ts';
import { Emitter } from './emit.ts';
import { deviceTime } from './local-time.ts';
import { TopicIndex, addTo } from './topic-index.ts';

type EspRfidBinding = Extract<SourceBinding, { adapter: 'esp_rfid' }>;
type Channel = 'send' | 'tag' | 'io/door' | 'io/tamper' | 'avty';
const CHANNELS: readonly Channel[] = ['send', 'tag', 'io/door', 'io/tamper', 'avty'];

const GRANTED: ReadonlySet<string> = new Set(['Always', 'Admin']);
const REFUSED: ReadonlySet<string> = new Set(['Denied', 'Disabled', 'Expired']);

const bindingOf = (sensor: Sensor): EspRfidBinding => sensor.source as EspRfidBinding;

interface EspRfidIndex {
  topics: Map<string, { channel: Channel; sensors: Sensor[] }>;
}

function buildIndex(registry: Registry): EspRfidIndex {
  const byBase = new Map<string, Sensor[]>();
  for (const sensor of registry.sensorsBoundTo('esp_rfid')) addTo(byBase, bindingOf(sensor).topic, sensor);
  const topics = new Map<string, { channel: Channel; sensors: Sensor[] }>();
  for (const [base, sensors] of byBase) {
    for (const channel of CHANNELS) topics.set(`${base}/${channel}`, { channel, sensors });
    // Firmware before `/send` published the same messages on the topic itself.
    if (!topics.has(base)) topics.set(base, { channel: 'send', sensors });
  }
  return { topics };
}

const hostOf = (name: string): string => name.trim().toLowerCase();

/**
 * The sensors of the reader that sent `message`: a binding with `hostname` takes its reader's
 * messages only; one without takes every message on its topic. A message that names no reader
 * (Home Assistant mode's io/ topics) goes to the bindings without `hostname`.
 */
function readerSensors(sensors: Sensor[], message: Record<string, unknown> | null): Sensor[] {
  const named = message === null ? undefined : (message.hostname ?? (message.type === 'access' ? message.door : undefined));
  const reader = typeof named === 'string' ? hostOf(named) : undefined;
  return sensors.filter((s) => {
    const want = bindingOf(s).hostname;
    return want === undefined || (reader !== undefined && hostOf(want) === reader);
  });
}

/**
 * esp-rfid has one door-status input and one tamper signal (relay 1): they belong to the sensor
 * bound without `door`, or to the first one bound to that controller.
 */
function doorInput(sensors: Sensor[]): Sensor {
  return sensors.find((s) => bindingOf(s).door === undefined) ?? sensors[0]!;
}

/** The `access` entry for this sensor's door (a string, or one of an array by `doorName`). */
function accessFor(sensor: Sensor, message: Record<string, unknown>): string | null {
  const { access, doorName } = message;
  if (typeof access === 'string') {
    const door = bindingOf(sensor).door;
    return door === undefined || doorName === undefined || doorName === door ? access : null;
  }
  if (!Array.isArray(access)) throw new DecodeError('adapter_error', `access: ${JSON.stringify(access)} is neither a string nor a list`);
  const door = bindingOf(sensor).door;
  if (door === undefined) {
    if (access.length === 1 && typeof access[0] === 'string') return access[0];
    throw new DecodeError('adapter_error', 'a multi-door access message: set source.door to the door name this sensor is');
  }
  const at = Array.isArray(doorName) ? doorName.indexOf(door) : -1;
  const entry: unknown = at >= 0 ? access[at] : undefined;
  return typeof entry === 'string' ? entry : null;
}

function accessEvent(sensor: Sensor, message: Record<string, unknown>, out: Emitter): void {
  const access = accessFor(sensor, message);
  if (access === null) return; // another door of the same controller
  const granted = GRANTED.has(access);
  if (!granted && !REFUSED.has(access)) throw new DecodeError('adapter_error', `access "${access}" is none of Always, Admin, Denied, Disabled, Expired`);
  const uid = typeof message.uid === 'string' ? message.uid.trim() : '';
  const user = typeof message.username === 'string' ? message.username : '';
  out.event(sensor, granted ? 'access_granted' : 'access_denied', {
    ...(uid !== '' && { credential: uid.slice(0, 128) }),
    detail: `${access}${user !== '' && user !== 'Unknown' ? `: ${user}` : ''}`.slice(0, 512),
  });
}

/** A log event (`"cmd":"event"`): door status and tamper; the rest is the controller's own housekeeping. */
function logEvent(sensors: Sensor[], message: Record<string, unknown>, out: Emitter): void {
  const sensor = doorInput(sensors);
  const desc = typeof message.desc === 'string' ? message.desc : '';
  if (message.src === 'door' && desc === 'Door Open') out.event(sensor, 'open');
  else if (message.src === 'door' && desc === 'Door Closed') out.event(sensor, 'closed');
  else if (message.src === 'tamper' && desc === 'Door was tampered!') out.event(sensor, 'forced_open', { detail: 'esp-rfid: door opened while locked' });
}

function sendMessage(all: Sensor[], message: Record<string, unknown>, out: Emitter): void {
  const sensors = readerSensors(all, message);
  if (sensors.length === 0) return; // another reader on the same topic
  const time = toNumber(message.time ?? null, 'time');
  out.setTime(deviceTime(time === null ? null : time * 1000));
  switch (message.type) {
    case 'access':
      for (const sensor of sensors) out.attempt(sensor, () => accessEvent(sensor, message, out));
      return;
    case 'heartbeat':
    case 'boot':
      for (const sensor of sensors) out.status(sensor, { online: true });
      return;
    default:
      if (message.cmd === 'event') logEvent(sensors, message, out);
      else if (typeof message.type !== 'string' && typeof message.command !== 'string')
        throw new DecodeError('adapter_error', 'an esp-rfid message needs a "type"');
  }
}

export class EspRfidDecoder implements TopicDecoder {
  readonly name = 'esp_rfid';
  private readonly index = new TopicIndex(buildIndex);

  subscriptions(registry: Registry): string[] {
    return [...this.index.of(registry).topics.keys()];
  }

  matches(topic: string): boolean {
    return this.index.current?.topics.has(topic) ?? false;
  }

  decode(topic: string, payload: Buffer, ctx: DecodeContext): Decoded {
    const entry = this.index.of(ctx.registry).topics.get(topic);
    if (!entry) throw new DecodeError('bad_topic', `no esp-rfid sensor is bound to "${topic}"`);
    const { channel, sensors } = entry;
    const out = new Emitter(ctx);
    switch (channel) {
      case 'send':
        sendMessage(sensors, jsonObject(payload, topic), out);
        break;
      case 'tag': {
        const message = jsonObject(payload, topic);
        const time = toNumber(message.time ?? null, 'time');
        out.setTime(deviceTime(time === null ? null : time * 1000));
        for (const sensor of readerSensors(sensors, message)) out.attempt(sensor, () => accessEvent(sensor, message, out));
        break;
      }
      case 'io/door': {
        // Home Assistant's door class: ON = open.
        const open = toBool(payloadText(payload), 'door');
        const unnamed = readerSensors(sensors, null);
        if (open !== null && unnamed.length > 0) out.event(doorInput(unnamed), open ? 'open' : 'closed');
        break;
      }
      case 'io/tamper': {
        // In this mode "tampered" and "held open too long" share the one ON: a tamper signal.
        const tamper = toBool(payloadText(payload), 'tamper');
        const unnamed = readerSensors(sensors, null);
        if (tamper !== null && unnamed.length > 0)
          out.event(doorInput(unnamed), tamper ? 'tamper' : 'tamper_clear', tamper ? { detail: 'esp-rfid door tamper' } : {});
        break;
      }
      case 'avty': {
        // `online` (its birth message) is news of the reader; `offline` alone is not proof of
        // anything (see above): the heartbeats decide. Neither names a reader on a shared topic.
        const online = onlineWord(payloadText(payload), topic);
        if (online) for (const sensor of readerSensors(sensors, null)) out.status(sensor, { online: true });
        break;
      }
    }
    return out.result();
  }
}
