// Device payloads published as the devices publish them — with mosquitto_pub, on each
// adapter's own topic, through a real Mosquitto — reach the real server and are stored in real
// InfluxDB as the same observations native topics produce; a Zigbee2MQTT gas alarm raises an alarm.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS, SESSION_COOKIE, type AlarmListResponse } from '../../contract/index.ts';
import { tasmotaTime, useAdapterStack } from '../support/adapter.stack.ts';
import { eventually } from '../support/vigil.ts';

const FACILITY = path.resolve('test/fixtures/adapters/facility.yaml');
const DB = 'vigil_adapters_test';

const stack = useAdapterStack({
  facility: FACILITY,
  db: DB,
  warmUpSensor: { topic: 'vigil/a1/A-NATIVE-GAS/reading', sensor: 'A-NATIVE-GAS' },
});
const { pub, stored } = stack;

describe('device adapters end to end', () => {
  // https://www.zigbee2mqtt.io/devices/JTQJ-BF-01LM_BW.html (gas, tamper, gas_density, sensitivity); its gas_density
  // has no unit, so this binding (no scale) stores none of it (test/integration/adapters.zigbee.test.ts)
  it('Zigbee2MQTT: {"gas": true} on zigbee2mqtt/<name> is stored as a gas event and raises the critical gas alarm', async () => {
    const sent = Date.now();
    await pub('zigbee2mqtt/Kitchen gas', { gas: true, gas_density: 35, sensitivity: 'high', tamper: false, linkquality: 102 });
    const events = await stored(`SELECT type, zone, kind FROM event WHERE sensor = 'A-Z2M-GAS' AND time >= ${sent - 1000}ms`, 'the gas event');
    expect(events).toContainEqual(expect.objectContaining({ type: 'gas', zone: 'kitchen', kind: 'gas' }));
    expect(events).toContainEqual(expect.objectContaining({ type: 'tamper_clear' }));

    // The alarm lifecycle as history and charts read it (alarm_event).
    const raised = await stored(`SELECT event, priority, condition FROM alarm_event WHERE sensor = 'A-Z2M-GAS'`, 'the alarm event');
    expect(raised[0]).toMatchObject({ event: 'raised', priority: 'critical', condition: 'gas' });
  });

  // For alarm payloads, the raised alarm — as the duty officer sees it, signed in.
  it('Zigbee2MQTT: the gas alarm is in GET /api/alarms for a signed-in duty officer', async () => {
    const officer = DEMO_ACCOUNTS.find((a) => a.role === 'officer')!;
    const login = await fetch(`${stack.vigil.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: officer.username, password: officer.password }),
    });
    expect(login.status).toBe(200);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    expect(cookie.startsWith(`${SESSION_COOKIE}=`)).toBe(true);
    // Republished as Zigbee2MQTT repeats state: the alarm stands once, whether or not the test above ran.
    await pub('zigbee2mqtt/Kitchen gas', { gas: true, gas_density: 36 });
    const alarms = await eventually(
      async () => {
        const res = await stack.vigil.api<AlarmListResponse>('/api/alarms', { headers: { cookie } });
        return res.status === 200 && res.body.alarms.some((a) => a.sensorId === 'A-Z2M-GAS') ? res : null;
      },
      10_000,
      'the alarm in GET /api/alarms',
    );
    expect(alarms.body.alarms.filter((a) => a.sensorId === 'A-Z2M-GAS')).toHaveLength(1);
    expect(alarms.body.alarms).toContainEqual(expect.objectContaining({ sensorId: 'A-Z2M-GAS', condition: 'gas', priority: 'critical', class: 'alarm' }));
  });

  // https://tasmota.github.io/docs/ADC/: {"Time":"2019-01-14T19:36:51","ANALOG":{"A0":1024}} — local time, raw ADC count
  it('Tasmota: tele/<topic>/SENSOR with a raw A0 count is scaled to %LEL at the device time read in the site zone', async () => {
    const now = Math.floor(Date.now() / 1000) * 1000 - 2000;
    await pub('tele/tasmota_8C3D2E/SENSOR', `{"Time":"${tasmotaTime(now, 'Asia/Shanghai')}","ANALOG":{"A0":512}}`);
    const rows = await stored(`SELECT value, unit, kind FROM reading WHERE sensor = 'A-TAS-GAS'`, 'the Tasmota reading');
    expect(rows[0]).toMatchObject({ time: now, value: 50, unit: '%LEL', kind: 'gas' });
  });

  // https://esphome.io/components/binary_sensor/ (device_class door: ON = open); https://esphome.io/components/mqtt.html (state topic)
  it('ESPHome: ON on <node>/binary_sensor/<door>/state is stored as the door opening', async () => {
    await pub('office-node/binary_sensor/server_room_door/state', 'ON');
    const rows = await stored(`SELECT type, zone FROM event WHERE sensor = 'A-ESP-DOOR'`, 'the ESPHome door event');
    expect(rows[0]).toMatchObject({ type: 'open', zone: 'server-room' });
  });

  // esprfid/esp-rfid README-ADDON.md "Publish Access": a known but disabled badge is refused
  it('esp-rfid: a disabled badge on <topic>/send is stored as access denied with the badge, whatever isKnown says', async () => {
    const time = Math.floor(Date.now() / 1000) - 1;
    await pub('/rfid/server-room/send', {
      type: 'access',
      time,
      isKnown: 'true',
      access: 'Disabled',
      username: 'Former contractor',
      uid: '7a2b9c1d',
      hostname: 'esp-rfid-server',
      doorName: 'Server room',
    });
    const rows = await stored(`SELECT type, credential, detail FROM event WHERE sensor = 'A-RFID-DOOR'`, 'the access event');
    expect(rows[0]).toMatchObject({ time: time * 1000, type: 'access_denied', credential: '7a2b9c1d', detail: 'Disabled: Former contractor' });
  });

  it('rejects an adapter payload it cannot make sense of with a reason, and goes on', async () => {
    await pub('tele/tasmota_8C3D2E/SENSOR', '{"Time":"yesterday","ANALOG":{"A0":1}}');
    await eventually(
      async () => /vigil_observations_rejected_total\{reason="adapter_error"\} [1-9]/.test(await (await fetch(`${stack.vigil.url}/metrics`)).text()),
      10_000,
      'the adapter_error rejection counted',
    );
    await pub('office-node/binary_sensor/server_room_door/state', 'OFF');
    await stored(`SELECT type FROM event WHERE sensor = 'A-ESP-DOOR' AND type = 'closed'`, 'the next message still stored');
  });
});
