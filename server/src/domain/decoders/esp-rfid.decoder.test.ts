import { describe, expect, it } from 'vitest';
import type { Sensor } from '../../../../contract/index.ts';
import { Registry } from '../registry.ts';
import { EspRfidDecoder } from './esp-rfid.decoder.ts';
import { NOW, adapterRegistry, adapterSensor, adapterSensors, eventsOf, feed, statusesOf } from '../../../../test/support/decoder.fixtures.ts';

const registry = adapterRegistry();
const decoder = new EspRfidDecoder();
const send = feed(decoder, registry);
/** esp-rfid's `time` is epoch seconds; the documented 1605991375 (2020) is older than retention, so: now. */
const TIME = Math.floor(NOW / 1000) - 5;

// Payloads: esprfid/esp-rfid README-ADDON.md (github.com/esprfid/esp-rfid) "Messages sent by ESP-RFID".
const access = (accessState: string, isKnown: string, username: string) => ({
  type: 'access',
  time: TIME,
  isKnown,
  access: accessState,
  username,
  uid: '7a2b9c1d',
  hostname: 'esp-rfid-server',
  doorName: 'Server room',
});

describe('esp-rfid topics', () => {
  it("subscribes to each controller's send topic and its Home Assistant topics, once per controller", () => {
    const topics = decoder.subscriptions(registry);
    expect(topics.filter((t) => t.startsWith('/rfid/lobby/'))).toEqual([
      '/rfid/lobby/send',
      '/rfid/lobby/tag',
      '/rfid/lobby/io/door',
      '/rfid/lobby/io/tamper',
      '/rfid/lobby/avty',
    ]);
    expect(decoder.matches('/rfid/server-room/cmd')).toBe(false);
  });
});

describe('esp-rfid access', () => {
  // README-ADDON.md "Publish Access": access is Admin, Always, Disabled or Expired for a known badge, Denied for an unknown one
  it('grants on Always and Admin, with the badge as the credential and the device time', () => {
    const d = send('/rfid/server-room/send', access('Always', 'true', 'Anna Li'));
    expect(eventsOf(d)).toEqual(['R-DOOR access_granted']);
    expect(d.observations[0]).toMatchObject({ credential: '7a2b9c1d', detail: 'Always: Anna Li', ts: TIME * 1000, source: 'adapter' });
    expect(eventsOf(send('/rfid/server-room/send', access('Admin', 'true', 'Facilities')))).toEqual(['R-DOOR access_granted']);
  });

  // Decide from `access`, not `isKnown` — a known badge that is disabled or expired is refused.
  it('refuses on Denied, Disabled and Expired, whatever isKnown says', () => {
    expect(eventsOf(send('/rfid/server-room/send', access('Denied', 'false', 'Unknown')))).toEqual(['R-DOOR access_denied']);
    const disabled = send('/rfid/server-room/send', access('Disabled', 'true', 'Former contractor'));
    expect(eventsOf(disabled)).toEqual(['R-DOOR access_denied']);
    expect(disabled.observations[0]).toMatchObject({ detail: 'Disabled: Former contractor' });
    expect(eventsOf(send('/rfid/server-room/send', access('Expired', 'true', 'Visitor 12')))).toEqual(['R-DOOR access_denied']);
  });

  it('rejects an access state it does not know, with a reason', () => {
    expect(send('/rfid/server-room/send', access('Sometimes', 'true', 'X')).rejected).toEqual([
      { reason: 'adapter_error', detail: 'R-DOOR: access "Sometimes" is none of Always, Admin, Denied, Disabled, Expired' },
    ]);
  });

  // README-ADDON.md: "In case of multiple doors managed by one esp-rfid, you'll get an array for doorname and for access"
  it('picks the entry of a multi-door message by the door the sensor is bound to', () => {
    const d = send('/rfid/lobby/send', {
      type: 'access',
      time: TIME,
      isKnown: 'true',
      access: ['Always', 'Denied'],
      username: 'Anna Li',
      uid: '7a2b9c1d',
      hostname: 'esp-rfid-lobby',
      doorName: ['Front', 'Back'],
    });
    expect(eventsOf(d)).toEqual(['R-FRONT access_granted', 'R-BACK access_denied']);
  });
});

