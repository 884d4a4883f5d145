/**
 * The fault suite's facility: one site of gas detectors carrying the load, one gas detector per
 * fault that raises the one alarm the fault is expected to deliver, a gas and a smoke detector
 * publishing retained state, a door whose device credential plays the intruder, and two Zigbee
 * devices behind a Zigbee2MQTT gateway.
 *
 * Heartbeats are a day long: a detector silent between two rows must not raise an offline alarm
 * that the suite would then count as unexpected.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadFacility } from '../../server/src/services/facility.loader.ts';

export const SITE = 'faults';
export const LOAD_SENSORS = Array.from({ length: 64 }, (_, i) => `F-GAS-${String(i).padStart(3, '0')}`);
/** One per load fault (rows 1-4): a reading at 25 %LEL, above `high` with no on-delay: exactly one alarm. */
export const ALARM_SENSORS = ['F-ALM-1', 'F-ALM-2', 'F-ALM-3', 'F-ALM-4'];
export const RETAINED_GAS = 'F-RET-GAS';
export const RETAINED_SMOKE = 'F-RET-SMK';
export const INTRUDER_DOOR = 'F-DOOR-01';
export const GATEWAY_ID = 'F-Z2M';
export const Z2M_BASE = 'zigbee2mqtt';
/** Bound Zigbee devices: sensor id → friendly name. */
export const Z2M_DEVICES = { 'Z-DOOR-01': 'Hall door', 'Z-SMK-01': 'Hall smoke' } as const;

function yaml(): string {
  const z2m = Object.entries(Z2M_DEVICES).map(
    ([id, name], i) =>
      `              - { id: ${id}, name: "${name}", kind: ${id.includes('DOOR') ? 'door' : 'smoke'}, x: ${300 + i * 40}, y: 500, source: { adapter: zigbee2mqtt, gateway: ${GATEWAY_ID}, topic: "${Z2M_BASE}/${name}" } }`,
  );
  return [
    'facility: { name: Fault suite }',
    'defaults:',
    '  gas: { heartbeatS: 86400, thresholds: { low: 10, high: 20, deadband: 2, lowOnDelayS: 2, highOnDelayS: 0, riseRate: 5, riseWindowS: 30 } }',
    '  smoke: { heartbeatS: 86400, batteryLowPct: 20 }',
    '  door: { heartbeatS: 86400, heldOpenS: 3600, batteryLowPct: 20 }',
    'sites:',
    `  - id: ${SITE}`,
    '    name: Fault suite site',
    '    timezone: UTC',
    '    gateways:',
    `      - { id: ${GATEWAY_ID}, name: Hall Zigbee bridge, adapter: zigbee2mqtt, zone: gateway }`,
    '    floors:',
    `      - id: ${SITE}-1f`,
    '        name: Floor',
    '        plan: plans/faults.svg',
    '        zones:',
    '          - id: load',
    '            name: Load',
    '            sensors:',
    ...LOAD_SENSORS.map((id, i) => `              - { id: ${id}, name: "Gas ${i}", kind: gas, x: ${10 + (i % 16) * 50}, y: ${10 + Math.floor(i / 16) * 50} }`),
    '          - id: faults',
    '            name: Fault alarms',
    '            sensors:',
    ...ALARM_SENSORS.map((id, i) => `              - { id: ${id}, name: "Alarm ${i + 1}", kind: gas, x: ${10 + i * 50}, y: 300 }`),
    `              - { id: ${RETAINED_GAS}, name: Retained gas, kind: gas, x: 300, y: 300 }`,
    `              - { id: ${RETAINED_SMOKE}, name: Retained smoke, kind: smoke, x: 350, y: 300 }`,
    `              - { id: ${INTRUDER_DOOR}, name: Door, kind: door, x: 400, y: 300 }`,
    '          - id: gateway',
    '            name: Zigbee',
    '            sensors:',
    ...z2m,
    '',
  ].join('\n');
}

/** Writes the facility into `dir` and checks it with the server's own loader (file, line and reason if it is bad). */
export function writeFaultFacility(dir: string): string {
  fs.mkdirSync(path.join(dir, 'plans'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'plans/faults.svg'),
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1000 600"><rect width="1000" height="600" fill="none" stroke="#888"/></svg>',
  );
  const file = path.join(dir, 'facility.yaml');
  fs.writeFileSync(file, yaml());
  loadFacility(file);
  return file;
}
