// Tasmota forms captured at real installations, published as the device publishes them (mosquitto_pub
// through a real Mosquitto) and read by the real server into real InfluxDB: a Tasmota left on UTC at a
// UTC+8 site is placed at the right time, and a Zigbee detector on its own SetOption89 topic reporting
// the IAS trouble bit raises a fault alarm.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tasmotaTime, useAdapterStack } from '../support/adapter.stack.ts';

const FACILITY = path.resolve('test/fixtures/adapters/gaps.facility.yaml');
const DB = 'vigil_adapters_tasmota_test';

const stack = useAdapterStack({
  facility: FACILITY,
  db: DB,
  warmUpSensor: { topic: 'vigil/g1/G-NATIVE-GAS/reading', sensor: 'G-NATIVE-GAS' },
});
const { pub, stored } = stack;

describe('Tasmota at real installations', () => {
  // https://tasmota.github.io/docs/Commands/#timezone: the device's own Timezone; `Time` in
  // tele/<topic>/SENSOR ({"Time":"2019-01-14T19:36:51","ANALOG":{"A0":1024}}, tasmota docs ADC) carries no zone.
  it('reads a UTC Tasmota at a UTC+8 site in the binding timezone, not 8 h off', async () => {
    const now = Math.floor(Date.now() / 1000) * 1000 - 2000;
    await pub('tele/tasmota_utc/SENSOR', `{"Time":"${tasmotaTime(now, 'UTC')}","ANALOG":{"A0":256}}`);
    const rows = await stored(`SELECT value, unit FROM reading WHERE sensor = 'G-TAS-UTC'`, 'the UTC Tasmota reading');
    expect(rows[0]).toMatchObject({ time: now, value: 25, unit: '%LEL' });
  });

  // SetOption89 1 (captured, SNZB-04 on a ZbBridge): tele/tasmota_E3210C/E30B/SENSOR =
  // {"ZbReceived":{"0xE30B":{"Device":"0xE30B","0500<00":"010000000000","ZoneStatusChange":1,"Contact":1,…}}};
  // ZCL 8.2.2.2.1.3: zone status bit 6 (0x40) is Trouble, which Frient detectors set on a sensor fault.
  it('raises a fault alarm from the trouble bit of a detector on its own per-device topic', async () => {
    await pub(
      'tele/ZbHall/1A2B/SENSOR',
      '{"ZbReceived":{"0x1A2B":{"Device":"0x1A2B","0500<00":"400000012300","ZoneStatusChange":64,"Fire":0,"Endpoint":35,"LinkQuality":120}}}',
    );
    const events = await stored(`SELECT type, detail FROM event WHERE sensor = 'G-TAS-ZB-SMK' AND type = 'fault'`, 'the fault event');
    expect(events[0]).toMatchObject({ type: 'fault', detail: 'Zigbee device reports trouble' });
    const raised = await stored(`SELECT event, condition FROM alarm_event WHERE sensor = 'G-TAS-ZB-SMK' AND condition = 'fault'`, 'the fault alarm');
    expect(raised[0]).toMatchObject({ event: 'raised', condition: 'fault' });
  });
});
