// Water-leak detectors through each device adapter: the documented wet/dry forms become the
// `leak` / `leak_clear` events of a leak sensor (docs/contracts.md#device-adapters).
import { describe, expect, it } from 'vitest';
import type { Facility } from '../../../../contract/index.ts';
import { Registry } from '../registry.ts';
import { EsphomeDecoder } from './esphome.decoder.ts';
import { TasmotaDecoder } from './tasmota.decoder.ts';
import { Zigbee2mqttDecoder } from './zigbee2mqtt.decoder.ts';
import { adapterSensor, eventsOf, feed, statusesOf } from '../../../../test/support/decoder.fixtures.ts';

const sensors = [
  adapterSensor('Z-LEAK', 'leak', { adapter: 'zigbee2mqtt', topic: 'zigbee2mqtt/Basement leak' }),
  // The same water_leak property on a sensor bound as another kind stays a device fault.
  adapterSensor('Z-SMK', 'smoke', { adapter: 'zigbee2mqtt', topic: 'zigbee2mqtt/Plant room detector' }),
  adapterSensor('T-LEAK', 'leak', { adapter: 'tasmota', topic: 'SonoffZB', sensorKey: '0x3C4D' }),
  adapterSensor('E-LEAK', 'leak', { adapter: 'esphome', node: 'plant-node', entity: 'basement_leak', entityType: 'binary_sensor' }),
];
const facility: Facility = { name: 'Leaks', sites: [{ id: 'hq', name: 'HQ', timezone: 'Asia/Shanghai', floors: [] }], sensors, schedules: {}, sops: {} };
const registry = () => new Registry(facility);

describe('Zigbee2MQTT water leak detectors', () => {
  // https://www.zigbee2mqtt.io/devices/TS0207_water_leak_detector_3.html: exposes water_leak (binary,
  // "If value equals true water leak is ON, if false OFF"), battery_low, battery, tamper.
  it('turns water_leak true/false into leak / leak_clear on a leak sensor, once per change', () => {
    const send = feed(new Zigbee2mqttDecoder(), registry());
    const wet = send('zigbee2mqtt/Basement leak', { water_leak: true, battery_low: false, battery: 100, tamper: false, linkquality: 80 });
    expect(eventsOf(wet)).toContain('Z-LEAK leak');
    expect(eventsOf(wet)).not.toContain('Z-LEAK fault');
    expect(statusesOf(wet)).toEqual([{ sensorId: 'Z-LEAK', battery: 100 }]);
    // Zigbee2MQTT repeats the whole state: still wet is no new event.
    expect(eventsOf(send('zigbee2mqtt/Basement leak', { water_leak: true, battery: 100 }))).toEqual([]);
    expect(eventsOf(send('zigbee2mqtt/Basement leak', { water_leak: false, battery: 100 }))).toEqual(['Z-LEAK leak_clear']);
  });

  it('does not raise a leak on a sensor bound as another kind', () => {
    const send = feed(new Zigbee2mqttDecoder(), registry());
    expect(eventsOf(send('zigbee2mqtt/Plant room detector', { water_leak: true }))).not.toContain('Z-SMK leak');
  });
});

describe('Tasmota Zigbee water leak detectors', () => {
  // Tasmota Zigbee (https://tasmota.github.io/docs/Zigbee/): an IAS zone water sensor reports
  // `"Water":1` when wet and `"Water":0` when dry in its ZbReceived entry.
  it('turns Water 1/0 into leak / leak_clear on a leak sensor', () => {
    const send = feed(new TasmotaDecoder(), registry());
    const report = (water: 0 | 1) => ({
      ZbReceived: {
        '0x3C4D': {
          Device: '0x3C4D',
          '0500<00': `0${water}0000010000`,
          ZoneStatusChange: water,
          ZoneStatusChangeZone: 1,
          Water: water,
          Endpoint: 1,
          LinkQuality: 120,
        },
      },
    });
    const wet = eventsOf(send('tele/SonoffZB/SENSOR', report(1)));
    expect(wet).toContain('T-LEAK leak');
    expect(wet).not.toContain('T-LEAK fault');
    expect(eventsOf(send('tele/SonoffZB/SENSOR', report(0)))).toContain('T-LEAK leak_clear');
  });
});

describe('Tasmota Zigbee water leak detectors on their own topics', () => {
  // https://tasmota.github.io/docs/Zigbee/: with SetOption89 1 each device reports on
  // tele/<topic>/<shortaddr>/SENSOR.
  it('hears a leak sensor on its device topic', () => {
    const send = feed(new TasmotaDecoder(), registry());
    expect(eventsOf(send('tele/SonoffZB/3C4D/SENSOR', { ZbReceived: { '0x3C4D': { Device: '0x3C4D', Water: 1 } } }))).toEqual(['T-LEAK leak']);
  });
});

describe('ESPHome moisture binary sensors', () => {
  // https://esphome.io/components/binary_sensor/: device_class moisture — ON means wet, OFF dry;
  // state on <topic_prefix>/binary_sensor/<name>/state (https://esphome.io/components/mqtt.html).
  it('turns ON/OFF into leak / leak_clear', () => {
    const send = feed(new EsphomeDecoder(), registry());
    expect(eventsOf(send('plant-node/binary_sensor/basement_leak/state', 'ON'))).toEqual(['E-LEAK leak']);
    expect(eventsOf(send('plant-node/binary_sensor/basement_leak/state', 'OFF'))).toEqual(['E-LEAK leak_clear']);
  });
});