describe('esp-rfid heartbeats and log events', () => {
  // README-ADDON.md "Heartbeat": every 180 s by default, `time` in epoch seconds
  it('takes heartbeats and boot messages as online, at the device time unless its clock is unset', () => {
    const beat = send('/rfid/server-room/send', { type: 'heartbeat', time: TIME, uptime: 999, ip: '192.168.1.20', hostname: 'esp-rfid-server' });
    expect(statusesOf(beat)).toEqual([{ sensorId: 'R-DOOR', online: true }]);
    expect(beat.observations[0]?.ts).toBe(TIME * 1000);
    const boot = send('/rfid/server-room/send', { type: 'boot', time: 12, uptime: 0, ip: '192.168.1.20', hostname: 'esp-rfid-server' });
    expect(boot.observations[0]?.ts).toBe(NOW);
  });

  // README-ADDON.md "Door status" and "Tamper status"; src/door.esp: "Door was tampered!" when the door opens while the relay keeps it locked
  it('reads door status and a forced door from the log events, leaving held-open to Vigil', () => {
    const log = (type: string, src: string, desc: string) => ({ type, src, desc, data: '', time: TIME, cmd: 'event', hostname: 'esp-rfid-server' });
    expect(eventsOf(send('/rfid/server-room/send', log('INFO', 'door', 'Door Open')))).toEqual(['R-DOOR open']);
    expect(eventsOf(send('/rfid/server-room/send', log('INFO', 'door', 'Door Closed')))).toEqual(['R-DOOR closed']);
    const forced = send('/rfid/server-room/send', log('WARN', 'tamper', 'Door was tampered!'));
    expect(eventsOf(forced)).toEqual(['R-DOOR forced_open']);
    expect(send('/rfid/server-room/send', log('WARN', 'tamper', "Door wasn't closed within max open time!")).observations).toEqual([]);
    expect(send('/rfid/server-room/send', log('INFO', 'wifi', 'Enabling WiFi')).observations).toEqual([]);
    // One door-status input per controller: the first door bound to it.
    expect(eventsOf(send('/rfid/lobby/send', log('INFO', 'door', 'Door Open')))).toEqual(['R-FRONT open']);
  });

  it('rejects what is not an esp-rfid message', () => {
    expect(() => send('/rfid/server-room/send', 'door open')).toThrow(/not JSON/);
    expect(() => send('/rfid/server-room/send', { hello: 'world' })).toThrow(/needs a "type"/);
  });
});

describe('esp-rfid in Home Assistant mode', () => {
  // README-ADDON.md "Home Assistant messages": access on TOPIC/tag, door and tamper ON/OFF on TOPIC/io/*, availability on TOPIC/avty
  it('reads access from /tag, the door from /io/door (ON = open), tamper from /io/tamper and availability from /avty', () => {
    expect(eventsOf(send('/rfid/server-room/tag', { uid: '7a2b9c1d', username: 'Anna Li', access: 'Admin', time: TIME }))).toEqual(['R-DOOR access_granted']);
    expect(eventsOf(send('/rfid/server-room/io/door', 'ON'))).toEqual(['R-DOOR open']);
    expect(eventsOf(send('/rfid/server-room/io/door', 'OFF'))).toEqual(['R-DOOR closed']);
    expect(eventsOf(send('/rfid/server-room/io/tamper', 'ON'))).toEqual(['R-DOOR tamper']);
    expect(eventsOf(send('/rfid/server-room/io/tamper', 'OFF'))).toEqual(['R-DOOR tamper_clear']);
    expect(statusesOf(send('/rfid/server-room/avty', 'online'))).toEqual([{ sensorId: 'R-DOOR', online: true }]);
  });
});

