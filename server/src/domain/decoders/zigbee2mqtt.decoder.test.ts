import { beforeEach, describe, expect, it } from 'vitest';
import { Zigbee2mqttDecoder } from './zigbee2mqtt.decoder.ts';
import type { Sensor } from '../../../../contract/index.ts';
import { NOW, adapterRegistry, adapterSensor, eventsOf, feed, readingsOf, statusesOf } from '../../../../test/support/decoder.fixtures.ts';
import { Registry } from '../registry.ts';

const registry = adapterRegistry();

/** A decoder over a registry of these sensors alone. */
function ownRegistry(sensors: Sensor[]): ReturnType<typeof feed> {
  const facility = { name: 'Z2M', sites: [{ id: 'hq', name: 'HQ', timezone: 'Asia/Shanghai', floors: [] }], sensors, schedules: {}, sops: {} };
  return feed(new Zigbee2mqttDecoder(), new Registry(facility));
}
let send: ReturnType<typeof feed>;
let decoder: Zigbee2mqttDecoder;

beforeEach(() => {
  decoder = new Zigbee2mqttDecoder();
  send = feed(decoder, registry);
});

describe('Zigbee2MQTT topics', () => {
  // https://www.zigbee2mqtt.io/guide/usage/mqtt_topics_and_messages.html: <base>/<name>, <name>/availability, <base>/bridge/state
  it('subscribes to exactly the bound devices, their availability and each bridge state, nothing broader', () => {
    const topics = decoder.subscriptions(registry);
    expect(topics).toContain('zigbee2mqtt/Guesthouse 201 smoke');
    expect(topics).toContain('east/z2m/Kitchen/CO detector');
    expect(topics).toContain('east/z2m/Kitchen/CO detector/availability');
    expect(topics).toContain('zigbee2mqtt/bridge/state');
    expect(topics).toContain('east/z2m/bridge/state');
    expect(topics.some((t) => /[+#]/.test(t))).toBe(false);
    expect(decoder.matches('zigbee2mqtt/Some other device')).toBe(false);
    expect(decoder.matches('vigil/hq/X/reading')).toBe(false);
  });
});

describe('Zigbee2MQTT smoke detectors', () => {
  // https://www.zigbee2mqtt.io/devices/JTYJ-GD-01LM_BW.html (exposes smoke, battery_low, tamper, battery, smoke_density, test)
  it('states the current state on the first message, then only changes; battery every time', () => {
    const first = send('zigbee2mqtt/Guesthouse 201 smoke', { smoke: true, battery: 100, battery_low: false, tamper: false, linkquality: 65 });
    expect(eventsOf(first)).toEqual(['Z-SMK smoke', 'Z-SMK tamper_clear']);
    expect(statusesOf(first)).toEqual([{ sensorId: 'Z-SMK', battery: 100 }]);
    expect(first.observations.every((o) => o.source === 'adapter' && o.zoneId === 'kitchen' && o.kind === 'smoke')).toBe(true);

    // Zigbee2MQTT repeats the whole state: nothing changed, no event.
    const repeat = send('zigbee2mqtt/Guesthouse 201 smoke', { smoke: true, battery: 100, battery_low: false, tamper: false, linkquality: 60 });
    expect(eventsOf(repeat)).toEqual([]);
    expect(eventsOf(send('zigbee2mqtt/Guesthouse 201 smoke', { smoke: false, battery: 100, battery_low: false, tamper: false }))).toEqual([
      'Z-SMK smoke_clear',
    ]);
  });

  // NFPA 72 14.4: a test signal is recorded, not treated as an alarm. Device page: JY-GZ-01AQ "Test (binary): Self-test in progress".
  // https://www.zigbee2mqtt.io/devices/JY-GZ-01AQ.html
  // The decoder passes the smoke on: the engine decides how long it is the test (rules.selftest.ts),
  // so a test flag stuck on cannot hide a fire.
  it('reports a self-test as test … test_clear, passing smoke during it on, and ends the test after the smoke clears', () => {
    expect(eventsOf(send('zigbee2mqtt/Guesthouse 201 smoke', { smoke: false, test: false }))).toEqual(['Z-SMK smoke_clear']);
    expect(eventsOf(send('zigbee2mqtt/Guesthouse 201 smoke', { smoke: true, test: true }))).toEqual(['Z-SMK test', 'Z-SMK smoke']);
    expect(eventsOf(send('zigbee2mqtt/Guesthouse 201 smoke', { smoke: true, test: true }))).toEqual([]);
    expect(eventsOf(send('zigbee2mqtt/Guesthouse 201 smoke', { smoke: false, test: false }))).toEqual(['Z-SMK smoke_clear', 'Z-SMK test_clear']);
    expect(eventsOf(send('zigbee2mqtt/Guesthouse 201 smoke', { smoke: true, test: false }))).toEqual(['Z-SMK smoke']);
  });

  // https://www.zigbee2mqtt.io/guide/usage/mqtt_topics_and_messages.html: messages carry what changed; null is unknown
  it('takes partial messages, and null as unknown: it clears nothing and re-asserts nothing', () => {
    expect(eventsOf(send('zigbee2mqtt/Guesthouse 201 smoke', { smoke: true }))).toEqual(['Z-SMK smoke']);
    const battery = send('zigbee2mqtt/Guesthouse 201 smoke', { battery: 90 });
    expect(eventsOf(battery)).toEqual([]);
    expect(statusesOf(battery)).toEqual([{ sensorId: 'Z-SMK', battery: 90 }]);
    const unknown = send('zigbee2mqtt/Guesthouse 201 smoke', { smoke: null, tamper: null, battery: null, smoke_density_dbm: null });
    expect(unknown.observations).toEqual([]);
    expect(unknown.rejected).toEqual([]);
    // The last known state stands: the same value again is no change.
    expect(eventsOf(send('zigbee2mqtt/Guesthouse 201 smoke', { smoke: true }))).toEqual([]);
    expect(eventsOf(send('zigbee2mqtt/Guesthouse 201 smoke', { smoke: false }))).toEqual(['Z-SMK smoke_clear']);
  });

  // Battery as a string (some converters and retained legacy states); a bad field is rejected, the rest read.
  it('reads a battery given as a string, and rejects a message once, naming every field it cannot read', () => {
    expect(statusesOf(send('zigbee2mqtt/Guesthouse 201 smoke', { battery: '85' }))).toEqual([{ sensorId: 'Z-SMK', battery: 85 }]);
    const bad = send('zigbee2mqtt/Guesthouse 201 smoke', { smoke: 'maybe', tamper: true });
    expect(eventsOf(bad)).toEqual(['Z-SMK tamper']);
    expect(bad.rejected).toEqual([{ reason: 'adapter_error', detail: 'Z-SMK: smoke: cannot read "maybe" as on/off' }]);
    const two = send('zigbee2mqtt/Guesthouse 201 smoke', { smoke: 'maybe', tamper: 'perhaps', battery: 'full' });
    expect(two.rejected).toEqual([
      {
        reason: 'adapter_error',
        detail: 'Z-SMK: smoke: cannot read "maybe" as on/off; tamper: cannot read "perhaps" as on/off; battery: "full" is not a number',
      },
    ]);
    const high = send('zigbee2mqtt/Guesthouse 201 smoke', { battery: 180 });
    expect(high.rejected[0]?.reason).toBe('invalid_payload');
    // A field it cannot read and a value the contract refuses: still one rejection for the message.
    const both = send('zigbee2mqtt/Guesthouse 201 smoke', { smoke: 'maybe', battery: 180 });
    expect(both.rejected).toHaveLength(1);
    expect(both.rejected[0]?.detail).toMatch(/^Z-SMK: .*battery.*; Z-SMK: smoke: cannot read "maybe" as on\/off$/);
  });

  // https://www.zigbee2mqtt.io/devices/JY-GZ-01AQ.html: smoke_density has no unit; smoke_density_dbm is in dB/m
  it('reads a raw smoke density only through a configured scale, ignores it without one, and converts dB/m to %obs/m', () => {
    const raw = send('zigbee2mqtt/Guesthouse 201 smoke', { smoke: false, smoke_density: 12 });
    expect(eventsOf(raw)).toEqual(['Z-SMK smoke_clear']);
    expect(readingsOf(raw)).toEqual([]);
    // A raw field the binding does not read is no error in each of the device's messages: the check at start says how to read it.
    expect(raw.rejected).toEqual([]);
    expect(readingsOf(send('zigbee2mqtt/Guesthouse 202 smoke', { smoke_density: 51 }))).toEqual([{ sensorId: 'Z-SMK-RAW', value: 4, unit: '%obs/m' }]);
    expect(readingsOf(send('zigbee2mqtt/Guesthouse 201 smoke', { smoke_density_dbm: 0.1 }))).toEqual([{ sensorId: 'Z-SMK', value: 2.276, unit: '%obs/m' }]);
  });

  it('uses last_seen as the device time when Zigbee2MQTT adds it', () => {
    const d = send('zigbee2mqtt/Guesthouse 201 smoke', { smoke: false, last_seen: '2026-11-27T09:59:58+08:00' });
    expect(d.observations[0]?.ts).toBe(NOW - 2000);
    expect(d.observations[0]?.receivedAt).toBe(NOW);
  });
});

describe('Zigbee2MQTT gas and CO detectors', () => {
  // https://www.zigbee2mqtt.io/devices/JTQJ-BF-01LM_BW.html (gas, tamper, sensitivity, gas_density, selftest):
  // "Gas density (numeric): Value of gas concentration", no unit — a raw number is never %LEL.
  it('turns gas into gas/gas_clear on change, and never reads a raw gas_density as %LEL', () => {
    const alarm = send('zigbee2mqtt/Kitchen gas', { gas: true, gas_density: 237, sensitivity: 'high', tamper: false, linkquality: 110 });
    expect(eventsOf(alarm)).toEqual(['Z-GAS gas', 'Z-GAS tamper_clear']);
    expect(readingsOf(alarm)).toEqual([]);
    expect(alarm.rejected).toEqual([]);
    expect(eventsOf(send('zigbee2mqtt/Kitchen gas', { gas: true, gas_density: 240 }))).toEqual([]);
    expect(eventsOf(send('zigbee2mqtt/Kitchen gas', { gas: false, gas_density: 0 }))).toEqual(['Z-GAS gas_clear']);
    // `selftest` is a command; published back as "" it says nothing.
    expect(send('zigbee2mqtt/Kitchen gas', { selftest: '' }).rejected).toEqual([]);
  });

  // https://www.zigbee2mqtt.io/devices/JT-BZ-01AQ_A.html: "Gas density ... The unit of this value is %LEL" (bound with unit: "%LEL");
  // a JTQJ-BF-01LM/BW calibrated against its data sheet (bound with scale).
  it('reads gas_density as %LEL where the binding says so, or through its scale, every time', () => {
    const own = ownRegistry([
      adapterSensor('AQ-GAS', 'gas', { adapter: 'zigbee2mqtt', topic: 'zigbee2mqtt/Aqara gas', unit: '%LEL' }),
      adapterSensor('MI-GAS', 'gas', { adapter: 'zigbee2mqtt', topic: 'zigbee2mqtt/Mijia gas', scale: { from: [0, 1000], to: [0, 100] } }),
    ]);
    expect(readingsOf(own('zigbee2mqtt/Aqara gas', { gas: false, gas_density: 35 }))).toEqual([{ sensorId: 'AQ-GAS', value: 35, unit: '%LEL' }]);
    expect(readingsOf(own('zigbee2mqtt/Aqara gas', { gas: false, gas_density: 40 }))).toEqual([{ sensorId: 'AQ-GAS', value: 40, unit: '%LEL' }]);
    expect(readingsOf(own('zigbee2mqtt/Mijia gas', { gas: false, gas_density: 237 }))).toEqual([{ sensorId: 'MI-GAS', value: 23.7, unit: '%LEL' }]);
  });

  // https://www.zigbee2mqtt.io/devices/E04CF-Z10T.html: "gas" numeric in %LEL, "gas_sensor_state" normal|alarm, "co" in ppm
  it('reads enum alarm states and a numeric gas value, skipping the other gas of a combined detector', () => {
    const d = send('zigbee2mqtt/Kitchen gas', { gas: 12, co: 3, gas_sensor_state: 'alarm', co_state: 'normal' });
    expect(readingsOf(d)).toEqual([{ sensorId: 'Z-GAS', value: 12, unit: '%LEL' }]);
    expect(eventsOf(d)).toEqual(['Z-GAS gas']);
    expect(d.rejected).toEqual([]);
  });

  // https://www.zigbee2mqtt.io/devices/HS1CA-E.html (carbon_monoxide true/false); https://www.zigbee2mqtt.io/devices/DCR-CO.html ("ON"/"OFF", co in ppm)
  it('maps a CO alarm to the detector alarm of a CO sensor, in either spelling, with ppm readings', () => {
    const heiman = send('east/z2m/Kitchen/CO detector', { carbon_monoxide: true, battery_low: false, battery: 90, linkquality: 40 });
    expect(eventsOf(heiman)).toEqual(['Z-CO gas']);
    const tuya = send('east/z2m/Kitchen/CO detector', { carbon_monoxide: 'OFF', co: 42 });
    expect(eventsOf(tuya)).toEqual(['Z-CO gas_clear']);
    expect(readingsOf(tuya)).toEqual([{ sensorId: 'Z-CO', value: 42, unit: 'ppm' }]);
  });
});

describe('Zigbee2MQTT contacts and trouble', () => {
  // https://www.zigbee2mqtt.io/devices/MCCGQ11LM.html: "Indicates if the contact is closed (= true) or open (= false)"
  it('reads contact true as closed and false as open', () => {
    expect(eventsOf(send('zigbee2mqtt/Dorm side door', { contact: true, battery: 91, voltage: 3005, linkquality: 39 }))).toEqual(['Z-DOOR closed']);
    expect(eventsOf(send('zigbee2mqtt/Dorm side door', { contact: false, battery: 91 }))).toEqual(['Z-DOOR open']);
    expect(eventsOf(send('zigbee2mqtt/Dorm side door', { contact: false, battery: 91 }))).toEqual([]);
  });

  // https://www.zigbee2mqtt.io/devices/TS0207_water_leak_detector_3.html (water_leak, battery_low, battery, tamper).
  // Bound as a smoke sensor, a leak detector's water_leak has no sensor to receive it: never silent.
  it('raises an unbound water leak as unbound_signal on the bound sensor, and clears it when dry', () => {
    const leak = send('zigbee2mqtt/Plant room detector', { water_leak: true, battery_low: false, battery: 100, tamper: false });
    expect(eventsOf(leak)).toEqual(['Z-PLANT tamper_clear', 'Z-PLANT unbound_signal']);
    expect(leak.rejected).toEqual([
      {
        reason: 'adapter_error',
        detail: 'Z-PLANT: water_leak alarm, but no leak sensor is bound to "zigbee2mqtt/Plant room detector": bind one (kind: leak, same topic) to receive it',
      },
    ]);
    expect(eventsOf(send('zigbee2mqtt/Plant room detector', { water_leak: true, battery: 100 }))).toEqual([]);
    expect(eventsOf(send('zigbee2mqtt/Plant room detector', { water_leak: false, battery: 100 }))).toEqual(['Z-PLANT unbound_signal_clear']);
  });

  // https://github.com/Koenkk/zigbee2mqtt.io/blob/master/docs/devices/SW21.md: water_leak, battery_low, tamper, linkquality — no battery %
  it('raises battery_low as a fault only for devices that report no battery percentage', () => {
    const d = send('zigbee2mqtt/Plant room detector', { water_leak: false, battery_low: true, tamper: false, linkquality: 60 });
    expect(d.observations.find((o) => o.channel === 'event' && o.type === 'fault')).toMatchObject({ detail: 'battery low' });
    expect(eventsOf(send('zigbee2mqtt/Dorm side door', { contact: true, battery: 10, battery_low: true }))).toEqual(['Z-DOOR closed']);
  });
});

describe('Zigbee2MQTT availability', () => {
  // https://www.zigbee2mqtt.io/guide/configuration/device-availability.html; legacy payload `online`/`offline`, current `{"state":"online"}`
  it('reads availability in both payload forms', () => {
    expect(statusesOf(send('zigbee2mqtt/Dorm side door/availability', 'offline'))).toEqual([{ sensorId: 'Z-DOOR', online: false }]);
    expect(statusesOf(send('zigbee2mqtt/Dorm side door/availability', { state: 'online' }))).toEqual([{ sensorId: 'Z-DOOR', online: true }]);
    expect(statusesOf(send('east/z2m/Kitchen/CO detector/availability', 'online'))).toEqual([{ sensorId: 'Z-CO', online: true }]);
  });

  // A bridge going offline makes every device behind it offline.
  it('takes every device of a bridge offline with it, and re-states them when they speak again', () => {
    expect(eventsOf(send('zigbee2mqtt/Guesthouse 201 smoke', { smoke: false }))).toEqual(['Z-SMK smoke_clear']);
    const down = send('zigbee2mqtt/bridge/state', { state: 'offline' });
    expect(statusesOf(down).map((s) => s.sensorId)).toEqual(['Z-SMK', 'Z-SMK-RAW', 'Z-GAS', 'Z-DOOR', 'Z-PLANT']);
    expect(statusesOf(down).every((s) => s.online === false)).toBe(true);
    expect(statusesOf(send('east/z2m/bridge/state', 'offline'))).toEqual([{ sensorId: 'Z-CO', online: false }]);
    expect(send('zigbee2mqtt/bridge/state', 'online').observations).toEqual([]);
    expect(eventsOf(send('zigbee2mqtt/Guesthouse 201 smoke', { smoke: false }))).toEqual(['Z-SMK smoke_clear']);
  });
});

describe('Zigbee2MQTT input it cannot read', () => {
  it('rejects with a reason, like any bad input', () => {
    const reason = (topic: string, payload: string): string => {
      try {
        send(topic, payload);
        return 'accepted';
      } catch (err) {
        return (err as { reason: string }).reason;
      }
    };
    expect(reason('zigbee2mqtt/Guesthouse 201 smoke', '{not json')).toBe('not_json');
    expect(reason('zigbee2mqtt/Guesthouse 201 smoke', '[{"smoke":true}]')).toBe('adapter_error');
    expect(reason('zigbee2mqtt/Guesthouse 201 smoke', JSON.stringify({ smoke: false, pad: 'x'.repeat(20_000) }))).toBe('oversized');
    expect(reason('zigbee2mqtt/Dorm side door/availability', 'maybe')).toBe('adapter_error');
    expect(reason('zigbee2mqtt/bridge/state', '{"state":42}')).toBe('adapter_error');
  });
});

// https://www.zigbee2mqtt.io/devices/HALO+.html: "Halo+ smart smoke & CO detector", exposes smoke ("Indicates whether the
// device detected smoke"), carbon_monoxide ("Indicates if CO (carbon monoxide) is detected") and co_ppm ("The unit of this
// value is ppm") on one state topic: one sensor per detector it carries.
describe('Zigbee2MQTT devices carrying several detectors', () => {
  const combo = 'zigbee2mqtt/Hall smoke and CO';
  const smoke = adapterSensor('H-SMK', 'smoke', { adapter: 'zigbee2mqtt', topic: combo });
  const co = adapterSensor('H-CO', 'co', { adapter: 'zigbee2mqtt', topic: combo });

  it('gives each sensor bound to the device its own kind of field, and the device fields to both', () => {
    const both = ownRegistry([smoke, co]);
    const fire = both(combo, { smoke: true, carbon_monoxide: false, co_ppm: 3, tamper: false, battery: 80 });
    expect(eventsOf(fire)).toEqual(['H-SMK smoke', 'H-SMK tamper_clear', 'H-CO gas_clear', 'H-CO tamper_clear']);
    expect(readingsOf(fire)).toEqual([{ sensorId: 'H-CO', value: 3, unit: 'ppm' }]);
    expect(statusesOf(fire)).toEqual([
      { sensorId: 'H-SMK', battery: 80 },
      { sensorId: 'H-CO', battery: 80 },
    ]);
    expect(fire.rejected).toEqual([]);
    const gas = both(combo, { smoke: false, carbon_monoxide: true, co_ppm: 150 });
    expect(eventsOf(gas)).toEqual(['H-SMK smoke_clear', 'H-CO gas']);
    expect(readingsOf(gas)).toEqual([{ sensorId: 'H-CO', value: 150, unit: 'ppm' }]);
  });

  it('rejects a detector alarm no sensor receives and raises unbound_signal on the bound sensor until it stops', () => {
    const coOnly = ownRegistry([co]);
    const fire = coOnly(combo, { smoke: true, carbon_monoxide: false, battery: 80 });
    expect(eventsOf(fire)).toEqual(['H-CO gas_clear', 'H-CO unbound_signal']);
    expect(fire.observations.find((o) => o.channel === 'event' && o.type === 'unbound_signal')).toMatchObject({
      detail: 'smoke from a device bound only as co',
    });
    expect(fire.rejected).toEqual([
      {
        reason: 'adapter_error',
        detail: 'H-CO: smoke alarm, but no smoke sensor is bound to "zigbee2mqtt/Hall smoke and CO": bind one (kind: smoke, same topic) to receive it',
      },
    ]);
    // Repeated while it lasts: rejected each time (the signal is still lost), raised once.
    const again = coOnly(combo, { smoke: true, carbon_monoxide: false });
    expect(eventsOf(again)).toEqual([]);
    expect(again.rejected).toHaveLength(1);
    expect(eventsOf(coOnly(combo, { smoke: false, carbon_monoxide: false }))).toEqual(['H-CO unbound_signal_clear']);
    expect(eventsOf(coOnly(combo, { smoke: false }))).toEqual([]);
  });

  it('a self-test flag does not excuse an unbound detector alarm: a stuck test would hide it for good', () => {
    const coOnly = ownRegistry([co]);
    const tested = coOnly(combo, { test: true, smoke: true, carbon_monoxide: false });
    expect(eventsOf(tested)).toContain('H-CO unbound_signal');
    expect(tested.rejected).toHaveLength(1);
  });

  it('names every kind the device is bound as when a third detector of it has no sensor', () => {
    const both = ownRegistry([smoke, co]);
    const wet = both(combo, { water_leak: true, smoke: false, carbon_monoxide: false });
    expect(wet.observations.find((o) => o.channel === 'event' && o.type === 'unbound_signal')).toMatchObject({
      sensorId: 'H-SMK',
      detail: 'water_leak from a device bound as smoke and co',
    });
  });
});

// Tuya/ONENUO TS0601 smoke detectors (zigbee-herdsman-converters: `e.enum('smoke_state', ea.STATE, ['alarm', 'normal',
// 'detecting', 'unknown'])`), and Tuya converters publishing `smoke` as "alarm" | "none": every documented word is read.
describe('Zigbee2MQTT vendor enums', () => {
  it('reads alarm / none / normal, and takes unknown and detecting as no news', () => {
    expect(eventsOf(send('zigbee2mqtt/Guesthouse 201 smoke', { smoke: 'alarm' }))).toEqual(['Z-SMK smoke']);
    for (const word of ['unknown', 'detecting']) {
      const d = send('zigbee2mqtt/Guesthouse 201 smoke', { smoke: word, smoke_state: word });
      expect(d.observations).toEqual([]);
      expect(d.rejected).toEqual([]);
    }
    expect(eventsOf(send('zigbee2mqtt/Guesthouse 201 smoke', { smoke: 'none' }))).toEqual(['Z-SMK smoke_clear']);
    expect(eventsOf(send('zigbee2mqtt/Guesthouse 201 smoke', { smoke_state: 'alarm' }))).toEqual(['Z-SMK smoke']);
    expect(eventsOf(send('zigbee2mqtt/Guesthouse 201 smoke', { smoke_state: 'normal' }))).toEqual(['Z-SMK smoke_clear']);
  });
});

// https://www.zigbee2mqtt.io/guide/usage/mqtt_topics_and_messages.html: a property Zigbee2MQTT has no value for is null.
describe('Zigbee2MQTT null values', () => {
  it('reads no value and no state from null: a CO clear with co: null carries no stale ppm', () => {
    const alarm = send('east/z2m/Kitchen/CO detector', { carbon_monoxide: true, co: 150 });
    expect(eventsOf(alarm)).toEqual(['Z-CO gas']);
    expect(readingsOf(alarm)).toEqual([{ sensorId: 'Z-CO', value: 150, unit: 'ppm' }]);
    const clear = send('east/z2m/Kitchen/CO detector', { carbon_monoxide: false, co: null });
    expect(eventsOf(clear)).toEqual(['Z-CO gas_clear']);
    expect(readingsOf(clear)).toEqual([]);
    expect(clear.rejected).toEqual([]);
  });
});
