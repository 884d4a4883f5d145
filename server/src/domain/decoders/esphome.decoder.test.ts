import { describe, expect, it } from 'vitest';
import { EsphomeDecoder } from './esphome.decoder.ts';
import { Registry } from '../registry.ts';
import { adapterRegistry, adapterSensor, eventsOf, feed, readingsOf, statusesOf } from '../../../../test/support/decoder.fixtures.ts';

const registry = adapterRegistry();
const decoder = new EsphomeDecoder();
const send = feed(decoder, registry);

describe('ESPHome topics', () => {
  // https://esphome.io/components/mqtt.html: state_topic <TOPIC_PREFIX>/<COMPONENT_TYPE>/<COMPONENT_NAME>/state,
  // birth message `online` and last will `offline` on <TOPIC_PREFIX>/status
  it('subscribes to each bound entity state and each node status, exactly', () => {
    expect(decoder.subscriptions(registry)).toEqual([
      'canteen-node/binary_sensor/kitchen_gas/state',
      'canteen-node/binary_sensor/kitchen_gas_fault/state',
      'canteen-node/sensor/kitchen_gas_lel/state',
      'guesthouse-node/binary_sensor/room_101_smoke/state',
      'office-node/binary_sensor/server_room_door/state',
      'office-node/binary_sensor/store_door/state',
      'canteen-node/status',
      'guesthouse-node/status',
      'office-node/status',
    ]);
    expect(decoder.matches('canteen-node/sensor/unbound/state')).toBe(false);
  });
});

describe('ESPHome binary sensors', () => {
  // https://esphome.io/components/binary_sensor/: binary sensor states are published as ON / OFF;
  // device_class gas / smoke: ON means detected
  it('turns ON/OFF into the detector alarm and its clear', () => {
    expect(eventsOf(send('canteen-node/binary_sensor/kitchen_gas/state', 'ON'))).toEqual(['E-GAS gas']);
    expect(eventsOf(send('canteen-node/binary_sensor/kitchen_gas/state', 'OFF'))).toEqual(['E-GAS gas_clear']);
    expect(eventsOf(send('guesthouse-node/binary_sensor/room_101_smoke/state', 'ON'))).toEqual(['E-SMK smoke']);
  });

  // https://esphome.io/components/binary_sensor/: device_class door — ON means open, OFF means closed
  it("follows ESPHome's door class (ON = open) unless the binding says ON means closed", () => {
    expect(eventsOf(send('office-node/binary_sensor/server_room_door/state', 'ON'))).toEqual(['E-DOOR open']);
    expect(eventsOf(send('office-node/binary_sensor/server_room_door/state', 'OFF'))).toEqual(['E-DOOR closed']);
    expect(eventsOf(send('office-node/binary_sensor/store_door/state', 'ON'))).toEqual(['E-DOOR-NC closed']);
    expect(eventsOf(send('office-node/binary_sensor/store_door/state', 'OFF'))).toEqual(['E-DOOR-NC open']);
  });

  // https://esphome.io/components/binary_sensor/: device_class problem — ON means problem
  it('raises the problem entity as a fault of the same sensor', () => {
    const fault = send('canteen-node/binary_sensor/kitchen_gas_fault/state', 'ON');
    expect(eventsOf(fault)).toEqual(['E-GAS fault']);
    expect(eventsOf(send('canteen-node/binary_sensor/kitchen_gas_fault/state', 'OFF'))).toEqual(['E-GAS fault_clear']);
  });

  it('rejects a state it cannot read as on/off', () => {
    expect(send('canteen-node/binary_sensor/kitchen_gas/state', 'MAYBE').rejected).toEqual([
      { reason: 'adapter_error', detail: 'E-GAS: state: cannot read "MAYBE" as on/off' },
    ]);
  });
});

describe('ESPHome sensors and status', () => {
  // https://esphome.io/components/mqtt.html: a sensor publishes its state as text with accuracy_decimals digits
  it('reads numeric text as a reading in the sensor unit, and rejects nan with a reason', () => {
    expect(readingsOf(send('canteen-node/sensor/kitchen_gas_lel/state', '12.5'))).toEqual([{ sensorId: 'E-LEL', value: 12.5, unit: '%LEL' }]);
    expect(send('canteen-node/sensor/kitchen_gas_lel/state', 'nan').rejected).toEqual([
      { reason: 'adapter_error', detail: 'E-LEL: the sensor has no valid value (nan)' },
    ]);
  });

  // https://esphome.io/components/sensor/adc.html: an ADC sensor publishes volts, e.g. an MQ-2's analog pin
  // (`<node>/sensor/<id>/state` = "2.50"). Read as %LEL a real leak at 2.5 V would sit below the low threshold.
  it('maps a sensor in volts through the binding scale, and refuses to store one whose unit the binding does not give', () => {
    const volts = adapterSensor('E-MQ2', 'gas', {
      adapter: 'esphome',
      node: 'lab-node',
      entity: 'mq2_volts',
      entityType: 'sensor',
      scale: { from: [0.1, 3.3], to: [0, 100] },
    });
    const bare = adapterSensor('E-MQ2-BARE', 'gas', { adapter: 'esphome', node: 'lab-node', entity: 'mq2_bare', entityType: 'sensor' });
    const sendLab = feed(
      new EsphomeDecoder(),
      new Registry({ name: 'Lab', sites: [{ id: 'hq', name: 'HQ', timezone: 'Asia/Shanghai', floors: [] }], sensors: [volts, bare], schedules: {}, sops: {} }),
    );
    expect(readingsOf(sendLab('lab-node/sensor/mq2_volts/state', '2.50'))).toEqual([{ sensorId: 'E-MQ2', value: 75, unit: '%LEL' }]);
    const refused = sendLab('lab-node/sensor/mq2_bare/state', '2.50');
    expect(refused.observations).toEqual([]);
    expect(refused.rejected).toEqual([
      {
        reason: 'adapter_error',
        detail: expect.stringMatching(/^E-MQ2-BARE: Vigil cannot tell which unit the ESPHome sensor lab-node\/sensor\/mq2_bare is published in/),
      },
    ]);
  });

  it('reads the node birth and last will as online and offline for every sensor on the node', () => {
    expect(statusesOf(send('canteen-node/status', 'offline'))).toEqual([
      { sensorId: 'E-GAS', online: false },
      { sensorId: 'E-LEL', online: false },
    ]);
    expect(statusesOf(send('office-node/status', 'online'))).toEqual([
      { sensorId: 'E-DOOR', online: true },
      { sensorId: 'E-DOOR-NC', online: true },
    ]);
    expect(() => send('office-node/status', 'rebooting')).toThrow(/expected online or offline/);
  });
});
