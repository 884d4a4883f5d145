// Retained MQTT messages are state, not news (server/src/domain/retained.ts). The broker re-sends
// every retained message each time Vigil's persistent session subscribes again — after every
// restart, SIGTERM or kill -9 — so without the rule a retained reading without `ts` becomes one more
// point per reconnect, and a retained smoke event re-raises its alarm after it was acknowledged and
// reset. Real Mosquitto (the shipped configuration), real InfluxDB, the real server.
//
// Every "nothing more happened" below is read after observable signals that it would have:
// the replays counted in vigil_retained_ignored_total (so they arrived and were judged), then a
// live sentinel reading stored and the ingest queue empty (so whatever was accepted before is in
// InfluxDB).
import path from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alarm, AlarmListResponse } from '../../contract/index.ts';
import { startInflux, startMosquitto, stopAllServices, type InfluxHandle, type MosquittoHandle } from '../support/services.ts';
import { eventually, startVigil, type VigilHandle } from '../support/vigil.ts';

const FACILITY = path.resolve('test/fixtures/retained/facility.yaml');
const DB = 'vigil_retained_test';
/** Vigil's ingest client id (MQTT_CLIENT_ID's default): its persistent session on the broker. */
const INGEST_CLIENT_ID = 'vigil-ingest';
const Z2M_TOPIC = 'zigbee2mqtt/Hall smoke';

let broker: MosquittoHandle;
let influx: InfluxHandle;
let vigil: VigilHandle;
let publisher: MqttClient;
let cookie: string;
/** Device time of the retained R-GAS-02 reading (published with `ts`). */
const T1 = Date.now() - 60_000;
let sentinelTs = Date.now() - 30_000;

const publish = (topic: string, payload: object, retain: boolean) => publisher.publishAsync(topic, JSON.stringify(payload), { qos: 1, retain });

/** A point's time carries a content-derived sub-millisecond offset: match its millisecond. */
const at = (ms: number) => `time >= ${ms}ms AND time < ${ms + 1}ms`;

async function count(influxql: string): Promise<number> {
  const rows = await influx.query(influxql, DB);
  return Number(rows[0]?.count ?? 0);
}

/** The points each retained message may have made, by what it is. */
async function points(): Promise<Record<string, number>> {
  return {
    gasNoTs: await count(`SELECT count(value) FROM reading WHERE sensor = 'R-GAS-01'`),
    gasWithTs: await count(`SELECT count(value) FROM reading WHERE sensor = 'R-GAS-02'`),
    smokeEvent: await count(`SELECT count(type) FROM event WHERE sensor = 'R-SMK-01' AND type = 'smoke'`),
    smokeStatus: await count(`SELECT count(battery) FROM status WHERE sensor = 'R-SMK-01'`),
    z2mSmokeEvent: await count(`SELECT count(type) FROM event WHERE sensor = 'R-Z2M-SMK' AND type = 'smoke'`),
    z2mStatus: await count(`SELECT count(battery) FROM status WHERE sensor = 'R-Z2M-SMK'`),
  };
}

const ONE_EACH = { gasNoTs: 1, gasWithTs: 1, smokeEvent: 1, smokeStatus: 1, z2mSmokeEvent: 1, z2mStatus: 1 };

async function metrics(): Promise<string> {
  return (await fetch(`${vigil.url}/metrics`)).text();
}

/** vigil_retained_ignored_total by reason, since this Vigil process started. */
async function ignored(): Promise<Record<string, number>> {
  const out: Record<string, number> = { no_device_time: 0, not_newer: 0, status_only: 0 };
  for (const m of (await metrics()).matchAll(/^vigil_retained_ignored_total\{reason="(\w+)"\} (\d+)$/gm)) out[m[1]!] = Number(m[2]);
  return out;
}

/** A live reading stored, then nothing accepted left undurable: everything before it is in InfluxDB. */
async function caughtUp(): Promise<void> {
  const ts = ++sentinelTs;
  await publish('vigil/r1/R-SENTINEL/reading', { ts, value: 1, unit: '%LEL' }, false);
  await eventually(
    async () => (await count(`SELECT count(value) FROM reading WHERE sensor = 'R-SENTINEL' AND ${at(ts)}`)) === 1,
    15_000,
    'the sentinel reading stored',
  );
  await eventually(async () => /^vigil_ingest_queue_points 0$/m.test(await metrics()), 15_000, 'the ingest queue empty');
}

