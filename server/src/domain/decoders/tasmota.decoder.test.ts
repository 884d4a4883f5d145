import { describe, expect, it } from 'vitest';
import type { Sensor } from '../../../../contract/index.ts';
import { Registry } from '../registry.ts';
import { TasmotaDecoder, isRawAnalog, topicAdvice } from './tasmota.decoder.ts';
import { NOW, adapterRegistry, adapterSensor, adapterSensors, eventsOf, feed, readingsOf, statusesOf } from '../../../../test/support/decoder.fixtures.ts';

const registry = adapterRegistry();
const decoder = new TasmotaDecoder();
const send = feed(decoder, registry);

describe('Tasmota topics', () => {
  // https://tasmota.github.io/docs/MQTT/: tele/%topic%/SENSOR, tele/%topic%/LWT, tele/%topic%/STATE
  it('subscribes to the telemetry, last will and state topics of each bound Tasmota, once each', () => {
    const topics = decoder.subscriptions(registry);
    expect(topics.filter((t) => t.startsWith('tele/SonoffZB/'))).toEqual([
      'tele/SonoffZB/SENSOR',
      'tele/SonoffZB/LWT',
      'tele/SonoffZB/STATE',
      'tele/SonoffZB/+/SENSOR',
    ]);
    expect(topics).toContain('tele/tasmota_8C3D2E/SENSOR');
    expect(decoder.matches('tele/unbound/SENSOR')).toBe(false);
  });
});

describe('Tasmota analog gas sensors', () => {
  // https://tasmota.github.io/docs/ADC/: `MQT: tele/tasmota/SENSOR = {"Time":"2019-01-14T19:36:51","ANALOG":{"A0":1024}}`
  // (same shape, today's date: the documented 2019 point is older than the retention window)
  it('scales the raw ADC count with the configured scale and reads Time in the site time zone', () => {
    const d = send('tele/tasmota_8C3D2E/SENSOR', { Time: '2026-11-27T10:00:00', ANALOG: { A0: 512 } });
    expect(readingsOf(d)).toEqual([{ sensorId: 'T-GAS', value: 50, unit: '%LEL' }]);
    // 10:00 in Asia/Shanghai is 02:00 UTC.
    expect(d.observations[0]).toMatchObject({ ts: NOW, source: 'adapter', kind: 'gas' });
    expect(readingsOf(send('tele/tasmota_8C3D2E/SENSOR', { Time: '2026-11-27T09:59:00', ANALOG: { A0: 1024 } }))).toEqual([
      { sensorId: 'T-GAS', value: 100, unit: '%LEL' },
    ]);
  });

  it('takes the receive time when the device clock was never set (Tasmota before NTP: 1970)', () => {
    const d = send('tele/tasmota_8C3D2E/SENSOR', { Time: '1970-01-01T00:05:12', ANALOG: { A0: 100 } });
    expect(d.observations[0]?.ts).toBe(NOW);
  });

  it('rejects telemetry without the bound value, or with a Time it cannot read, with a reason', () => {
    expect(send('tele/tasmota_8C3D2E/SENSOR', { Time: '2026-11-27T10:00:00', DS18B20: { Temperature: 23.8 } }).rejected).toEqual([
      { reason: 'adapter_error', detail: 'T-GAS: no ANALOG.A0 in the telemetry' },
    ]);
    expect(send('tele/tasmota_8C3D2E/SENSOR', { Time: 'yesterday', ANALOG: { A0: 1 } }).rejected[0]).toEqual({
      reason: 'adapter_error',
      detail: 'T-GAS: Time: "yesterday" is not a date-time',
    });
    expect(send('tele/tasmota_8C3D2E/SENSOR', { Time: '2026-11-27T10:00:00', ANALOG: { A0: 'high' } }).rejected[0]?.reason).toBe('adapter_error');
  });

  it('reads a value already in the sensor unit at the configured path, numeric strings included', () => {
    expect(readingsOf(send('tele/tasmota_co/SENSOR', { Time: '2026-11-27T10:00:00', MQ7: { CO: '12.5' } }))).toEqual([
      { sensorId: 'T-CO', value: 12.5, unit: 'ppm' },
    ]);
  });
});

