// Sprinkler switches and the riser's pressure through each device adapter
// (docs/contracts.md#sprinkler-supervision): a flow switch, a valve's supervisory switch and a fire
// pump's run contact become their events; a pressure transmitter becomes readings in bar.
import { describe, expect, it } from 'vitest';
import type { Facility } from '../../../../contract/index.ts';
import { Registry } from '../registry.ts';
import { EsphomeDecoder } from './esphome.decoder.ts';
import { TasmotaDecoder } from './tasmota.decoder.ts';
import { Zigbee2mqttDecoder } from './zigbee2mqtt.decoder.ts';
import { adapterSensor, eventsOf, feed, readingsOf } from '../../../../test/support/decoder.fixtures.ts';

const sensors = [
  adapterSensor('E-FLOW', 'waterflow', { adapter: 'esphome', node: 'riser-node', entity: 'flow_switch', entityType: 'binary_sensor' }),
  adapterSensor('E-VALVE', 'valve', { adapter: 'esphome', node: 'riser-node', entity: 'zone_valve', entityType: 'binary_sensor' }),
  adapterSensor('E-PUMP', 'pump', { adapter: 'esphome', node: 'riser-node', entity: 'pump_running', entityType: 'binary_sensor' }),
  adapterSensor('E-PRS', 'pressure', { adapter: 'esphome', node: 'riser-node', entity: 'riser_pressure', entityType: 'sensor', unit: 'bar' }),
  adapterSensor('Z-FLOW', 'waterflow', { adapter: 'zigbee2mqtt', topic: 'zigbee2mqtt/Riser flow switch' }),
  adapterSensor('Z-VALVE', 'valve', { adapter: 'zigbee2mqtt', topic: 'zigbee2mqtt/Riser valve' }),
  adapterSensor('T-FLOW', 'waterflow', { adapter: 'tasmota', topic: 'riser_io' }),
  adapterSensor('T-VALVE', 'valve', { adapter: 'tasmota', topic: 'riser_io', sensorKey: 'Switch2' }),
];
const facility: Facility = { name: 'Sprinklers', sites: [{ id: 'hq', name: 'HQ', timezone: 'Asia/Shanghai', floors: [] }], sensors, schedules: {}, sops: {} };
const registry = () => new Registry(facility);

describe('ESPHome binary sensors and sensors on a riser', () => {
  // https://esphome.io/components/binary_sensor/: ON/OFF on <node>/binary_sensor/<id>/state;
  // a sensor's number on <node>/sensor/<id>/state (https://esphome.io/components/mqtt.html).
  it('turns ON/OFF into water flow, valve off open and pump running, and their ends', () => {
    const send = feed(new EsphomeDecoder(), registry());
    expect(eventsOf(send('riser-node/binary_sensor/flow_switch/state', 'ON'))).toEqual(['E-FLOW waterflow']);
    expect(eventsOf(send('riser-node/binary_sensor/flow_switch/state', 'OFF'))).toEqual(['E-FLOW waterflow_clear']);
    expect(eventsOf(send('riser-node/binary_sensor/zone_valve/state', 'ON'))).toEqual(['E-VALVE valve_closed']);
    expect(eventsOf(send('riser-node/binary_sensor/zone_valve/state', 'OFF'))).toEqual(['E-VALVE valve_open']);
    expect(eventsOf(send('riser-node/binary_sensor/pump_running/state', 'ON'))).toEqual(['E-PUMP pump_running']);
  });

  it('reads the riser pressure in bar', () => {
    const send = feed(new EsphomeDecoder(), registry());
    expect(readingsOf(send('riser-node/sensor/riser_pressure/state', '6.8'))).toEqual([{ sensorId: 'E-PRS', value: 6.8, unit: 'bar' }]);
  });
});

describe('Zigbee2MQTT contact and water-leak sensors wired to a switch', () => {
  // A contact sensor's reed input, or a leak sensor's probe terminals, wired to the switch's dry
  // contact: the switch made reads `contact: true` / `water_leak: true`.
  it('turns a contact made into water flow, once per change', () => {
    const send = feed(new Zigbee2mqttDecoder(), registry());
    expect(eventsOf(send('zigbee2mqtt/Riser flow switch', { contact: false, battery: 100 }))).toEqual(['Z-FLOW waterflow_clear']);
    expect(eventsOf(send('zigbee2mqtt/Riser flow switch', { contact: true, battery: 100 }))).toEqual(['Z-FLOW waterflow']);
    expect(eventsOf(send('zigbee2mqtt/Riser flow switch', { contact: true, battery: 100 }))).toEqual([]);
  });

  it('turns a leak sensor probe shorted by a valve switch into valve_closed, never a leak or an unbound signal', () => {
    const send = feed(new Zigbee2mqttDecoder(), registry());
    const d = send('zigbee2mqtt/Riser valve', { water_leak: true });
    expect(eventsOf(d)).toEqual(['Z-VALVE valve_closed']);
    expect(d.rejected).toEqual([]);
    expect(eventsOf(send('zigbee2mqtt/Riser valve', { water_leak: false }))).toEqual(['Z-VALVE valve_open']);
  });
});

describe('Tasmota switch inputs', () => {
  // https://tasmota.github.io/docs/Buttons-and-Switches/: with SwitchMode 1 and SetOption114 1 the
  // input is detached from the relay and its state is in the telemetry as "Switch1": "ON".
  it('reads Switch1 (default) and the bound input, each for its own sensor', () => {
    const send = feed(new TasmotaDecoder(), registry());
    const both = send('tele/riser_io/SENSOR', { Time: '2026-12-04T10:00:00', Switch1: 'ON', Switch2: 'OFF' });
    expect(eventsOf(both).sort()).toEqual(['T-FLOW waterflow', 'T-VALVE valve_open']);
    expect(eventsOf(send('tele/riser_io/SENSOR', { Time: '2026-12-04T10:00:10', Switch1: 'OFF', Switch2: 'ON' })).sort()).toEqual([
      'T-FLOW waterflow_clear',
      'T-VALVE valve_closed',
    ]);
  });
});
