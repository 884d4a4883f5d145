import { describe, expect, it } from 'vitest';
import { TasmotaDecoder } from './tasmota.decoder.ts';
import { NOW, adapterRegistry, eventsOf, feed, readingsOf, statusesOf } from '../../../../test/support/decoder.fixtures.ts';

const registry = adapterRegistry();
const decoder = new TasmotaDecoder();
const send = feed(decoder, registry);

describe('Tasmota topics', () => {
  // https://tasmota.github.io/docs/MQTT/: tele/%topic%/SENSOR, tele/%topic%/LWT, tele/%topic%/STATE
  it('subscribes to the telemetry, last will and state topics of each bound Tasmota, once each', () => {
    const topics = decoder.subscriptions(registry);
    expect(topics.filter((t) => t.startsWith('tele/SonoffZB/'))).toEqual(['tele/SonoffZB/SENSOR', 'tele/SonoffZB/LWT', 'tele/SonoffZB/STATE']);
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
    expect(eventsOf(closed)).toEqual(['T-DOOR closed']);
    const opened = send(
      'tele/SonoffZB/SENSOR',
      '{"ZbReceived":{"0x662E":{"Device":"0x662E","Name":" door_sensor","0500<00":"210000010000","ZoneStatusChange":33,"ZoneStatusChangeZone":1,"Contact":1,"Endpoint":1,"LinkQuality":157}}}',
    );
    expect(eventsOf(opened)).toEqual(['T-DOOR open']);
    // SetOption83 1 keys the report by friendly name.
    const named = send(
      'tele/SonoffZB/SENSOR',
      '{"ZbReceived":{"Tuya_Door_Sensor":{"Device":"0xCBA4","Name":"Tuya_Door_Sensor","0500<00":"010000010000","ZoneStatusChange":1,"ZoneStatusChangeZone":1,"Contact":1,"Endpoint":1,"LinkQuality":144}}}',
    );
    expect(eventsOf(named)).toEqual(['T-DOOR-NAMED open']);
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
