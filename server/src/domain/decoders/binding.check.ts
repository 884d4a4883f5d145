/**
 * Checks of a sensor's `source` binding that the schema cannot express: the fields an
 * adapter needs for this kind, a scale for raw analog values, exact topics (no wildcards, not in
 * Vigil's own `vigil/` tree), and the identity that must be unique across the registry.
 */
import type { SensorKind, SourceBinding } from '../../../../contract/index.ts';
import { readingField as esphomeReadingField, stateTopic } from './esphome.decoder.ts';
import { DEFAULT_SENSOR_KEY, deviceId, isZigbeeChild, readingField as tasmotaReadingField, topicAdvice } from './tasmota.decoder.ts';
import { kindReadingUnit } from './emit.ts';
import { readingProblems } from './source-units.ts';
import { baseTopicOf, rawFieldsOf, Z2M_READINGS } from './zigbee2mqtt.decoder.ts';

export interface BindingProblem {
  /** Path below the sensor's `source`, e.g. `['scale']`. */
  field: string[];
  message: string;
}

/** A topic (or topic part) this binding owns: two sensors may not claim the same one. */
export interface BindingClaim {
  key: string;
  what: string;
  field: string[];
  /** What to write instead, for the refusal of a second claim. */
  instead: string;
}

function topicProblems(field: string, value: string): BindingProblem[] {
  const problems: BindingProblem[] = [];
  if (/[+#]/.test(value))
    problems.push({
      field: [field],
      message: 'names one device exactly: write its own topic without MQTT wildcards (+, #); a gateway under gateways: takes a whole tree',
    });
  if (value === 'vigil' || value.startsWith('vigil/'))
    problems.push({ field: [field], message: "vigil/… is Vigil's native topic tree: bind those sensors without an adapter" });
  return problems;
}

function zigbee2mqtt(b: Extract<SourceBinding, { adapter: 'zigbee2mqtt' }>, kind: SensorKind): BindingProblem[] {
  const problems = [...topicProblems('topic', b.topic), ...(b.baseTopic === undefined ? [] : topicProblems('baseTopic', b.baseTopic))];
  const base = baseTopicOf(b);
  const name = b.topic.startsWith(`${base}/`) ? b.topic.slice(base.length + 1) : '';
  if (name === '' || base === '') {
    const message =
      b.baseTopic === undefined
        ? 'the full device topic, <base_topic>/<friendly_name> (e.g. "zigbee2mqtt/Kitchen gas")'
        : `must start with baseTopic "${b.baseTopic}/" followed by the friendly name`;
    problems.push({ field: ['topic'], message });
  } else if (/\/(availability|set|get)$/.test(name)) {
    const state = b.topic.replace(/\/(availability|set|get)$/, '');
    problems.push({ field: ['topic'], message: `"${b.topic}" is not a device's state topic: write topic: "${state}" (Vigil adds /availability itself)` });
  } else if (name === 'bridge' || name.startsWith('bridge/')) {
    problems.push({
      field: ['topic'],
      message: `"${b.topic}" is the bridge's own topic: bind each device's <base_topic>/<friendly_name>, and the bridge as a gateway under gateways:`,
    });
  }
  if (b.scale || b.unit !== undefined) problems.push(...zigbee2mqttValue(b, kind));
  return problems;
}

/**
 * `scale` and `unit` describe the device's raw fields (`gas_density`, `smoke_density`): a kind
 * that has none needs neither; for one that has, they must make a reading in the sensor's unit.
 * Without them a raw field is not read (the documented-unit fields still are): Zigbee2MQTT sends
 * every property of the device, and a gas detector's binary alarm needs no density.
 */
function zigbee2mqttValue(b: Extract<SourceBinding, { adapter: 'zigbee2mqtt' }>, kind: SensorKind): BindingProblem[] {
  const at = b.scale ? 'scale' : 'unit';
  const unit = kindReadingUnit(kind);
  const [raw] = rawFieldsOf(kind);
  if (unit === null) return [{ field: [at], message: `${kind} sensors store no readings: remove ${at}` }];
  if (raw === undefined) {
    const documented = Object.values(Z2M_READINGS)
      .filter((f) => f.kind === kind)
      .map((f) => `${f.name} (${f.unit})`)
      .join(', ');
    return [{ field: [at], message: `Zigbee2MQTT publishes a ${kind} sensor's values in documented units, ${documented}: remove ${at}` }];
  }
  return readingProblems(raw, b, unit, kind).map((p) => ({ field: [p.at], message: p.message }));
}

function tasmota(b: Extract<SourceBinding, { adapter: 'tasmota' }>, kind: SensorKind): BindingProblem[] {
  const problems = topicProblems('topic', b.topic);
  const advice = topicAdvice(b.topic);
  if (advice !== null) problems.push({ field: ['topic'], message: `"${b.topic}" is more than a Tasmota Topic: ${advice}` });
  if (isZigbeeChild({ kind })) {
    if (b.sensorKey === undefined)
      problems.push({
        field: ['sensorKey'],
        message: `a ${kind} sensor on a Tasmota is a Zigbee device behind its bridge: set sensorKey to its short address (0x1234) or name`,
      });
    if (b.scale) problems.push({ field: ['scale'], message: `scale reads analog values: ${kind} sensors have none; remove it` });
    if (b.unit !== undefined) problems.push({ field: ['unit'], message: `unit reads analog values: ${kind} sensors have none; remove it` });
  } else {
    // Every analog key is an ADC count; any other key's unit only the binding knows.
    for (const p of readingProblems(tasmotaReadingField(b.sensorKey), b, kindReadingUnit(kind), kind)) problems.push({ field: [p.at], message: p.message });
  }
  return problems;
}

function esphome(b: Extract<SourceBinding, { adapter: 'esphome' }>, kind: SensorKind): BindingProblem[] {
  const problems = topicProblems('node', b.node);
  for (const [field, value] of [
    ['entity', b.entity],
    ['problemEntity', b.problemEntity],
  ] as const) {
    if (value === undefined) continue;
    if (/[/+#]/.test(value))
      problems.push({
        field: [field],
        message: `write the ESPHome object id alone (e.g. kitchen_gas, as in <node>/binary_sensor/kitchen_gas/state): no /, + or #`,
      });
  }
  if (kindReadingUnit(kind) === null && b.entityType === 'sensor')
    problems.push({ field: ['entityType'], message: `a ${kind} sensor reads a binary_sensor: write entityType: binary_sensor` });
  if (b.onMeans !== undefined && kind !== 'door')
    problems.push({ field: ['onMeans'], message: 'onMeans sets door polarity: it applies to door sensors only; remove it' });
  // A riser's pressure is a number; an ON/OFF pressure switch says nothing of which limit it crossed.
  if (kind === 'pressure' && b.entityType === 'binary_sensor')
    problems.push({ field: ['entityType'], message: 'a pressure sensor reads a number in bar: write entityType: sensor' });
  if (b.entityType === 'binary_sensor') {
    if (b.scale) problems.push({ field: ['scale'], message: 'scale reads numeric sensors, not a binary_sensor: remove it' });
    if (b.unit !== undefined) problems.push({ field: ['unit'], message: 'unit reads numeric sensors, not a binary_sensor: remove it' });
  } else if (kindReadingUnit(kind) !== null) {
    for (const p of readingProblems(esphomeReadingField(b), b, kindReadingUnit(kind), kind)) problems.push({ field: [p.at], message: p.message });
  }
  return problems;
}

function espRfid(b: Extract<SourceBinding, { adapter: 'esp_rfid' }>, kind: SensorKind): BindingProblem[] {
  const problems = topicProblems('topic', b.topic);
  if (kind !== 'door') problems.push({ field: ['adapter'], message: `esp-rfid is a door access controller: bind it to a door sensor, not ${kind}` });
  return problems;
}

export function checkSourceBinding(source: SourceBinding, kind: SensorKind): BindingProblem[] {
  switch (source.adapter) {
    case 'native':
      return [];
    case 'zigbee2mqtt':
      return zigbee2mqtt(source, kind);
    case 'tasmota':
      return tasmota(source, kind);
    case 'esphome':
      return esphome(source, kind);
    case 'esp_rfid':
      return espRfid(source, kind);
  }
}

/** What one binding owns; a second sensor claiming the same key is a duplicate. */
export function bindingClaims(source: SourceBinding, kind: SensorKind): BindingClaim[] {
  switch (source.adapter) {
    case 'native':
      return [];
    case 'zigbee2mqtt':
      // One sensor per detector the device carries: a smoke + CO detector is two sensors on one topic.
      return [
        {
          key: source.topic,
          what: `Zigbee2MQTT device topic for a ${kind} sensor`,
          field: ['topic'],
          instead: `a device feeds one sensor per kind it detects: bind each of its detectors once, or give this sensor its own device's topic`,
        },
      ];
    case 'tasmota':
      return [
        {
          key: `tele/${source.topic}/SENSOR ${deviceId(source.sensorKey ?? DEFAULT_SENSOR_KEY)}`,
          what: 'Tasmota topic and sensorKey',
          field: ['sensorKey'],
          instead: 'give each sensor its own sensorKey (the JSON path of its value, or its Zigbee device)',
        },
      ];
    case 'esphome':
      return [{ key: stateTopic(source), what: 'ESPHome entity', field: ['entity'], instead: 'give each sensor its own entity' }];
    case 'esp_rfid':
      return [
        {
          key: `${source.topic}/send${source.hostname === undefined ? '' : ` reader "${source.hostname.trim().toLowerCase()}"`}${source.door === undefined ? '' : ` door "${source.door}"`}`,
          what: 'esp-rfid topic, reader and door',
          field: source.door !== undefined ? ['door'] : source.hostname !== undefined ? ['hostname'] : ['topic'],
          instead: "give each reader sharing a topic its hostname, and each door of a multi-door controller its door (esp-rfid's doorName)",
        },
      ];
  }
}
