// Readings from real clients through real Mosquitto into real InfluxDB, and nothing lost across a
// Vigil restart, a kill -9 and an InfluxDB outage (docs/architecture.md#what-each-failure-does).
import path from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HealthResponse, ReadingsResponse, RejectionsResponse } from '../../contract/index.ts';
import { stopAllServices, type InfluxHandle, type MosquittoHandle } from '../support/services.ts';
import { TEST_API_KEY, eventually, signedIn, startVigilStack, type VigilHandle } from '../support/vigil.ts';
import { mosquittoPub } from '../support/clients.ts';

const FACILITY = path.resolve('test/fixtures/facility.yaml');
const DB = 'vigil_ingest_test';

let broker: MosquittoHandle;
let influx: InfluxHandle;
let vigil: VigilHandle;
let publisher: MqttClient;
/** A signed-in officer: the sensor, readings and rejection endpoints need a session. */
let viewer: RequestInit;

async function countReadings(sensor: string, extra = ''): Promise<number> {
  const rows = await influx.query(`SELECT count(value) FROM reading WHERE sensor = '${sensor}' ${extra}`, DB);
  return Number(rows[0]?.count ?? 0);
}

async function publishReadings(sensor: string, values: number[], t0: number, site = 't1'): Promise<void> {
  for (let i = 0; i < values.length; i++) {
    await publisher.publishAsync(`vigil/${site}/${sensor}/reading`, JSON.stringify({ ts: t0 + i, value: values[i], unit: '%LEL' }), { qos: 1 });
  }
}

beforeAll(async () => {
  ({ broker, influx, vigil } = await startVigilStack({
    db: DB,
    facility: FACILITY,
    // The durability tests stream 10,000 readings from one sensor, far over a device's rate limit
    // (docs/contracts.md#ingest-limits; ingest.gate.test.ts tests the limits).
    env: { FLUSH_INTERVAL_MS: '100', INGEST_OBS_PER_DEVICE_PER_S: '100000' },
  }));
  viewer = { headers: { cookie: await signedIn(vigil, 'watcher', 'officer') } };
  publisher = await mqtt.connectAsync(broker.url, { clientId: 'test-publisher', clean: true });
});

afterAll(async () => {
  await publisher?.endAsync();
  await vigil?.stop();
  await stopAllServices();
});

