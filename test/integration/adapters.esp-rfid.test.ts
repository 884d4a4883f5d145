// esp-rfid readers sharing one topic, through a real Mosquitto into the real server and InfluxDB: each
// reader's heartbeats are its own, and `offline` on the topic's avty — the broker's last will for
// whichever reader dropped its connection — takes no reader offline; a reader goes offline when its
// own heartbeats stop for heartbeatS × 3 (the offline watchdog), and its next heartbeat clears it.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useAdapterStack } from '../support/adapter.stack.ts';

const FACILITY = path.resolve('test/fixtures/adapters/gaps.facility.yaml');
const DB = 'vigil_adapters_esp_rfid_test';
/** G-RFID-202's heartbeatS (2 s) × 3 heartbeats: the silence that makes it offline. */
const GRACE_MS = 6000;

const stack = useAdapterStack({
  facility: FACILITY,
  db: DB,
  warmUpSensor: { topic: 'vigil/g1/G-NATIVE-GAS/reading', sensor: 'G-NATIVE-GAS' },
});
const { pub, stored } = stack;

// src/mqtt.esp (esprfid/esp-rfid): heartbeat {"type":"heartbeat","time":…,"uptime":…,"ip":…,"hostname":…}
// on <topic>/send; `online` retained on <topic>/avty at connect, `offline` there as the last will.
const heartbeat = (hostname: string) => ({ type: 'heartbeat', time: Math.floor(Date.now() / 1000), uptime: 600, ip: '192.168.1.21', hostname });

describe('esp-rfid readers on one topic', () => {
  it("takes each reader's heartbeat as its own, and an access message by the reader it names", async () => {
    await pub('/rfid/floor2/send', heartbeat('esp-rfid-201'));
    const status = await stored(`SELECT online FROM status WHERE sensor = 'G-RFID-201'`, "reader 201's heartbeat");
    expect(status[0]).toMatchObject({ online: true });
    // src/mqtt.esp mqtt_publish_access: `"door": deviceHostname`.
    await pub('/rfid/floor2/send', {
      type: 'access',
      time: Math.floor(Date.now() / 1000),
      isKnown: 'false',
      access: 'Denied',
      username: 'Unknown',
      uid: '04a1b2c3',
      door: 'esp-rfid-202',
    });
    const access = await stored(`SELECT type, credential FROM event WHERE sensor = 'G-RFID-202'`, "reader 202's access");
    expect(access[0]).toMatchObject({ type: 'access_denied', credential: '04a1b2c3' });
    expect(await stored(`SELECT count(type) FROM event WHERE sensor = 'G-RFID-201' OR sensor = 'G-RFID-202'`, 'the events')).toEqual([
      expect.objectContaining({ count: 1 }),
    ]);
  });

  it('raises offline only after the grace of silence, not on avty offline; a heartbeat clears it', async () => {
    await pub('/rfid/floor2/send', heartbeat('esp-rfid-202'));
    const lastBeat = Date.now();
    await pub('/rfid/floor2/avty', 'offline');
    // Raised (or raised again, if the silence before the first message already raised it) by the watchdog.
    const offline = `sensor = 'G-RFID-202' AND condition = 'offline'`;
    const raised = await stored(
      `SELECT event FROM alarm_event WHERE ${offline} AND (event = 'raised' OR event = 'reactivated') AND time > ${lastBeat}ms`,
      "reader 202's offline alarm",
    );
    // After the grace, not at the last will a moment after the heartbeat.
    expect(raised[0]!.time as number).toBeGreaterThanOrEqual(lastBeat + GRACE_MS - 1000);
    // Reader 201 heard the same last will; its own heartbeat interval (300 s) has not run out.
    expect(await stack.influx.query(`SELECT event FROM alarm_event WHERE sensor = 'G-RFID-201' AND condition = 'offline'`, DB)).toEqual([]);

    await pub('/rfid/floor2/send', heartbeat('esp-rfid-202'));
    const cleared = await stored(
      `SELECT event FROM alarm_event WHERE ${offline} AND event = 'cleared' AND time > ${raised[0]!.time as number}ms`,
      'the offline alarm cleared by the heartbeat',
    );
    expect(cleared[0]).toMatchObject({ event: 'cleared' });
  });
});