describe('Tasmota Zigbee bridge', () => {
  // Captured from a Sonoff ZBBridge with Tasmota (github.com/tabspacekr/HomeAssistant, tasmota/mqtt/readme.txt):
  // Aqara MCCGQ12LM closed → "Contact":0, opened → "Contact":1 — the opposite polarity of Zigbee2MQTT's contact.
  it('reads Contact 1 as open and 0 as closed, by short address or by friendly name', () => {
    const closed = send(
      'tele/SonoffZB/SENSOR',
      '{"ZbReceived":{"0x662E":{"Device":"0x662E","Name":" door_sensor","0500<00":"200000010000","ZoneStatusChange":32,"ZoneStatusChangeZone":1,"Contact":0,"Endpoint":1,"LinkQuality":157}}}',
    );
    // ZoneStatusChange 32: no trouble bit, so the report also clears any device fault.
    expect(eventsOf(closed)).toEqual(['T-DOOR closed', 'T-DOOR fault_clear']);
    const opened = send(
      'tele/SonoffZB/SENSOR',
      '{"ZbReceived":{"0x662E":{"Device":"0x662E","Name":" door_sensor","0500<00":"210000010000","ZoneStatusChange":33,"ZoneStatusChangeZone":1,"Contact":1,"Endpoint":1,"LinkQuality":157}}}',
    );
    expect(eventsOf(opened)).toEqual(['T-DOOR open', 'T-DOOR fault_clear']);
    // SetOption83 1 keys the report by friendly name.
    const named = send(
      'tele/SonoffZB/SENSOR',
      '{"ZbReceived":{"Tuya_Door_Sensor":{"Device":"0xCBA4","Name":"Tuya_Door_Sensor","0500<00":"010000010000","ZoneStatusChange":1,"ZoneStatusChangeZone":1,"Contact":1,"Endpoint":1,"LinkQuality":144}}}',
    );
    expect(eventsOf(named)).toEqual(['T-DOOR-NAMED open', 'T-DOOR-NAMED fault_clear']);
  });

  it('ignores devices of the bridge that no sensor is bound to', () => {
    const d = send(
      'tele/SonoffZB/SENSOR',
      '{"ZbReceived":{"0x057B":{"Device":"0x057B","Name":" motion_sensor","Occupancy":1,"Endpoint":1,"LinkQuality":194}}}',
    );
    expect(d).toEqual({ observations: [], rejected: [] });
  });

  // IAS zone attribute names Fire and Water: arendst/Tasmota tasmota/tasmota_xdrv_driver/xdrv_23_zigbee_5_1_attributes.ino
  it('reads a Zigbee smoke detector Fire report and its battery', () => {
    const d = send('tele/SonoffZB/SENSOR', { ZbReceived: { '0x1A2B': { Device: '0x1A2B', Fire: 1, BatteryPercentage: 87, Endpoint: 1, LinkQuality: 90 } } });
    expect(eventsOf(d)).toEqual(['T-SMK smoke']);
    expect(statusesOf(d)).toEqual([{ sensorId: 'T-SMK', battery: 87 }]);
  });
});

