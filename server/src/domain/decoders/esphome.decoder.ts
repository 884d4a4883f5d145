/**
 * ESPHome's MQTT client (https://esphome.io/components/mqtt.html): each entity publishes its state
 * on `<topic_prefix>/<component_type>/<object_id>/state` — binary sensors `ON`/`OFF`, sensors a
 * number as text (`nan` when it has none) — and the node announces `online` on
 * `<topic_prefix>/status` (birth message) with `offline` as its last will.
 *
 * A binary_sensor's ON means the detector's alarm for gas and CO (`gas`), smoke (`smoke`), and for
 * doors what ESPHome's `door` device class says: ON = open (https://esphome.io/components/binary_sensor/),
 * unless the binding says `onMeans: closed` (a reed contact wired the other way). A `problem`
 * binary_sensor raises a fault.
 */
import type { EventType, SensorKind, Sensor, SourceBinding } from '../../../../contract/index.ts';
import { DecodeError, type DecodeContext, type Decoded, type TopicDecoder } from '../observation.decode.ts';
import type { Registry } from '../registry.ts';
import { onlineWord, payloadText, toBool, toNumber } from './coerce.ts';
import { Emitter, readingUnit } from './emit.ts';
import { readingConversion, type SourceField } from './source-units.ts';
import { addTo, TopicIndex } from './topic-index.ts';

type EsphomeBinding = Extract<SourceBinding, { adapter: 'esphome' }>;
type Role = 'state' | 'problem';

const bindingOf = (sensor: Sensor): EsphomeBinding => sensor.source as EsphomeBinding;

export function stateTopic(b: Pick<EsphomeBinding, 'node' | 'entityType' | 'entity'>): string {
  return `${b.node}/${b.entityType}/${b.entity}/state`;
}

/** ON / OFF events per kind; a door's pair follows `onMeans`. */
const BINARY_EVENTS: Record<SensorKind, readonly [EventType, EventType]> = {
  gas: ['gas', 'gas_clear'],
  co: ['gas', 'gas_clear'],
  smoke: ['smoke', 'smoke_clear'],
  door: ['open', 'closed'],
  // device_class moisture: ON = wet.
  leak: ['leak', 'leak_clear'],
  // A riser's flow switch: ON = water flowing (the switch's own retard, if any, before it).
  waterflow: ['waterflow', 'waterflow_clear'],
  // A valve's supervisory switch: ON = not fully open (the switch opens off its normal position).
  valve: ['valve_closed', 'valve_open'],
  // A fire pump controller's run contact: ON = running.
  pump: ['pump_running', 'pump_running_clear'],
  // Pressure is a `sensor` (a number), never a binary one: binding.check.ts refuses that binding.
  pressure: ['fault', 'fault_clear'],
};

interface EsphomeIndex {
  entities: Map<string, { sensor: Sensor; role: Role }[]>;
  status: Map<string, Sensor[]>;
}

function buildIndex(registry: Registry): EsphomeIndex {
  const index: EsphomeIndex = { entities: new Map(), status: new Map() };
  for (const sensor of registry.sensorsBoundTo('esphome')) {
    const b = bindingOf(sensor);
    addTo(index.entities, stateTopic(b), { sensor, role: 'state' as const });
    if (b.problemEntity !== undefined)
      addTo(index.entities, stateTopic({ node: b.node, entityType: 'binary_sensor', entity: b.problemEntity }), { sensor, role: 'problem' as const });
    addTo(index.status, `${b.node}/status`, sensor);
  }
  return index;
}

function binaryState(sensor: Sensor, on: boolean, out: Emitter): void {
  const [onEvent, offEvent] = BINARY_EVENTS[sensor.kind];
  const inverted = sensor.kind === 'door' && bindingOf(sensor).onMeans === 'closed';
  out.event(sensor, on !== inverted ? onEvent : offEvent);
}

/**
 * An ESPHome `sensor` publishes a number in whatever its YAML makes of it — an MQ-2's analog pin in
 * volts, an ADC count, a value in %LEL after a calibrating filter: only the binding can say which
 * (`unit`, or `scale` for anything else).
 */
export function readingField(b: Pick<EsphomeBinding, 'node' | 'entity'>): SourceField {
  return { name: `the ESPHome sensor ${b.node}/sensor/${b.entity}`, unit: 'declared' };
}

function numericState(sensor: Sensor, text: string, out: Emitter): void {
  const n = toNumber(text, 'state');
  if (n === null) throw new DecodeError('adapter_error', 'the sensor has no valid value (nan)');
  const b = bindingOf(sensor);
  // The load-time check refuses a binding that cannot be read; this keeps a registry built otherwise honest.
  const convert = readingConversion(readingField(b), b, readingUnit(sensor), sensor.kind);
  if (typeof convert !== 'function') throw new DecodeError('adapter_error', convert.message);
  out.reading(sensor, convert(n));
}

export class EsphomeDecoder implements TopicDecoder {
  readonly name = 'esphome';
  private readonly index = new TopicIndex(buildIndex);

  subscriptions(registry: Registry): string[] {
    const i = this.index.of(registry);
    return [...i.entities.keys(), ...i.status.keys()];
  }

  matches(topic: string): boolean {
    const i = this.index.current;
    return i !== null && (i.entities.has(topic) || i.status.has(topic));
  }

  decode(topic: string, payload: Buffer, ctx: DecodeContext): Decoded {
    const i = this.index.of(ctx.registry);
    const out = new Emitter(ctx);
    const text = payloadText(payload);
    for (const { sensor, role } of i.entities.get(topic) ?? []) {
      out.attempt(sensor, () => {
        if (role === 'problem') {
          const problem = toBool(text, 'problem');
          if (problem !== null) out.event(sensor, problem ? 'fault' : 'fault_clear', problem ? { detail: 'ESPHome problem sensor' } : {});
        } else if (bindingOf(sensor).entityType === 'binary_sensor') {
          const on = toBool(text, 'state');
          if (on !== null) binaryState(sensor, on, out);
        } else {
          numericState(sensor, text, out);
        }
      });
    }
    const nodeSensors = i.status.get(topic);
    if (nodeSensors) {
      const online = onlineWord(text, topic);
      for (const sensor of nodeSensors) out.status(sensor, { online });
    }
    return out.result();
  }
}
