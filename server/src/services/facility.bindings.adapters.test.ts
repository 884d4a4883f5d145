// Tasmota, ESPHome and esp-rfid bindings at load: a value whose unit Vigil cannot know needs a
// scale or a unit, a device time zone must be a real one, and every refusal names what to write
// instead — reported with file, line and path like every other registry problem
// (docs/contracts.md#device-adapters).
import { describe, expect, it } from 'vitest';
import { facilityFiles } from '../../../test/support/facility.files.ts';

const { problems } = facilityFiles('vigil-adapter-bindings-');

const gas = (id: string, source: string) => `{ id: ${id}, name: G, kind: gas, x: 1, y: 1, source: ${source} }`;

describe('Tasmota analog values', () => {
  // https://tasmota.github.io/docs/ADC/: `{"ANALOG":{"A0":1024}}` is the ADC count (0–1023 on an ESP8266); older
  // firmware writes it as `"Analog0":4`. Stored unscaled, 4 counts would read as 4 %LEL.
  it('refuses every analog key without a scale, at its line, saying what to write', () => {
    const found = problems([
      gas('T1', '{ adapter: tasmota, topic: t1 }'),
      gas('T2', '{ adapter: tasmota, topic: t2, sensorKey: Analog0 }'),
      gas('T3', '{ adapter: tasmota, topic: t3, sensorKey: ANALOG.A1 }'),
      gas('T4', '{ adapter: tasmota, topic: t4, sensorKey: Analog0, scale: { from: [0, 1024], to: [0, 100] } }'),
    ]);
    expect(found).toEqual([
      expect.stringMatching(/^19 sensors\[0\]\.source\.scale: ANALOG\.A0 is a raw device value with no unit: set scale: \{ from: /),
      expect.stringMatching(/^20 sensors\[1\]\.source\.scale: Analog0 is a raw device value with no unit: set scale: /),
      expect.stringMatching(/^21 sensors\[2\]\.source\.scale: ANALOG\.A1 is a raw device value with no unit: set scale: /),
    ]);
  });

  it('wants the unit of any other telemetry key, and takes it when given', () => {
    expect(problems([gas('T1', '{ adapter: tasmota, topic: t1, sensorKey: MQ2.Gas }')])).toEqual([
      '19 sensors[0].source.unit: Vigil cannot tell which unit MQ2.Gas is published in: set unit: %LEL if it is %LEL, or scale: { from: [<raw at 0 %LEL>, <raw at 100 %LEL>], to: [0, 100] } for a raw value',
    ]);
    expect(problems([gas('T1', '{ adapter: tasmota, topic: t1, sensorKey: MQ2.Gas, unit: "%LEL" }')])).toEqual([]);
  });
});

describe('ESPHome sensor entities', () => {
  // https://esphome.io/components/sensor/adc.html: an ADC sensor publishes volts (an MQ-2's analog pin: 2.5 V on a real
  // leak), and nothing in `<node>/sensor/<id>/state` says so. Stored as %LEL, 2.5 sits below any low threshold.
  it('refuses a sensor entity with neither unit nor scale, and takes either', () => {
    expect(problems([gas('E1', '{ adapter: esphome, node: n, entity: mq2_volts, entityType: sensor }')])).toEqual([
      '19 sensors[0].source.unit: Vigil cannot tell which unit the ESPHome sensor n/sensor/mq2_volts is published in: set unit: %LEL if it is %LEL, or scale: { from: [<raw at 0 %LEL>, <raw at 100 %LEL>], to: [0, 100] } for a raw value',
    ]);
    expect(
      problems([
        gas('E1', '{ adapter: esphome, node: n, entity: mq2_volts, entityType: sensor, scale: { from: [0.1, 3.3], to: [0, 100] } }'),
        gas('E2', '{ adapter: esphome, node: n, entity: kitchen_lel, entityType: sensor, unit: "%LEL" }'),
        gas('E3', '{ adapter: esphome, node: n, entity: kitchen_gas, entityType: binary_sensor }'),
      ]),
    ).toEqual([]);
  });

  it('refuses a unit that is not the sensor kind, and a unit or scale on a binary_sensor', () => {
    expect(
      problems([
        gas('E1', '{ adapter: esphome, node: n, entity: co_ppm, entityType: sensor, unit: ppm }'),
        gas('E2', '{ adapter: esphome, node: n, entity: kitchen_gas, entityType: binary_sensor, unit: "%LEL" }'),
      ]),
    ).toEqual([
      '19 sensors[0].source.unit: the ESPHome sensor n/sensor/co_ppm in ppm cannot become %LEL (what gas sensors store): set unit to one of %LEL, or scale: { from: [<raw at 0 %LEL>, <raw at 100 %LEL>], to: [0, 100] }',
      '20 sensors[1].source.unit: unit reads numeric sensors, not a binary_sensor: remove it',
    ]);
  });
});

describe('device time zone', () => {
  // https://tasmota.github.io/docs/Commands/#timezone: the device keeps its own zone; its `Time` carries none.
  it('takes an IANA zone and refuses anything else, at its line', () => {
    const scale = 'scale: { from: [0, 1024], to: [0, 100] }';
    expect(
      problems([
        gas('T1', `{ adapter: tasmota, topic: t1, ${scale}, timezone: UTC }`),
        gas('T2', `{ adapter: tasmota, topic: t2, ${scale}, timezone: Europe/Berlin }`),
      ]),
    ).toEqual([]);
    expect(problems([gas('T1', `{ adapter: tasmota, topic: t1, ${scale}, timezone: "+08:00" }`)])).toEqual([
      '19 sensors[0].source.timezone: unknown IANA time zone "+08:00": write e.g. Asia/Shanghai, or UTC for a device left on UTC',
    ]);
  });
});

describe('Tasmota topics', () => {
  // A per-device Zigbee topic (SetOption89: tele/<topic>/<shortaddr>/SENSOR) copied into `topic`: the refusal
  // names the parts of what the user wrote, not tele/ and /SENSOR they did not write.
  it('says what to write for a per-device topic and for a whole telemetry topic', () => {
    expect(
      problems([
        '{ id: D1, name: D, kind: door, x: 1, y: 1, source: { adapter: tasmota, topic: SonoffZB/E30B } }',
        gas('T1', '{ adapter: tasmota, topic: tele/kitchen/SENSOR, scale: { from: [0, 1024], to: [0, 100] } }'),
      ]),
    ).toEqual([
      '19 sensors[0].source.topic: "SonoffZB/E30B" is more than a Tasmota Topic: write topic: SonoffZB and sensorKey: "0xE30B" (a Zigbee device\'s own topic, SetOption89, is read from the bridge\'s Topic and the device)',
      '19 sensors[0].source.sensorKey: a door sensor on a Tasmota is a Zigbee device behind its bridge: set sensorKey to its short address (0x1234) or name',
      '20 sensors[1].source.topic: "tele/kitchen/SENSOR" is more than a Tasmota Topic: write topic: kitchen (the Tasmota Topic alone; Vigil adds tele/ and /SENSOR, /STATE, /LWT)',
    ]);
  });
});

describe('one device, one sensor', () => {
  const door = (id: string, source: string) => `{ id: ${id}, name: D, kind: door, x: 1, y: 1, source: ${source} }`;

  // src/mqtt.esp: every reader names itself in its messages (hostname, or door on access), so readers may share a topic.
  it('lets readers share an esp-rfid topic when each names its hostname, and refuses two bindings of one reader', () => {
    expect(
      problems([
        door('R1', '{ adapter: esp_rfid, topic: /rfid/floor2, hostname: esp-rfid-201 }'),
        door('R2', '{ adapter: esp_rfid, topic: /rfid/floor2, hostname: esp-rfid-202 }'),
      ]),
    ).toEqual([]);
    expect(
      problems([
        door('R1', '{ adapter: esp_rfid, topic: /rfid/floor2, hostname: esp-rfid-201 }'),
        door('R2', '{ adapter: esp_rfid, topic: /rfid/floor2, hostname: ESP-RFID-201 }'),
      ]),
    ).toEqual([
      expect.stringMatching(/^20 sensors\[1\]\.source\.hostname: duplicate esp-rfid topic, reader and door .*give each reader sharing a topic its hostname/),
    ]);
  });

  // Tasmota prints short addresses as 0x662E; ZbName accepts 0x662e. Both name one device.
  it('takes a Tasmota short address in any case as one device', () => {
    expect(
      problems([
        door('T1', '{ adapter: tasmota, topic: SonoffZB, sensorKey: "0x662E" }'),
        door('T2', '{ adapter: tasmota, topic: SonoffZB, sensorKey: "0x662e" }'),
      ]),
    ).toEqual([expect.stringMatching(/^20 sensors\[1\]\.source\.sensorKey: duplicate Tasmota topic and sensorKey/)]);
  });
});