describe('Tasmota availability', () => {
  // https://tasmota.github.io/docs/MQTT/: tele/%topic%/LWT is "Online" (retained) with "Offline" as the last will
  it('takes the bridge and its Zigbee devices offline with the last will; Online speaks for the Tasmota itself', () => {
    expect(statusesOf(send('tele/SonoffZB/LWT', 'Offline'))).toEqual([
      { sensorId: 'T-DOOR', online: false },
      { sensorId: 'T-DOOR-NAMED', online: false },
      { sensorId: 'T-SMK', online: false },
    ]);
    expect(send('tele/SonoffZB/LWT', 'Online').observations).toEqual([]);
    expect(statusesOf(send('tele/tasmota_8C3D2E/LWT', 'Online'))).toEqual([{ sensorId: 'T-GAS', online: true }]);
    expect(() => send('tele/tasmota_8C3D2E/LWT', 'maybe')).toThrow(/Online or Offline/);
  });

  // A Tasmota's periodic STATE (pastebin.com/4izDrY6W): "Wifi":{"RSSI":44,"Signal":-78} — Signal is dBm.
  it('takes the periodic STATE as a heartbeat with the Wi-Fi signal', () => {
    const d = send(
      'tele/tasmota_8C3D2E/STATE',
      '{"Time":"2026-11-27T10:00:00","Uptime":"0T00:10:11","UptimeSec":611,"Heap":24,"SleepMode":"Dynamic","Sleep":50,"LoadAvg":19,"MqttCount":1,"POWER":"OFF","Wifi":{"AP":1,"SSId":"ESP-Network","BSSId":"E6:8D:8C:4B:BE:F7","Channel":3,"Mode":"11n","RSSI":44,"Signal":-78,"LinkCount":1,"Downtime":"0T00:00:05"}}',
    );
    expect(statusesOf(d)).toEqual([{ sensorId: 'T-GAS', online: true, rssi: -78 }]);
  });
});

/** A registry of the fixture sensors plus `extra` (site hq in Asia/Shanghai, UTC+8). */
function registryWith(...extra: Sensor[]): Registry {
  return new Registry({
    name: 'Tasmota',
    sites: [{ id: 'hq', name: 'HQ', timezone: 'Asia/Shanghai', floors: [] }],
    sensors: [...adapterSensors, ...extra],
    schedules: {},
    sops: {},
  });
}

describe('Tasmota device time zone', () => {
  const utcGas = adapterSensor('T-GAS-UTC', 'gas', { adapter: 'tasmota', topic: 'tasmota_utc', scale: { from: [0, 1024], to: [0, 100] }, timezone: 'UTC' });
  const sendUtc = feed(new TasmotaDecoder(), registryWith(utcGas));

  // https://tasmota.github.io/docs/Commands/#timezone: `Timezone` sets the device's own offset
  // (default +1, or 99 for the TimeStd/TimeDst rules); `Time` in telemetry is that local time,
  // without a zone. A Tasmota left on UTC at a UTC+8 site writes 02:00 for 10:00 site time.
  it("reads Time in the binding's timezone when it has one, not the site's", () => {
    const d = sendUtc('tele/tasmota_utc/SENSOR', { Time: '2026-11-27T02:00:00', ANALOG: { A0: 512 } });
    expect(readingsOf(d)).toEqual([{ sensorId: 'T-GAS-UTC', value: 50, unit: '%LEL' }]);
    expect(d.observations[0]?.ts).toBe(NOW);
  });

  it('keeps reading Time in the site zone for bindings without a timezone', () => {
    const d = sendUtc('tele/tasmota_8C3D2E/SENSOR', { Time: '2026-11-27T10:00:00', ANALOG: { A0: 512 } });
    expect(d.observations[0]?.ts).toBe(NOW);
  });

  it('reads the periodic STATE time in the same zone', () => {
    const d = sendUtc('tele/tasmota_utc/STATE', '{"Time":"2026-11-27T01:59:30","Uptime":"0T00:10:11","UptimeSec":611,"Wifi":{"AP":1,"RSSI":44,"Signal":-78}}');
    expect(d.observations[0]?.ts).toBe(NOW - 30_000);
  });
});