/** After a (re)start: the broker's retained copies arrived and were judged, then ingest caught up. */
async function replaysJudged(expected: Record<string, number>): Promise<void> {
  const total = Object.values(expected).reduce((a, b) => a + b, 0);
  await eventually(async () => Object.values(await ignored()).reduce((a, b) => a + b, 0) >= total, 20_000, `${total} retained replays counted`);
  await caughtUp();
  expect(await ignored()).toEqual(expected);
}

async function alarmsOf(sensorId: string): Promise<Alarm[]> {
  const res = await vigil.api<AlarmListResponse>(`/api/alarms?sensor=${sensorId}`, { headers: { cookie } });
  expect(res.status).toBe(200);
  return res.body.alarms;
}

const act = async (alarmId: string, action: 'ack' | 'reset') => {
  const res = await vigil.api<{ alarm?: Alarm }>(`/api/alarms/${alarmId}/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: '{}',
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.alarm!;
};

/** The broker forgets Vigil's persistent session (subscriptions and queue), as when it expires. */
async function dropIngestSession(): Promise<void> {
  const takeover = await mqtt.connectAsync(broker.url, { clientId: INGEST_CLIENT_ID, clean: true });
  await takeover.endAsync();
}

beforeAll(async () => {
  [broker, influx] = await Promise.all([startMosquitto(), startInflux()]);
  publisher = await mqtt.connectAsync(broker.url, { clientId: 'retained-test-publisher', clean: true });
  vigil = await startVigil({ mqttUrl: broker.url, influxUrl: influx.url, influxDb: DB, env: { FACILITY_FILE: FACILITY, FLUSH_INTERVAL_MS: '100' } });
  await vigil.addUser('officer1', 'officer');
  cookie = await vigil.login('officer1');
  // A first run only to sign in: the InfluxDB schema need not be ready when it stops, as the next
  // start, with retained messages waiting, writes while setting it up (test/integration/influx.schema.test.ts).
  await vigil.stop();
  await dropIngestSession();
  // Retained before Vigil ever subscribed: its first subscription is the only way it hears of them.
  await publish('vigil/r1/R-GAS-01/reading', { value: 3.5, unit: '%LEL' }, true);
  await publish('vigil/r1/R-GAS-02/reading', { ts: T1, value: 4, unit: '%LEL' }, true);
  await publish('vigil/r1/R-SMK-01/event', { type: 'smoke' }, true);
  await publish('vigil/r1/R-SMK-01/status', { battery: 80 }, true);
  await publish(Z2M_TOPIC, { smoke: true, battery: 95 }, true);
  await vigil.start();
});

afterAll(async () => {
  await publisher?.endAsync();
  await vigil?.stop();
  await stopAllServices();
});

describe('retained MQTT messages', () => {
  it('on the first subscription, takes each retained message Vigil never heard of once: stored, and the smoke alarms raised', async () => {
    await eventually(async () => JSON.stringify(await points()) === JSON.stringify(ONE_EACH), 20_000, 'one point per retained message');
    for (const sensor of ['R-SMK-01', 'R-Z2M-SMK']) {
      await eventually(async () => (await alarmsOf(sensor)).length === 1, 10_000, `the smoke alarm of ${sensor}`);
      expect((await alarmsOf(sensor))[0]).toMatchObject({ condition: 'smoke', priority: 'critical', state: 'active_unacked' });
    }
    await caughtUp();
    expect(await points()).toEqual(ONE_EACH);
    expect(await ignored()).toEqual({ no_device_time: 0, not_newer: 0, status_only: 0 });
  });

  it('after kill -9 right after they were stored, the replays are counted and acknowledged, not stored again', async () => {
    await vigil.kill();
    await vigil.start();
    await replaysJudged({ no_device_time: 3, not_newer: 1, status_only: 2 });
    expect(await points()).toEqual(ONE_EACH);
    expect((await alarmsOf('R-SMK-01')).map((a) => a.state)).toEqual(['active_unacked']);
    expect((await alarmsOf('R-Z2M-SMK')).map((a) => a.state)).toEqual(['active_unacked']);
  });

  it('an acknowledged and reset smoke alarm is not raised again by the retained smoke after a restart (SIGTERM)', async () => {
    for (const sensor of ['R-SMK-01', 'R-Z2M-SMK']) await act((await alarmsOf(sensor))[0]!.id, 'ack');
    // The detectors clear live; their retained messages on the broker still say smoke.
    await publish('vigil/r1/R-SMK-01/event', { type: 'smoke_clear' }, false);
    await publish(Z2M_TOPIC, { smoke: false }, false);
    for (const sensor of ['R-SMK-01', 'R-Z2M-SMK']) {
      await eventually(async () => (await alarmsOf(sensor))[0]?.conditionActive === false, 10_000, `${sensor} smoke cleared`);
      expect(await act((await alarmsOf(sensor))[0]!.id, 'reset')).toMatchObject({ state: 'cleared' });
    }

    await vigil.stop();
    await vigil.start();
    await replaysJudged({ no_device_time: 3, not_newer: 1, status_only: 2 });
    expect(await points()).toEqual(ONE_EACH);
    expect((await alarmsOf('R-SMK-01')).map((a) => a.state)).toEqual(['cleared']);
    expect((await alarmsOf('R-Z2M-SMK')).map((a) => a.state)).toEqual(['cleared']);
  });

  it('a retained reading with a newer device time is stored even when the broker lost the session that would have queued it', async () => {
    await vigil.stop();
    // The broker forgets Vigil's session (as when it expires or its queue overflows): what is
    // published now reaches Vigil only as the retained copy on its next subscription.
    await dropIngestSession();
    const t2 = Date.now() - 5000;
    await publish('vigil/r1/R-GAS-02/reading', { ts: t2, value: 6, unit: '%LEL' }, true);
    await vigil.start();
    await replaysJudged({ no_device_time: 3, not_newer: 0, status_only: 2 });
    expect(await points()).toEqual({ ...ONE_EACH, gasWithTs: 2 });
    expect(await count(`SELECT count(value) FROM reading WHERE sensor = 'R-GAS-02' AND ${at(t2)}`)).toBe(1);
    expect((await alarmsOf('R-SMK-01')).map((a) => a.state)).toEqual(['cleared']);
    expect((await alarmsOf('R-Z2M-SMK')).map((a) => a.state)).toEqual(['cleared']);
  });

  it('a retained smoke event with a device time, reset shortly before a kill -9, is not raised again: the held time went with the alarm changes', async () => {
    // A fresh start, so that the periodic save of held times (every 10 s) is not what this relies on.
    await vigil.stop();
    await vigil.start();
    await replaysJudged({ no_device_time: 3, not_newer: 1, status_only: 2 });
    // Vigil has heard of R-SMK-02 before (an older event): the smoke below is news, but not the sensor's first.
    await publish('vigil/r1/R-SMK-02/event', { type: 'smoke_clear' }, false);
    await caughtUp();
    const t = Date.now();
    await publish('vigil/r1/R-SMK-02/event', { ts: t, type: 'smoke' }, true);
    const alarm = await eventually(async () => (await alarmsOf('R-SMK-02'))[0], 10_000, 'the R-SMK-02 smoke alarm');
    // Stored and acknowledged before anyone acts, as a person is slower than a flush interval: a
    // message not yet durable at a kill -9 is redelivered as a live one, and re-evaluated, anyway.
    await caughtUp();
    await act(alarm.id, 'ack');
    await publish('vigil/r1/R-SMK-02/event', { type: 'smoke_clear' }, false);
    await eventually(async () => (await alarmsOf('R-SMK-02'))[0]?.conditionActive === false, 10_000, 'R-SMK-02 smoke cleared');
    expect(await act(alarm.id, 'reset')).toMatchObject({ state: 'cleared' });
    await caughtUp();

    await vigil.kill();
    await vigil.start();
    await replaysJudged({ no_device_time: 3, not_newer: 2, status_only: 2 });
    expect((await alarmsOf('R-SMK-02')).map((a) => a.state)).toEqual(['cleared']);
    expect(await count(`SELECT count(type) FROM event WHERE sensor = 'R-SMK-02' AND type = 'smoke'`)).toBe(1);
    expect(await points()).toEqual({ ...ONE_EACH, gasWithTs: 2 });
  });
});