/** The fixture sensors plus `extra`, at site hq. */
function registryWith(...extra: Sensor[]): Registry {
  return new Registry({
    name: 'esp-rfid',
    sites: [{ id: 'hq', name: 'HQ', timezone: 'Asia/Shanghai', floors: [] }],
    sensors: [...adapterSensors, ...extra],
    schedules: {},
    sops: {},
  });
}

describe('esp-rfid firmware that publishes on the bare topic', () => {
  // esp-rfid before the `/send` suffix published its access and heartbeat JSON on the configured topic itself
  // (`mqttClient.publish(mqttTopic, …)`), the same objects as README-ADDON.md's "Messages sent by ESP-RFID".
  it('reads access and heartbeats published on <topic> itself', () => {
    expect(decoder.subscriptions(registry)).toContain('/rfid/server-room');
    expect(eventsOf(send('/rfid/server-room', access('Always', 'true', 'Anna Li')))).toEqual(['R-DOOR access_granted']);
    expect(statusesOf(send('/rfid/server-room', { type: 'heartbeat', time: TIME, uptime: 999, ip: '192.168.1.20', hostname: 'esp-rfid-server' }))).toEqual([
      { sensorId: 'R-DOOR', online: true },
    ]);
  });
});

describe('esp-rfid readers sharing one topic', () => {
  const a = adapterSensor('R-SHARED-A', 'door', { adapter: 'esp_rfid', topic: '/rfid/floor2', hostname: 'esp-rfid-201' });
  const b = adapterSensor('R-SHARED-B', 'door', { adapter: 'esp_rfid', topic: '/rfid/floor2', hostname: 'ESP-RFID-202' });
  const sendShared = feed(new EspRfidDecoder(), registryWith(a, b));

  // src/mqtt.esp: heartbeat and boot carry `"hostname": deviceHostname`; access carries `"door": deviceHostname`.
  it('gives each reader its own heartbeats, boots and access, by hostname (any case)', () => {
    expect(statusesOf(sendShared('/rfid/floor2/send', { type: 'heartbeat', time: TIME, uptime: 999, ip: '192.168.1.21', hostname: 'esp-rfid-201' }))).toEqual([
      { sensorId: 'R-SHARED-A', online: true },
    ]);
    expect(statusesOf(sendShared('/rfid/floor2/send', { type: 'boot', time: TIME, uptime: '0', ip: '192.168.1.22', hostname: 'esp-rfid-202' }))).toEqual([
      { sensorId: 'R-SHARED-B', online: true },
    ]);
    const denied = sendShared('/rfid/floor2/send', {
      type: 'access',
      time: TIME,
      isKnown: 'false',
      access: 'Denied',
      username: 'Unknown',
      uid: '04a1b2c3',
      door: 'esp-rfid-202',
    });
    expect(eventsOf(denied)).toEqual(['R-SHARED-B access_denied']);
    const log = { type: 'INFO', src: 'door', desc: 'Door Open', data: '', time: TIME, cmd: 'event', hostname: 'esp-rfid-201' };
    expect(eventsOf(sendShared('/rfid/floor2/send', log))).toEqual(['R-SHARED-A open']);
  });

  it('ignores, without a rejection, a reader on the topic that no sensor is bound to', () => {
    expect(sendShared('/rfid/floor2/send', { type: 'heartbeat', time: TIME, hostname: 'esp-rfid-203' })).toEqual({ observations: [], rejected: [] });
  });
});

describe('esp-rfid availability', () => {
  // src/mqtt.esp: `online` is published retained on <topic>/avty at connect; `offline` there is the broker's
  // last will when a reader's connection drops — which one, on a shared topic, it does not say.
  it('takes online on avty as news, and offline alone as nothing: the heartbeats decide', () => {
    expect(statusesOf(send('/rfid/server-room/avty', 'online'))).toEqual([{ sensorId: 'R-DOOR', online: true }]);
    expect(send('/rfid/server-room/avty', 'offline')).toEqual({ observations: [], rejected: [] });
    expect(() => send('/rfid/server-room/avty', 'maybe')).toThrow(/expected online or offline/);
  });
});
