// The ingest gate through real Mosquitto, InfluxDB and Vigil: messages on native topics of the
// wrong shape are received and rejected (bad_topic), never dropped unseen; unregistered devices
// raise one trouble per site and are stored within their site's limit; ids that are not ids and
// sites that are not the facility's are refused; a device flooding over MQTT is limited without
// starving the others or holding back an alarm (docs/contracts.md#ingest-limits).
import path from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alarm, AlarmListResponse, Rejection, RejectionsResponse } from '../../contract/index.ts';
import { mosquittoPub } from '../support/clients.ts';
import { stopAllServices, type InfluxHandle, type MosquittoHandle } from '../support/services.ts';
import { TEST_API_KEY, eventually, signedIn, startVigilStack, type VigilHandle } from '../support/vigil.ts';

const FACILITY = path.resolve('test/fixtures/facility.yaml');
const DB = 'vigil_ingest_gate_test';
/** Small, so a test can go over it. */
const PER_DEVICE_PER_S = 5;
const PER_DEVICE_BURST = 50;
const UNREGISTERED_PER_SITE_PER_S = 20;

let broker: MosquittoHandle;
let influx: InfluxHandle;
let vigil: VigilHandle;
let publisher: MqttClient;
let viewer: RequestInit;

async function rejections(): Promise<Rejection[]> {
  return (await vigil.api<RejectionsResponse>('/api/ingest/rejections?limit=10000', viewer)).body.recent;
}

async function openAlarms(): Promise<Alarm[]> {
  return (await vigil.api<AlarmListResponse>('/api/alarms?state=open&limit=1000', viewer)).body.alarms;
}

const post = (observations: unknown[]) =>
  vigil.api<{ accepted: number; rejected: number; rejections: { index: number; reason: string; detail: string }[] }>('/api/ingest', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_API_KEY}` },
    body: JSON.stringify({ observations }),
  });

beforeAll(async () => {
  ({ broker, influx, vigil } = await startVigilStack({
    db: DB,
    facility: FACILITY,
    env: {
      FLUSH_INTERVAL_MS: '100',
      INGEST_OBS_PER_DEVICE_PER_S: String(PER_DEVICE_PER_S),
      INGEST_OBS_PER_DEVICE_BURST: String(PER_DEVICE_BURST),
      INGEST_UNREGISTERED_PER_SITE_PER_S: String(UNREGISTERED_PER_SITE_PER_S),
      REJECTIONS_KEPT: '10000',
    },
  }));
  viewer = { headers: { cookie: await signedIn(vigil, 'watcher', 'officer') } };
  publisher = await mqtt.connectAsync(broker.url, { clientId: 'gate-test-publisher', clean: true });
});

afterAll(async () => {
  await publisher?.endAsync();
  await vigil?.stop();
  await stopAllServices();
});

describe('native topics of the wrong shape', () => {
  it('are received, rejected as bad_topic with what was expected, acknowledged, and nothing is stored', async () => {
    const t0 = Date.now() - 5000;
    const wrong = [
      'vigil/t1/T-GAS-01/reading/extra',
      'vigil/t1/T-GAS-01/reading/',
      'vigil/t1/T-GAS-01',
      'vigil/t1//reading',
      'vigil//T-GAS-01/reading',
      'vigil/t1/T-GAS-01/reading/a/b/c',
      'vigil',
    ];
    // mosquitto_pub, a client we did not write, returns once the broker acknowledged each one.
    for (let i = 0; i < wrong.length; i++) await mosquittoPub(broker.port, wrong[i]!, { ts: t0 + i, value: 1.5, unit: '%LEL' });
    const seen = await eventually(
      async () => {
        const recent = await rejections();
        return wrong.every((t) => recent.some((r) => r.origin === t)) ? recent : null;
      },
      10_000,
      'a rejection for every wrong topic',
    );
    for (const topic of wrong) {
      const r = seen.find((x) => x.origin === topic)!;
      expect(r, topic).toMatchObject({ source: 'mqtt', reason: 'bad_topic' });
      expect(r.detail, topic).toContain('expected vigil/<siteId>/<sensorId>/<channel>');
    }
    const stored = await influx.query(`SELECT count(value) FROM reading WHERE time >= ${t0}ms AND time < ${t0 + wrong.length}ms`, DB);
    expect(stored).toEqual([]);
    const metrics = await (await fetch(`${vigil.url}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`vigil_observations_rejected_total\\{reason="bad_topic"\\} ${wrong.length}\\b`));
  });
});

