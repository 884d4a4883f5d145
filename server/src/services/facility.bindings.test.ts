// Bindings are validated at load — adapter-specific fields present, a scale for raw
// analog values, exact and unique topics — and reported with file, line and path like every
// other registry problem (docs/contracts.md#device-adapters).
import { describe, expect, it } from 'vitest';
import { loadFacility } from './facility.loader.ts';
import { facilityFiles } from '../../../test/support/facility.files.ts';

const files = facilityFiles('vigil-bindings-');
const facility = files.write;
const problems = files.problems;

describe('device adapter bindings in the registry', () => {
  it('loads one sensor per adapter, with the binding as written', () => {
    const loaded = loadFacility(
      facility([
        '{ id: Z1, name: Z, kind: smoke, x: 1, y: 1, source: { adapter: zigbee2mqtt, topic: "zigbee2mqtt/Guesthouse 201 smoke" } }',
        '{ id: Z2, name: Z, kind: co, x: 1, y: 1, source: { adapter: zigbee2mqtt, topic: "east/z2m/Kitchen/CO", baseTopic: east/z2m } }',
        '{ id: T1, name: T, kind: gas, x: 1, y: 1, source: { adapter: tasmota, topic: tasmota_8C3D2E, scale: { from: [0, 1024], to: [0, 100] } } }',
        '{ id: T2, name: T, kind: door, x: 1, y: 1, source: { adapter: tasmota, topic: tasmota_8C3D2E, sensorKey: "0x662E" } }',
        '{ id: E1, name: E, kind: door, x: 1, y: 1, source: { adapter: esphome, node: office-node, entity: server_room_door, entityType: binary_sensor, onMeans: closed } }',
        '{ id: R1, name: R, kind: door, x: 1, y: 1, source: { adapter: esp_rfid, topic: /rfid/server-room } }',
      ]),
    );
    expect(loaded.facility.sensors.map((s) => s.source.adapter)).toEqual(['zigbee2mqtt', 'zigbee2mqtt', 'tasmota', 'tasmota', 'esphome', 'esp_rfid']);
    expect(loaded.facility.sensors[2]?.source).toEqual({ adapter: 'tasmota', topic: 'tasmota_8C3D2E', scale: { from: [0, 1024], to: [0, 100] } });
  });

  it('needs a scale for raw analog values and the fields each adapter needs for the kind', () => {
    expect(
      problems([
        '{ id: T1, name: T, kind: gas, x: 1, y: 1, source: { adapter: tasmota, topic: tasmota_8C3D2E } }',
        '{ id: T2, name: T, kind: door, x: 1, y: 1, source: { adapter: tasmota, topic: zbbridge } }',
        '{ id: E1, name: E, kind: door, x: 1, y: 1, source: { adapter: esphome, node: office-node, entity: door, entityType: sensor } }',
        '{ id: E2, name: E, kind: gas, x: 1, y: 1, source: { adapter: esphome, node: n, entity: gas, entityType: binary_sensor, onMeans: open } }',
        '{ id: R1, name: R, kind: gas, x: 1, y: 1, source: { adapter: esp_rfid, topic: /rfid/a } }',
      ]),
    ).toEqual([
      expect.stringMatching(/^19 sensors\[0\]\.source\.scale: ANALOG\.A0 is a raw device value with no unit: set scale: /),
      '20 sensors[1].source.sensorKey: a door sensor on a Tasmota is a Zigbee device behind its bridge: set sensorKey to its short address (0x1234) or name',
      '21 sensors[2].source.entityType: a door sensor reads a binary_sensor: write entityType: binary_sensor',
      '22 sensors[3].source.onMeans: onMeans sets door polarity: it applies to door sensors only; remove it',
      '23 sensors[4].source.adapter: esp-rfid is a door access controller: bind it to a door sensor, not gas',
    ]);
    // A missing field the schema itself requires: reported at the binding, by the schema.
    expect(problems(['{ id: E3, name: E, kind: door, x: 1, y: 1, source: { adapter: esphome, node: n, entityType: binary_sensor } }'])).toEqual([
      '19 sensors[0].source.entity: required (expected string)',
    ]);
  });

  it('wants exact, unique topics outside vigil/', () => {
    expect(
      problems([
        '{ id: Z1, name: Z, kind: smoke, x: 1, y: 1, source: { adapter: zigbee2mqtt, topic: "Kitchen smoke" } }',
        '{ id: Z2, name: Z, kind: smoke, x: 1, y: 1, source: { adapter: zigbee2mqtt, topic: "zigbee2mqtt/+" } }',
        '{ id: Z3, name: Z, kind: smoke, x: 1, y: 1, source: { adapter: zigbee2mqtt, topic: "zigbee2mqtt/Hall smoke/availability" } }',
        '{ id: Z4, name: Z, kind: smoke, x: 1, y: 1, source: { adapter: zigbee2mqtt, topic: "zigbee2mqtt/Hall smoke" } }',
        '{ id: Z5, name: Z, kind: smoke, x: 1, y: 1, source: { adapter: zigbee2mqtt, topic: "zigbee2mqtt/Hall smoke" } }',
        '{ id: R1, name: R, kind: door, x: 1, y: 1, source: { adapter: esp_rfid, topic: vigil/doors } }',
        '{ id: T1, name: T, kind: gas, x: 1, y: 1, source: { adapter: tasmota, topic: tele/tasmota_1/SENSOR, sensorKey: MQ2.Gas, unit: "%LEL" } }',
      ]),
    ).toEqual([
      '19 sensors[0].source.topic: the full device topic, <base_topic>/<friendly_name> (e.g. "zigbee2mqtt/Kitchen gas")',
      '20 sensors[1].source.topic: names one device exactly: write its own topic without MQTT wildcards (+, #); a gateway under gateways: takes a whole tree',
      '21 sensors[2].source.topic: "zigbee2mqtt/Hall smoke/availability" is not a device\'s state topic: write topic: "zigbee2mqtt/Hall smoke" (Vigil adds /availability itself)',
      '23 sensors[4].source.topic: duplicate Zigbee2MQTT device topic for a smoke sensor "zigbee2mqtt/Hall smoke": already used at sites[0].floors[0].zones[0].sensors[3].source.topic; a device feeds one sensor per kind it detects: bind each of its detectors once, or give this sensor its own device\'s topic',
      "24 sensors[5].source.topic: vigil/… is Vigil's native topic tree: bind those sensors without an adapter",
      expect.stringMatching(/^25 sensors\[6\]\.source\.topic: /),
    ]);
  });

  // A combined smoke + CO detector (e.g. https://www.zigbee2mqtt.io/devices/HS1SA.html family; exposes smoke and
  // carbon_monoxide on one state topic) is one sensor per detector it carries.
  it('lets one Zigbee2MQTT device topic feed one sensor of each kind', () => {
    const loaded = loadFacility(
      facility([
        '{ id: H-SMK, name: H, kind: smoke, x: 1, y: 1, source: { adapter: zigbee2mqtt, topic: "zigbee2mqtt/Hall combo" } }',
        '{ id: H-CO, name: H, kind: co, x: 1, y: 1, source: { adapter: zigbee2mqtt, topic: "zigbee2mqtt/Hall combo" } }',
      ]),
    );
    expect(loaded.facility.sensors.map((s) => `${s.id} ${s.kind}`)).toEqual(['H-SMK smoke', 'H-CO co']);
  });

  // A raw number is never an engineering unit: JTQJ-BF-01LM/BW's gas_density ("Value of gas concentration", no unit)
  // and smoke_density are raw; a scale or a unit must make them a reading in the sensor's unit, or the binding is refused.
  it('refuses a scale or unit that cannot make a reading in the sensor unit, saying what to write', () => {
    expect(
      problems([
        '{ id: Z1, name: Z, kind: door, x: 1, y: 1, source: { adapter: zigbee2mqtt, topic: "zigbee2mqtt/Door", scale: { from: [0, 1], to: [0, 1] } } }',
        '{ id: Z2, name: Z, kind: co, x: 1, y: 1, source: { adapter: zigbee2mqtt, topic: "zigbee2mqtt/CO", scale: { from: [0, 255], to: [0, 1000] } } }',
        '{ id: Z3, name: Z, kind: gas, x: 1, y: 1, source: { adapter: zigbee2mqtt, topic: "zigbee2mqtt/Gas", unit: ppm } }',
        '{ id: Z4, name: Z, kind: gas, x: 1, y: 1, source: { adapter: zigbee2mqtt, topic: "zigbee2mqtt/Gas 2", unit: "%LEL", scale: { from: [0, 255], to: [0, 100] } } }',
      ]),
    ).toEqual([
      '19 sensors[0].source.scale: door sensors store no readings: remove scale',
      "20 sensors[1].source.scale: Zigbee2MQTT publishes a co sensor's values in documented units, co (ppm), co_ppm (ppm): remove scale",
      '21 sensors[2].source.unit: gas_density in ppm cannot become %LEL (what gas sensors store): set unit to one of %LEL, or scale: { from: [<raw at 0 %LEL>, <raw at 100 %LEL>], to: [0, 100] }',
      '22 sensors[3].source.unit: give either scale (a raw value mapped to %LEL) or unit (the unit gas_density is published in), not both',
    ]);
    expect(problems(['{ id: Z5, name: Z, kind: gas, x: 1, y: 1, source: { adapter: zigbee2mqtt, topic: "zigbee2mqtt/Gas 3", unit: parts } }'])).toEqual([
      '19 sensors[0].source.unit: unit must be one of %LEL, ppm, °C, %RH, %obs/m, bar, dB/m',
    ]);
    // The documented forms load: a raw density with its calibration, the Aqara's %LEL, dB/m is converted by formula.
    expect(
      problems([
        '{ id: Z1, name: Z, kind: gas, x: 1, y: 1, source: { adapter: zigbee2mqtt, topic: "zigbee2mqtt/Mijia gas", scale: { from: [0, 1000], to: [0, 100] } } }',
        '{ id: Z2, name: Z, kind: gas, x: 1, y: 1, source: { adapter: zigbee2mqtt, topic: "zigbee2mqtt/Aqara gas", unit: "%LEL" } }',
        '{ id: Z3, name: Z, kind: smoke, x: 1, y: 1, source: { adapter: zigbee2mqtt, topic: "zigbee2mqtt/Aqara smoke", unit: dB/m } }',
      ]),
    ).toEqual([]);
  });
});
