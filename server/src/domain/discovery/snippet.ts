/**
 * The `facility.yaml` lines that bind a found device: one `sensors:` entry per detector it
 * carries, with its adapter's source fields filled in and what only a person can know — the id,
 * the position on the plan, a raw value's calibration — left as marked placeholders. Strings are
 * written as JSON strings, which YAML reads as double-quoted scalars, so any name is safe to paste.
 */
import { ID_PATTERN, KIND_UNITS, type DiscoveryBinding, type Gateway } from '../../../../contract/index.ts';
import type { FoundDevice } from './found-devices.ts';

const KIND_SUFFIX = { gas: 'GAS', co: 'CO', smoke: 'SMK', door: 'DR', leak: 'LEAK', waterflow: 'FLOW', valve: 'VLV', pump: 'PUMP', pressure: 'PRS' } as const;
const q = (s: string): string => JSON.stringify(s);

/** A sensor id suggested from the device's name: upper case, other characters as `-`, within the id pattern. */
export function suggestedId(name: string, binding: DiscoveryBinding, several: boolean): string {
  const base = name
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .toUpperCase()
    .slice(0, 50);
  const id = `${base || 'DEVICE'}${several ? `-${KIND_SUFFIX[binding.kind]}` : ''}`;
  return ID_PATTERN.test(id) ? id : `DEVICE-${KIND_SUFFIX[binding.kind]}`;
}

/** The `source:` of one binding, or null when the device's adapter cannot be bound this way. */
export function sourceFor(gateway: Gateway, d: Pick<FoundDevice, 'key' | 'topic'>, b: DiscoveryBinding): string | null {
  const scale = b.needsScale ? ', scale: { from: [0, 1023], to: [0, 100] }' : '';
  switch (gateway.adapter) {
    case 'zigbee2mqtt':
      return d.topic === null ? null : `{ adapter: zigbee2mqtt, gateway: ${gateway.id}, topic: ${q(d.topic)}${scale} }`;
    case 'tasmota': {
      const key = d.key.replace(/^(analog|zigbee):/, '');
      return `{ adapter: tasmota, gateway: ${gateway.id}, topic: ${q(gateway.topic)}, sensorKey: ${q(key)}${scale} }`;
    }
    case 'esphome': {
      const [entityType, , entity] = d.key.split('/');
      if ((entityType !== 'binary_sensor' && entityType !== 'sensor') || entity === undefined) return null;
      // A sensor entity's number has no unit Vigil can see: without a scale, it is the kind's unit (its unit_of_measurement said so).
      const unit = entityType === 'sensor' && !b.needsScale && KIND_UNITS[b.kind] !== null ? `, unit: ${q(KIND_UNITS[b.kind]!)}` : '';
      return `{ adapter: esphome, gateway: ${gateway.id}, node: ${q(gateway.node)}, entity: ${q(entity)}, entityType: ${entityType}${scale}${unit} }`;
    }
    case 'esp_rfid':
      return null;
  }
}

export function snippetFor(d: FoundDevice): string {
  const name = d.name ?? d.key;
  const model = [d.vendor, d.model].filter((s) => s !== null).join(' ');
  const lines: string[] = [];
  for (const b of d.bindings) {
    const source = sourceFor(d.gateway, d, b);
    if (source === null) continue;
    const label = d.bindings.length > 1 ? `${name} (${b.kind})` : name;
    lines.push(
      `- id: ${suggestedId(name, b, d.bindings.length > 1)} # choose the sensor id`,
      `  name: ${q(label)}`,
      `  kind: ${b.kind}`,
      ...(model ? [`  model: ${q(model)}`] : []),
      '  x: 0 # place it on the floor plan',
      '  y: 0',
      `  source: ${source}`,
    );
    if (b.needsScale) lines.push(`  # ${b.property} is a raw value: set scale.from and scale.to from the detector's calibration before use`);
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