describe('unregistered devices over HTTP', () => {
  it('one request of 300 made-up ids: one trouble for the site, its allowance stored, the rest rejected as rate_limited', async () => {
    const before = (await openAlarms()).length;
    const ts = Date.now() - 3000;
    const res = await post(Array.from({ length: 300 }, (_, i) => ({ sensorId: `GHOST-${i}`, siteId: 't1', channel: 'reading', ts, value: 1, unit: 'ppm' })));
    expect(res.status).toBe(202);
    const allowance = UNREGISTERED_PER_SITE_PER_S * 10;
    // The bucket refills while the request is handled: a few more than the burst may pass.
    expect(res.body.accepted).toBeGreaterThanOrEqual(allowance);
    expect(res.body.accepted).toBeLessThan(allowance + 10);
    expect(res.body.accepted + res.body.rejected).toBe(300);
    expect(new Set(res.body.rejections.map((r) => r.reason))).toEqual(new Set(['rate_limited']));
    // 202 means stored.
    const rows = await influx.query(`SELECT count(value) FROM reading WHERE zone = 'unregistered' AND time >= ${ts}ms AND time < ${ts + 1}ms`, DB);
    expect(rows[0]?.count).toBe(res.body.accepted);
    // One alarm, not 200: it names the first 20 ids and counts the rest.
    const unknown = await eventually(
      async () => {
        const open = await openAlarms();
        const u = open.filter((a) => a.condition === 'unknown_device');
        return u.length === 1 && u[0]!.message.includes(`(${res.body.accepted} ids: GHOST-0, GHOST-1,`) ? { open, u: u[0]! } : null;
      },
      10_000,
      'the unknown-device trouble naming the ids',
    );
    expect(unknown.open.length - before).toBe(1);
    expect(unknown.u).toMatchObject({ siteId: 't1', priority: 'low', class: 'trouble', sensorId: 'unregistered@t1' });
    expect(unknown.u.message).toContain(`and ${res.body.accepted - 20} more)`);
  });

  it('refuses site ids that are not ids (invalid_payload) and sites not in the facility (unknown_site); none becomes a tag', async () => {
    const bad = ['x\\', '', '<img src=x>', 'a,b', 'a b', 'a\u0000b', 'a\rb', '\u200ft1', 'x=y'];
    const res = await post([
      ...bad.map((siteId) => ({ sensorId: 'GHOST-X', siteId, channel: 'reading', value: 1, unit: 'ppm' })),
      { sensorId: 'GHOST-X', siteId: 'nowhere', channel: 'reading', value: 1, unit: 'ppm' },
      { sensorId: 'GHOST,X', siteId: 't1', channel: 'reading', value: 1, unit: 'ppm' },
    ]);
    expect(res.status).toBe(202);
    expect(res.body.accepted).toBe(0);
    expect(res.body.rejections.map((r) => r.reason)).toEqual([...bad.map(() => 'invalid_payload'), 'unknown_site', 'invalid_payload']);
    const sites = await influx.query(`SHOW TAG VALUES FROM reading WITH KEY = site`, DB);
    expect(sites.map((r) => r.value)).toEqual(['t1']);
  });
});

describe('a device flooding over MQTT', () => {
  it('is limited: its excess rejected as rate_limited and acknowledged, others stored, an alarm still gets through', async () => {
    const t0 = Date.now() - 60_000;
    const flood = 80;
    // T-SMK-01 floods with status messages, T-GAS-02 with readings below its low threshold.
    for (let i = 0; i < flood; i++) {
      await publisher.publishAsync('vigil/t1/T-GAS-02/reading', JSON.stringify({ ts: t0 + i, value: 1, unit: '%LEL' }), { qos: 1 });
      await publisher.publishAsync('vigil/t1/T-SMK-01/status', JSON.stringify({ ts: t0 + i, battery: 90 }), { qos: 1 });
    }
    // Then another device's reading, and a fire from the flooding smoke detector.
    await publisher.publishAsync('vigil/t1/T-CO-01/reading', JSON.stringify({ ts: t0 + 500, value: 3, unit: 'ppm' }), { qos: 1 });
    await publisher.publishAsync('vigil/t1/T-SMK-01/event', JSON.stringify({ ts: Date.now() - 100, type: 'smoke' }), { qos: 1 });

    const fire = await eventually(
      async () => (await openAlarms()).find((a) => a.sensorId === 'T-SMK-01' && a.condition === 'smoke'),
      10_000,
      'the smoke alarm',
    );
    expect(fire.priority).toBe('critical');
    await eventually(
      async () => (await influx.query(`SELECT type FROM event WHERE sensor = 'T-SMK-01' AND type = 'smoke'`, DB)).length === 1,
      10_000,
      'the smoke event stored',
    );
    await eventually(
      async () =>
        (await influx.query(`SELECT value FROM reading WHERE sensor = 'T-CO-01' AND time >= ${t0 + 500}ms AND time < ${t0 + 501}ms`, DB)).length === 1,
      10_000,
      'the other device stored',
    );
    // Nothing lost silently: every flooded reading is either stored or in the rejection log.
    const accounted = await eventually(
      async () => {
        const stored = Number(
          (await influx.query(`SELECT count(value) FROM reading WHERE sensor = 'T-GAS-02' AND time >= ${t0}ms AND time < ${t0 + flood}ms`, DB))[0]?.count ?? 0,
        );
        const limited = (await rejections()).filter((r) => r.origin === 'vigil/t1/T-GAS-02/reading' && r.reason === 'rate_limited').length;
        return stored + limited === flood ? { stored, limited } : null;
      },
      10_000,
      'every flooded reading stored or rejected',
    );
    expect(accounted.stored).toBeGreaterThanOrEqual(PER_DEVICE_BURST);
    expect(accounted.limited).toBeGreaterThan(0);
    const metrics = await (await fetch(`${vigil.url}/metrics`)).text();
    expect(metrics).toMatch(/vigil_observations_rejected_total\{reason="rate_limited"\} [1-9]/);
  });
});