describe('Tasmota analog keys', () => {
  // Tasmota before the ANALOG object (6.x) wrote the A0 pin as a top-level key, e.g.
  // `tele/sonoff/SENSOR = {"Time":"2018-11-24T17:36:52","Analog0":4}` (tasmota docs, ADC).
  it('reads the older Analog0 key as the default A0 pin, through the scale', () => {
    expect(readingsOf(send('tele/tasmota_8C3D2E/SENSOR', { Time: '2026-11-27T10:00:00', Analog0: 256 }))).toEqual([
      { sensorId: 'T-GAS', value: 25, unit: '%LEL' },
    ]);
  });

  it.each(['ANALOG.A0', 'ANALOG.A1', 'ANALOG.Range1', 'Analog0', 'analog1', ' ANALOG.A0 '])('takes %s as a raw ADC count', (key) => {
    expect(isRawAnalog(key)).toBe(true);
  });

  it.each(['MQ7.CO', 'SGP30.eCO2', 'AnalogTemp'])('takes %s as a value in a unit', (key) => {
    expect(isRawAnalog(key)).toBe(false);
  });

  // A CO sensor bound to MQ7.CO on a Tasmota that also wires an MQ-2 to A0: the raw A0 it does not use is none of its business.
  it('ignores a raw analog key the binding does not use', () => {
    const d = send('tele/tasmota_co/SENSOR', { Time: '2026-11-27T10:00:00', ANALOG: { A0: 300 }, MQ7: { CO: 12.5 } });
    expect(d).toEqual({ observations: [expect.objectContaining({ sensorId: 'T-CO', value: 12.5 })], rejected: [] });
  });
});