describe('MQTT ingest into InfluxDB', () => {
  it('stores a reading published with mosquitto_pub, a client we did not write', async () => {
    const ts = Date.now() - 1000;
    await mosquittoPub(broker.port, 'vigil/t1/T-GAS-01/reading', { ts, value: 7.25, unit: '%LEL' });
    const rows = await eventually(
      async () => {
        const r = await influx.query(`SELECT value, unit, lag FROM reading WHERE sensor = 'T-GAS-01' AND time >= ${ts}ms AND time < ${ts + 1}ms`, DB);
        return r.length ? r : null;
      },
      10_000,
      'the reading in InfluxDB',
    );
    expect(rows[0]).toMatchObject({ value: 7.25, unit: '%LEL' });
    // The same point through the readings API.
    const api = await vigil.api<ReadingsResponse>(`/api/sensors/T-GAS-01/readings?from=${ts - 60_000}&to=${ts + 1000}`, viewer);
    expect(api.status).toBe(200);
    expect(api.body.resolution).toBe('raw');
    expect(api.body.points).toContainEqual({ t: ts, value: 7.25 });
  });

  it('stores a reading published with mqtt.js, and shows it as the sensor state', async () => {
    const ts = Date.now() - 500;
    await publisher.publishAsync('vigil/t1/T-CO-01/reading', JSON.stringify({ ts, value: 12, unit: 'ppm' }), { qos: 1 });
    await eventually(
      async () => (await influx.query(`SELECT value FROM reading WHERE sensor = 'T-CO-01' AND time >= ${ts}ms AND time < ${ts + 1}ms`, DB)).length === 1,
      10_000,
      'CO reading stored',
    );
    const sensors = await vigil.api<{ sensorId: string; lastValue: number | null; lastSeen: number | null }[]>('/api/sensors', viewer);
    const co = sensors.body.find((s) => s.sensorId === 'T-CO-01');
    // lastSeen is when the server last heard the sensor (what the offline watchdog counts from).
    expect(co).toMatchObject({ lastValue: 12 });
    expect(co!.lastSeen).toBeGreaterThanOrEqual(ts);
    expect(co!.lastSeen).toBeLessThanOrEqual(Date.now());
  });

  it('stores events and status, tags drills, and keeps unregistered devices as unregistered', async () => {
    const ts = Date.now() - 300;
    await publisher.publishAsync('vigil/t1/T-DOOR-01/event', JSON.stringify({ ts, type: 'access_denied', credential: 'badge-4411' }), { qos: 1 });
    await publisher.publishAsync('vigil/t1/T-DOOR-01/status', JSON.stringify({ ts, online: true, battery: 81, rssi: -70 }), { qos: 1 });
    await publisher.publishAsync('vigil/t1/T-GAS-02/reading', JSON.stringify({ ts, value: 25, unit: '%LEL', drill: 'drill-42' }), { qos: 1 });
    await publisher.publishAsync('vigil/t1/STRANGER-9/reading', JSON.stringify({ ts, value: 3, unit: 'ppm' }), { qos: 1 });
    await eventually(async () => (await influx.query(`SELECT * FROM event WHERE sensor = 'T-DOOR-01'`, DB)).length > 0, 10_000, 'event stored');
    expect((await influx.query(`SELECT type, credential, zone, kind FROM event WHERE sensor = 'T-DOOR-01'`, DB))[0]).toMatchObject({
      type: 'access_denied',
      credential: 'badge-4411',
      zone: 'server-room',
      kind: 'door',
    });
    await eventually(async () => (await influx.query(`SELECT battery FROM status WHERE sensor = 'T-DOOR-01'`, DB))[0]?.battery === 81, 10_000, 'status stored');
    await eventually(async () => (await influx.query(`SELECT value FROM reading WHERE drill = 'drill-42'`, DB)).length === 1, 10_000, 'drill reading tagged');
    const stranger = await eventually(
      async () => (await influx.query(`SELECT value, zone, kind, sensor FROM reading WHERE device = 'STRANGER-9'`, DB))[0],
      10_000,
      'unregistered stored',
    );
    // One series for the site's unregistered devices: the id is a field, not a tag.
    expect(stranger).toMatchObject({ zone: 'unregistered', kind: 'unregistered', sensor: 'unregistered' });
  });

  it('rejects a matrix of malformed payloads with the right reasons while valid traffic continues', async () => {
    const before = (await vigil.api<RejectionsResponse>('/api/ingest/rejections', viewer)).body.total;
    const bad: [string, string, string][] = [
      ['vigil/t1/T-GAS-01/reading', '{not json', 'not_json'],
      ['vigil/t1/T-GAS-01/reading', '{"value": NaN, "unit": "%LEL"}', 'not_json'],
      ['vigil/t1/T-GAS-01/reading', '{"value": "12", "unit": "%LEL"}', 'invalid_payload'],
      ['vigil/t1/T-GAS-01/reading', '{"value": 12, "unit": "ppm"}', 'unit_mismatch'],
      ['vigil/t1/T-GAS-01/reading', JSON.stringify({ value: 1, unit: '%LEL', pad: 'x'.repeat(20_000) }), 'oversized'],
      ['vigil/t1/T-GAS-01/telemetry', '{"value": 1}', 'bad_topic'],
      ['vigil/other-site/T-GAS-01/reading', '{"value": 1, "unit": "%LEL"}', 'unknown_site'],
    ];
    const t0 = Date.now() - 10_000;
    // Interleave bad messages with good ones: every good one must be stored.
    for (let i = 0; i < bad.length; i++) {
      const [topic, payload] = bad[i]!;
      await publisher.publishAsync(topic, payload, { qos: 1 });
      await publisher.publishAsync('vigil/t1/T-GAS-02/reading', JSON.stringify({ ts: t0 + i, value: i, unit: '%LEL' }), { qos: 1 });
    }
    await eventually(
      async () => (await countReadings('T-GAS-02', `AND time >= ${t0}ms AND time < ${t0 + bad.length}ms`)) === bad.length,
      10_000,
      'good readings stored',
    );
    const after = await eventually(
      async () => {
        const r = (await vigil.api<RejectionsResponse>('/api/ingest/rejections', viewer)).body;
        const added = Object.values(r.total).reduce((a, b) => a + b, 0) - Object.values(before).reduce((a, b) => a + b, 0);
        return added >= bad.length ? r : null;
      },
      10_000,
      'rejections counted',
    );
    for (const [topic, , reason] of bad) {
      expect(
        after.recent.some((r) => r.origin === topic && r.reason === reason),
        `${reason} for ${topic}`,
      ).toBe(true);
    }
    const metrics = await (await fetch(`${vigil.url}/metrics`)).text();
    expect(metrics).toMatch(/vigil_observations_rejected_total\{reason="unit_mismatch"\} [1-9]/);
  });
});

