/** A registry of adapter-bound sensors for the adapters' unit tests. */
import { KIND_UNITS, type Facility, type Observation, type Sensor, type SensorKind, type SourceBinding } from '../../contract/index.ts';
import type { DecodeContext, Decoded, TopicDecoder } from '../../server/src/domain/observation.decode.ts';
import { Registry } from '../../server/src/domain/registry.ts';

/** 2026-11-27 10:00:00 in Asia/Shanghai (UTC+8), the fixture site's zone. */
export const NOW = Date.UTC(2026, 10, 27, 2, 0, 0);

/** An adapter-bound sensor on floor f1 of site hq; doors are in zone `doors`, the rest in `kitchen`, unless `zoneId` says. */
export function adapterSensor(id: string, kind: SensorKind, source: SourceBinding, zoneId = kind === 'door' ? 'doors' : 'kitchen'): Sensor {
  return {
    id,
    name: id,
    kind,
    siteId: 'hq',
    floorId: 'f1',
    zoneId,
    secureZone: false,
    x: 0,
    y: 0,
    unit: KIND_UNITS[kind],
    thresholds: null,
    heartbeatS: 60,
    heldOpenS: kind === 'door' ? 60 : null,
    leakOnDelayS: kind === 'leak' ? 0 : null,
    batteryLowPct: 20,
    schedule: null,
    source,
  };
}

const sensor = adapterSensor;

export const adapterSensors: Sensor[] = [
  sensor('Z-SMK', 'smoke', { adapter: 'zigbee2mqtt', topic: 'zigbee2mqtt/Guesthouse 201 smoke' }),
  sensor('Z-SMK-RAW', 'smoke', { adapter: 'zigbee2mqtt', topic: 'zigbee2mqtt/Guesthouse 202 smoke', scale: { from: [0, 255], to: [0, 20] } }),
  sensor('Z-GAS', 'gas', { adapter: 'zigbee2mqtt', topic: 'zigbee2mqtt/Kitchen gas' }),
  // A friendly name with `/` in it, under a base topic with `/` in it.
  sensor('Z-CO', 'co', { adapter: 'zigbee2mqtt', topic: 'east/z2m/Kitchen/CO detector', baseTopic: 'east/z2m' }),
  sensor('Z-DOOR', 'door', { adapter: 'zigbee2mqtt', topic: 'zigbee2mqtt/Dorm side door' }),
  sensor('Z-PLANT', 'smoke', { adapter: 'zigbee2mqtt', topic: 'zigbee2mqtt/Plant room detector' }),
  sensor('T-GAS', 'gas', { adapter: 'tasmota', topic: 'tasmota_8C3D2E', scale: { from: [0, 1024], to: [0, 100] } }),
  sensor('T-CO', 'co', { adapter: 'tasmota', topic: 'tasmota_co', sensorKey: 'MQ7.CO', unit: 'ppm' }),
  sensor('T-DOOR', 'door', { adapter: 'tasmota', topic: 'SonoffZB', sensorKey: '0x662E' }),
  sensor('T-DOOR-NAMED', 'door', { adapter: 'tasmota', topic: 'SonoffZB', sensorKey: 'Tuya_Door_Sensor' }),
  sensor('T-SMK', 'smoke', { adapter: 'tasmota', topic: 'SonoffZB', sensorKey: '0x1A2B' }),
  sensor('E-GAS', 'gas', { adapter: 'esphome', node: 'canteen-node', entity: 'kitchen_gas', entityType: 'binary_sensor', problemEntity: 'kitchen_gas_fault' }),
  sensor('E-LEL', 'gas', { adapter: 'esphome', node: 'canteen-node', entity: 'kitchen_gas_lel', entityType: 'sensor', unit: '%LEL' }),
  sensor('E-SMK', 'smoke', { adapter: 'esphome', node: 'guesthouse-node', entity: 'room_101_smoke', entityType: 'binary_sensor' }),
  sensor('E-DOOR', 'door', { adapter: 'esphome', node: 'office-node', entity: 'server_room_door', entityType: 'binary_sensor' }),
  sensor('E-DOOR-NC', 'door', { adapter: 'esphome', node: 'office-node', entity: 'store_door', entityType: 'binary_sensor', onMeans: 'closed' }),
  sensor('R-DOOR', 'door', { adapter: 'esp_rfid', topic: '/rfid/server-room' }),
  sensor('R-FRONT', 'door', { adapter: 'esp_rfid', topic: '/rfid/lobby', door: 'Front' }),
  sensor('R-BACK', 'door', { adapter: 'esp_rfid', topic: '/rfid/lobby', door: 'Back' }),
];

export function adapterRegistry(): Registry {
  const facility: Facility = {
    name: 'Adapters',
    sites: [{ id: 'hq', name: 'HQ', timezone: 'Asia/Shanghai', floors: [] }],
    sensors: adapterSensors,
    schedules: {},
    sops: {},
  };
  return new Registry(facility);
}

export function context(registry: Registry, now = NOW): DecodeContext {
  return { registry, now, maxAgeMs: 30 * 86_400_000, source: 'mqtt' };
}

/** Decodes a message the way the ingest service does: subscriptions first, then match, then decode. */
export function feed(decoder: TopicDecoder, registry: Registry) {
  decoder.subscriptions(registry);
  return (topic: string, payload: string | object, now = NOW): Decoded => {
    if (!decoder.matches(topic)) throw new Error(`${decoder.name} does not match ${topic}`);
    return decoder.decode(topic, Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)), context(registry, now));
  };
}

/** `sensorId type` of each event, in order: what a test reads at a glance. */
export const eventsOf = (d: Decoded): string[] => d.observations.flatMap((o: Observation) => (o.channel === 'event' ? [`${o.sensorId} ${o.type}`] : []));
export const readingsOf = (d: Decoded) =>
  d.observations.flatMap((o) => (o.channel === 'reading' ? [{ sensorId: o.sensorId, value: o.value, unit: o.unit }] : []));
export const statusesOf = (d: Decoded) =>
  d.observations.flatMap((o) =>
    o.channel === 'status'
      ? [
          {
            sensorId: o.sensorId,
            ...(o.online !== undefined && { online: o.online }),
            ...(o.battery !== undefined && { battery: o.battery }),
            ...(o.rssi !== undefined && { rssi: o.rssi }),
          },
        ]
      : [],
  );