describe('Tasmota Zigbee per-device topics (SetOption89)', () => {
  const e30b = adapterSensor('T-DOOR-E30B', 'door', { adapter: 'tasmota', topic: 'tasmota_E3210C', sensorKey: '0xE30B' });
  const named = adapterSensor('T-DOOR-LAB', 'door', { adapter: 'tasmota', topic: 'tasmota_E3210C', sensorKey: 'Lab door' });
  const decoder = new TasmotaDecoder();
  const registry = registryWith(e30b, named);
  const sendZb = feed(decoder, registry);

  it("subscribes to each bridge's per-device topics with one filter", () => {
    expect(decoder.subscriptions(registry)).toContain('tele/tasmota_E3210C/+/SENSOR');
    expect(decoder.subscriptions(registry)).toContain('tele/SonoffZB/+/SENSOR');
    // A Tasmota without Zigbee devices bound has no per-device topics.
    expect(decoder.subscriptions(registry)).not.toContain('tele/tasmota_8C3D2E/+/SENSOR');
    expect(decoder.matches('tele/tasmota_8C3D2E/E30B/SENSOR')).toBe(false);
  });

  // Captured with SetOption89 1 on a ZbBridge (SNZB-04 contact sensor): topic
  // `tele/tasmota_E3210C/E30B/SENSOR`, payload as below ("Contact is 1 when the sensors are not connected").
  it('reads a device on its own topic, named by its short address in the binding', () => {
    const d = sendZb(
      'tele/tasmota_E3210C/E30B/SENSOR',
      '{"ZbReceived":{"0xE30B":{"Device":"0xE30B","0500<00":"010000000000","ZoneStatusChange":1,"Contact":1,"Endpoint":1,"LinkQuality":131}}}',
    );
    expect(eventsOf(d)).toEqual(['T-DOOR-E30B open', 'T-DOOR-E30B fault_clear']);
    expect(d.rejected).toEqual([]);
  });

  // SetOption112 1: the topic level is the friendly name, spaces as `_` (Tasmota's MakeValidMqtt);
  // SetOption100 1 drops the ZbReceived wrapper; SetOption119 1 drops the address as well.
  it('reads friendly-name topics and the payloads without the ZbReceived wrapper or the address', () => {
    expect(eventsOf(sendZb('tele/tasmota_E3210C/Lab_door/SENSOR', { ZbReceived: { '0x1C2D': { Device: '0x1C2D', Name: 'Lab door', Contact: 0 } } }))).toEqual([
      'T-DOOR-LAB closed',
    ]);
    expect(eventsOf(sendZb('tele/tasmota_E3210C/E30B/SENSOR', { '0xE30B': { Device: '0xE30B', Contact: 0 } }))).toEqual(['T-DOOR-E30B closed']);
    expect(eventsOf(sendZb('tele/tasmota_E3210C/E30B/SENSOR', { Contact: 1, Endpoint: 1, LinkQuality: 131 }))).toEqual(['T-DOOR-E30B open']);
    expect(eventsOf(sendZb('tele/tasmota_E3210C/Lab_door/SENSOR', { Contact: 1, Endpoint: 1 }))).toEqual(['T-DOOR-LAB open']);
  });

  it('ignores the devices no sensor is bound to', () => {
    expect(sendZb('tele/tasmota_E3210C/9F01/SENSOR', { ZbReceived: { '0x9F01': { Device: '0x9F01', Occupancy: 1 } } })).toEqual({
      observations: [],
      rejected: [],
    });
  });

  // The captured report above: `"Name":" door_sensor"` — ZbName kept the leading space.
  it('matches names and short addresses after trimming, short addresses in any case', () => {
    const spaced = adapterSensor('T-DOOR-SP', 'door', { adapter: 'tasmota', topic: 'SonoffZB', sensorKey: 'door_sensor' });
    const lower = adapterSensor('T-DOOR-LC', 'door', { adapter: 'tasmota', topic: 'SonoffZB', sensorKey: '0x662e' });
    const sendSp = feed(new TasmotaDecoder(), registryWith(spaced, lower));
    const d = sendSp(
      'tele/SonoffZB/SENSOR',
      '{"ZbReceived":{"0x662E":{"Device":"0x662E","Name":" door_sensor","0500<00":"210000010000","ZoneStatusChange":33,"ZoneStatusChangeZone":1,"Contact":1,"Endpoint":1,"LinkQuality":157}}}',
    );
    expect(eventsOf(d).filter((e) => e.endsWith(' open'))).toEqual(['T-DOOR open', 'T-DOOR-SP open', 'T-DOOR-LC open']);
  });

  it('tells once, not per report, that a bound name nearly names an unbound device (case, spaces, one letter)', () => {
    const near = adapterSensor('T-DOOR-NEAR', 'door', { adapter: 'tasmota', topic: 'SonoffZB', sensorKey: 'Store Door' });
    const sendNear = feed(new TasmotaDecoder(), registryWith(near));
    const report = { ZbReceived: { '0x7A11': { Device: '0x7A11', Name: 'store_door', Contact: 1 } } };
    const first = sendNear('tele/SonoffZB/SENSOR', report);
    expect(first.observations).toEqual([]);
    expect(first.rejected).toEqual([
      {
        reason: 'adapter_error',
        detail:
          'T-DOOR-NEAR: sensorKey "Store Door" nearly names Zigbee device "store_door" on tele/SonoffZB/SENSOR, which no sensor is bound to: if it is this sensor\'s device, write sensorKey: "store_door"',
      },
    ]);
    expect(sendNear('tele/SonoffZB/SENSOR', report).rejected).toEqual([]);
    const oneLetter = sendNear('tele/SonoffZB/SENSOR', { ZbReceived: { '0x7A12': { Device: '0x7A12', Name: 'Store Dor', Contact: 1 } } });
    expect(oneLetter.rejected[0]?.detail).toMatch(/nearly names Zigbee device "Store Dor"/);
    // Short addresses one digit apart are two devices, not a typo.
    const hex = adapterSensor('T-DOOR-HEX', 'door', { adapter: 'tasmota', topic: 'SonoffZB', sensorKey: '0x662F' });
    const sendHex = feed(new TasmotaDecoder(), registryWith(hex));
    expect(sendHex('tele/SonoffZB/SENSOR', { ZbReceived: { '0x762F': { Device: '0x762F', Contact: 1 } } }).rejected).toEqual([]);
  });
});