describe('HTTP ingest', () => {
  const post = (body: unknown, key: string | null = TEST_API_KEY, raw?: string) =>
    vigil.api<{ accepted: number; rejected: number; rejections: { index: number; reason: string }[]; error?: { code: string } }>('/api/ingest', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: raw ?? JSON.stringify(body),
    });

  it('accepts good items, rejects bad ones with a reason each, answers 202 once stored', async () => {
    const ts = Date.now() - 2000;
    const res = await post({
      observations: [
        { sensorId: 'T-GAS-01', channel: 'reading', ts, value: 4.5, unit: '%LEL' },
        { sensorId: 'T-GAS-01', channel: 'reading', ts, value: 'x', unit: '%LEL' },
        { sensorId: 'T-DOOR-01', channel: 'event', ts, type: 'open' },
        { sensorId: 'NEVER-SEEN', channel: 'reading', value: 1, unit: 'ppm' },
      ],
    });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ accepted: 2, rejected: 2 });
    expect(res.body.rejections.map((r) => [r.index, r.reason])).toEqual([
      [1, 'invalid_payload'],
      [3, 'unknown_site'],
    ]);
    // 202 means stored: no waiting needed.
    expect(await influx.query(`SELECT value FROM reading WHERE sensor = 'T-GAS-01' AND time >= ${ts}ms AND time < ${ts + 1}ms`, DB)).toEqual([
      expect.objectContaining({ value: 4.5 }),
    ]);
  });

  it('answers 401 without a key, 403 with a wrong one, 400 for a malformed body, 413 when oversized', async () => {
    const ok = { observations: [{ sensorId: 'T-GAS-01', channel: 'reading', value: 1, unit: '%LEL' }] };
    expect((await post(ok, null)).status).toBe(401);
    expect((await post(ok, 'wrong-key-wrong-key')).status).toBe(403);
    expect((await post(null, TEST_API_KEY, '{"observations": [')).status).toBe(400);
    expect((await post({ items: [] })).status).toBe(400);
    expect((await post({ observations: [] })).status).toBe(400);
    const huge = {
      observations: Array.from({ length: 9000 }, () => ({ sensorId: 'T-GAS-01', channel: 'reading', value: 1, unit: '%LEL', note: 'x'.repeat(500) })),
    };
    const big = await post(huge);
    expect(big.status).toBe(413);
    expect(big.body.error?.code).toBe('PAYLOAD_TOO_LARGE');
  });
});

describe('nothing lost', () => {
  it('delivers messages published while Vigil was stopped once it is back (persistent session)', async () => {
    await vigil.stop();
    const t0 = Date.now() - 20_000;
    await publishReadings(
      'T-GAS-01',
      Array.from({ length: 200 }, (_, i) => i / 10),
      t0,
    );
    await vigil.start();
    await eventually(
      async () => (await countReadings('T-GAS-01', `AND time >= ${t0}ms AND time < ${t0 + 200}ms`)) === 200,
      20_000,
      '200 readings after restart',
    );
  });

  it('loses nothing when Vigil is killed with SIGKILL mid-stream', async () => {
    const n = 10_000;
    const t0 = Date.now() - 30_000;
    // Plausible values (0–99.99 %LEL): an impossible one is stored apart, as a sensor fault.
    const publishing = publishReadings(
      'T-GAS-02',
      Array.from({ length: n }, (_, i) => i / 100),
      t0,
    );
    await eventually(async () => (await countReadings('T-GAS-02', `AND time >= ${t0}ms AND time < ${t0 + n}ms`)) > 0, 10_000, 'stream started');
    await vigil.kill();
    // The kill really came mid-stream: not everything was stored yet.
    expect(await countReadings('T-GAS-02', `AND time >= ${t0}ms AND time < ${t0 + n}ms`)).toBeLessThan(n);
    await publishing;
    await vigil.start();
    await eventually(
      async () => (await countReadings('T-GAS-02', `AND time >= ${t0}ms AND time < ${t0 + n}ms`)) === n,
      30_000,
      `all ${n} readings after kill -9`,
    );
  });

  it('rides out an InfluxDB outage through the outbox: every point present exactly once, health says so meanwhile', async () => {
    const n = 1500;
    const t0 = Date.now() - 40_000;
    for (let i = 0; i < 500; i++) await publisher.publishAsync('vigil/t1/T-CO-01/reading', JSON.stringify({ ts: t0 + i, value: i, unit: 'ppm' }), { qos: 1 });
    await influx.stop();
    // Publish the middle third while InfluxDB is down.
    for (let i = 500; i < 1000; i++)
      await publisher.publishAsync('vigil/t1/T-CO-01/reading', JSON.stringify({ ts: t0 + i, value: i, unit: 'ppm' }), { qos: 1 });
    const health = await eventually(
      async () => {
        const h = await vigil.api<HealthResponse>('/api/health', viewer); // the outbox depth is for signed-in users
        return h.status === 503 && h.body.parts.outbox.depth > 0 ? h.body : null;
      },
      15_000,
      'health to report the outage and outbox',
    );
    expect(health.parts.influx.ok).toBe(false);
    await influx.start();
    for (let i = 1000; i < n; i++) await publisher.publishAsync('vigil/t1/T-CO-01/reading', JSON.stringify({ ts: t0 + i, value: i, unit: 'ppm' }), { qos: 1 });
    await eventually(async () => (await vigil.api<HealthResponse>('/api/health')).status === 200, 30_000, 'healthy again');
    await eventually(async () => (await countReadings('T-CO-01', `AND time >= ${t0}ms AND time < ${t0 + n}ms`)) === n, 30_000, `all ${n} readings`);
    // Exactly once: the distinct values equal the count, and the count is n.
    const rows = await influx.query(`SELECT value FROM reading WHERE sensor = 'T-CO-01' AND time >= ${t0}ms AND time < ${t0 + n}ms`, DB);
    expect(rows.length).toBe(n);
    expect(new Set(rows.map((r) => r.value)).size).toBe(n);
  });
});
