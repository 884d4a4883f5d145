// Zigbee2MQTT payloads as the devices' pages document them, published with mosquitto_pub through a
// real Mosquitto to a real Vigil and InfluxDB: a device carrying two detectors raises both alarms,
// a detector alarm with no sensor to receive it raises unbound_signal (never silence), a Tuya
// detector's enum states clear a fire so it can be reset, and a raw gas_density is never %LEL.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS, type Alarm, type AlarmListResponse, type RejectionsResponse } from '../../contract/index.ts';
import { startAdapterStack, type AdapterStack } from '../support/adapter.stack.ts';
import { stopAllServices } from '../support/services.ts';
import { eventually, type VigilHandle } from '../support/vigil.ts';

const FACILITY = path.resolve('test/fixtures/adapters/zigbee.facility.yaml');
const DB = 'vigil_adapters_zigbee_test';

let vigil: VigilHandle;
let pub: AdapterStack['pub'];
let stored: AdapterStack['stored'];
let influx: AdapterStack['influx'];
let cookie: string;

beforeAll(async () => {
  ({ vigil, pub, stored, influx } = await startAdapterStack({
    facility: FACILITY,
    db: DB,
    warmUpSensor: { topic: 'vigil/z1/Z-NATIVE-GAS/reading', sensor: 'Z-NATIVE-GAS' },
  }));
  const officer = DEMO_ACCOUNTS.find((a) => a.role === 'officer')!;
  cookie = await vigil.login(officer.username, officer.password);
});

afterAll(async () => {
  await vigil?.stop();
  await stopAllServices();
});

/** The open alarm of `sensorId` for `condition`, as the signed-in duty officer sees it, once there is one. */
function openAlarm(sensorId: string, condition: Alarm['condition'], what: string): Promise<Alarm> {
  return eventually(
    async () => {
      const res = await vigil.api<AlarmListResponse>(`/api/alarms?sensor=${sensorId}&state=open`, { headers: { cookie } });
      return res.status === 200 ? res.body.alarms.find((a) => a.condition === condition) : undefined;
    },
    15_000,
    what,
  );
}

async function act(id: string, action: 'ack' | 'reset'): Promise<number> {
  const res = await vigil.api(`/api/alarms/${id}/${action}`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: '{}' });
  return res.status;
}

describe('Zigbee2MQTT devices end to end', () => {
  // https://www.zigbee2mqtt.io/devices/HALO+.html: smoke ("Indicates whether the device detected smoke"),
  // carbon_monoxide ("Indicates if CO (carbon monoxide) is detected"), co_ppm ("The unit of this value is ppm").
  it('a smoke + CO detector bound as two sensors raises a fire alarm and a CO alarm from one message', async () => {
    await pub('zigbee2mqtt/Hall smoke and CO', { smoke: true, carbon_monoxide: true, co_ppm: 250, battery: 90, tamper: false, linkquality: 120 });
    const fire = await openAlarm('Z-HALL-SMK', 'smoke', 'the fire alarm of the smoke half');
    expect(fire).toMatchObject({ class: 'alarm', priority: 'critical' });
    const co = await openAlarm('Z-HALL-CO', 'co', 'the CO alarm of the CO half');
    expect(co).toMatchObject({ class: 'alarm', priority: 'critical' });
    const readings = await stored(`SELECT value, unit FROM reading WHERE sensor = 'Z-HALL-CO'`, 'the co_ppm reading');
    expect(readings[0]).toMatchObject({ value: 250, unit: 'ppm' });
  });

  // The same device bound only as CO: its smoke alarm must not vanish into an event a CO sensor ignores.
  it('bound only as CO, a smoke report is rejected with a reason and raises unbound_signal on the CO sensor', async () => {
    await pub('zigbee2mqtt/Stair smoke and CO', { smoke: true, carbon_monoxide: false, co_ppm: 0, battery: 90 });
    const trouble = await openAlarm('Z-STAIR-CO', 'unbound_signal', 'the unbound_signal trouble');
    expect(trouble).toMatchObject({ class: 'trouble' });
    expect(trouble.message).toContain('smoke');
    const rejections = await eventually(
      async () => {
        const res = await vigil.api<RejectionsResponse>('/api/ingest/rejections', { headers: { cookie } });
        return res.body.recent?.find((r) => r.origin === 'zigbee2mqtt/Stair smoke and CO');
      },
      10_000,
      'the rejection listed',
    );
    expect(rejections).toMatchObject({
      reason: 'adapter_error',
      detail: expect.stringContaining('no smoke sensor is bound to "zigbee2mqtt/Stair smoke and CO"'),
    });
    expect(
      (await vigil.api<AlarmListResponse>('/api/alarms?sensor=Z-STAIR-CO&state=open', { headers: { cookie } })).body.alarms.map((a) => a.condition),
    ).not.toContain('co');
  });

  // Tuya smoke detectors through Zigbee2MQTT: `smoke` as "alarm" | "none", with "unknown" when the device does not know.
  it('a Tuya smoke "alarm" raises the fire alarm, "unknown" changes nothing, "none" clears it and the reset is accepted', async () => {
    await pub('zigbee2mqtt/Store smoke', { smoke: 'alarm', battery: 100 });
    const fire = await openAlarm('Z-TUYA-SMK', 'smoke', 'the Tuya fire alarm');
    expect(await act(fire.id, 'ack')).toBe(200);
    await pub('zigbee2mqtt/Store smoke', { smoke: 'unknown', battery: 100 });
    await pub('zigbee2mqtt/Store smoke', { smoke: 'none', battery: 100 });
    await stored(`SELECT type FROM event WHERE sensor = 'Z-TUYA-SMK' AND type = 'smoke_clear'`, 'the smoke clear');
    // Latching: the reset is what the fire needs, and it is accepted once the detector is clear.
    const status = await eventually(async () => ((await act(fire.id, 'reset')) === 200 ? 200 : null), 10_000, 'the reset accepted');
    expect(status).toBe(200);
    const events = await stored(`SELECT type FROM event WHERE sensor = 'Z-TUYA-SMK'`, 'the Tuya events');
    expect(events.map((e) => e.type)).toEqual(['smoke', 'smoke_clear']);
  });

  // https://www.zigbee2mqtt.io/devices/JTQJ-BF-01LM_BW.html: "Gas density: Value of gas concentration", no unit.
  it('a raw gas_density is not stored as %LEL and raises no gas alarm', async () => {
    await pub('zigbee2mqtt/Mijia gas', { gas: false, gas_density: 237, sensitivity: 'high', tamper: false });
    // Events and readings of one message are stored together: once its event is there, a reading would be too.
    await stored(`SELECT type FROM event WHERE sensor = 'Z-MI-GAS' AND type = 'gas_clear'`, 'the gas clear');
    await stored(`SELECT type FROM event WHERE sensor = 'Z-MI-GAS' AND type = 'tamper_clear'`, 'the tamper clear');
    expect(await influx.query(`SELECT value FROM reading WHERE sensor = 'Z-MI-GAS'`, DB)).toEqual([]);
    const alarms = await vigil.api<AlarmListResponse>('/api/alarms?sensor=Z-MI-GAS', { headers: { cookie } });
    expect(alarms.body.alarms).toEqual([]);
  });
});