describe('Tasmota Zigbee trouble', () => {
  // ZCL IAS zone status bit 6 is Trouble (ZCL 8.2.2.2.1.3); Frient/Develco smoke alarms (SMSZB-120)
  // set it for a sensor fault. Tasmota reports the zone status as `ZoneStatusChange` (the number of
  // the 0500<00 command) and named attributes as they are: `Trouble` where the device has one.
  it('reads the IAS trouble bit and a Trouble attribute as a device fault, and their clear', () => {
    const faulty = send('tele/SonoffZB/SENSOR', {
      ZbReceived: { '0x1A2B': { Device: '0x1A2B', '0500<00': '400000010000', ZoneStatusChange: 64, Fire: 0, Endpoint: 35 } },
    });
    expect(eventsOf(faulty)).toEqual(['T-SMK smoke_clear', 'T-SMK fault']);
    expect(faulty.observations[1]).toMatchObject({ detail: 'Zigbee device reports trouble' });
    expect(eventsOf(send('tele/SonoffZB/SENSOR', { ZbReceived: { '0x1A2B': { Device: '0x1A2B', ZoneStatusChange: 0, Fire: 0 } } }))).toEqual([
      'T-SMK smoke_clear',
      'T-SMK fault_clear',
    ]);
    expect(eventsOf(send('tele/SonoffZB/SENSOR', { ZbReceived: { '0x1A2B': { Device: '0x1A2B', Trouble: 1 } } }))).toEqual(['T-SMK fault']);
  });
});

describe('Tasmota rejections', () => {
  it('reads every readable field of a Zigbee report and rejects the message once, naming the unreadable ones', () => {
    const d = send('tele/SonoffZB/SENSOR', {
      ZbReceived: { '0x1A2B': { Device: '0x1A2B', Fire: 1, Trouble: 'sometimes', BatteryPercentage: 'low', Endpoint: 1 } },
    });
    expect(eventsOf(d)).toEqual(['T-SMK smoke']);
    expect(d.rejected).toEqual([
      { reason: 'adapter_error', detail: 'T-SMK: Trouble: cannot read "sometimes" as on/off; T-SMK: BatteryPercentage: "low" is not a number' },
    ]);
  });

  it('rejects one message once, however many sensors read it', () => {
    const second = adapterSensor('T-GAS-2', 'gas', {
      adapter: 'tasmota',
      topic: 'tasmota_8C3D2E',
      sensorKey: 'ANALOG.A1',
      scale: { from: [0, 1024], to: [0, 100] },
    });
    const sendTwo = feed(new TasmotaDecoder(), registryWith(second));
    const d = sendTwo('tele/tasmota_8C3D2E/SENSOR', { Time: 'yesterday', ANALOG: { A0: 1, A1: 2 } });
    expect(d.rejected).toEqual([
      { reason: 'adapter_error', detail: 'T-GAS: Time: "yesterday" is not a date-time; T-GAS-2: Time: "yesterday" is not a date-time' },
    ]);
  });
});

describe('Tasmota topic advice', () => {
  // Every refusal names what to write: the user's own topic, taken apart.
  it.each([
    ['tele/kitchen/SENSOR', 'write topic: kitchen (the Tasmota Topic alone; Vigil adds tele/ and /SENSOR, /STATE, /LWT)'],
    ['tele/SonoffZB/E30B/SENSOR', 'write topic: SonoffZB and sensorKey: "0xE30B"'],
    ['SonoffZB/e30b', 'write topic: SonoffZB and sensorKey: "0xE30B"'],
    ['SonoffZB/Lab_door', 'write topic: SonoffZB and sensorKey: "Lab_door"'],
  ])('%s → %s', (topic, advice) => {
    expect(topicAdvice(topic)).toContain(advice);
  });

  it('has nothing to say about a Tasmota Topic', () => {
    expect(topicAdvice('tasmota_8C3D2E')).toBeNull();
  });
});
