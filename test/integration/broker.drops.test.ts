// Never lose a safety signal without a trouble signal the officer sees: when Mosquitto drops QoS 1
// messages because a persistent session's queue is past `max_queued_messages`, /api/health turns
// degraded and the log says so, instead of the drop showing only in a metric.
import { readFileSync } from 'node:fs';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HealthResponse } from '../../contract/index.ts';
import { stopAllServices, type MosquittoHandle } from '../support/services.ts';
import { eventually, signedIn, startVigilStack, type VigilHandle } from '../support/vigil.ts';

/** Small enough that a short burst overflows an offline session's queue. */
const MAX_QUEUED = 5;
const SENT = 50;

let broker: MosquittoHandle;
let vigil: VigilHandle;
let publisher: MqttClient;
let viewer: RequestInit;

beforeAll(async () => {
  ({ broker, vigil } = await startVigilStack({ db: 'vigil_drops_test', mosquitto: { extraConfig: `max_queued_messages ${MAX_QUEUED}` } }));
  viewer = { headers: { cookie: await signedIn(vigil, 'watcher', 'officer') } };
  publisher = await mqtt.connectAsync(broker.url, { clientId: 'test-publisher', clean: true });
}, 60_000);

afterAll(async () => {
  await publisher?.endAsync();
  await vigil?.stop();
  await stopAllServices();
});

describe('a message the broker drops', () => {
  it('turns /api/health degraded and names the broker and the count; the log says it once', async () => {
    const before = await vigil.api<HealthResponse>('/api/health', viewer);
    expect(before.body.parts.drops).toMatchObject({ ok: true, dropped: 0 });

    // A persistent session that goes away: the broker queues its QoS 1 messages, up to MAX_QUEUED.
    // The $SYS counter covers every client of the broker, so this session's drops are what Vigil reports.
    const sleeper = await mqtt.connectAsync(broker.url, { clientId: 'test-sleeper', clean: false });
    await sleeper.subscribeAsync('test/sleeper', { qos: 1 });
    await sleeper.endAsync();
    for (let i = 0; i < SENT; i++) await publisher.publishAsync('test/sleeper', String(i), { qos: 1 });

    const degraded = await eventually(
      async () => {
        const h = await vigil.api<HealthResponse>('/api/health', viewer);
        return h.status === 503 && h.body.parts.drops.dropped > 0 ? h.body : null;
      },
      15_000,
      'health degraded by broker drops',
    );
    expect(degraded.ok).toBe(false);
    expect(degraded.parts.drops.ok).toBe(false);
    expect(degraded.parts.drops.dropped).toBeLessThanOrEqual(SENT);
    expect(degraded.parts.drops.detail).toMatch(/^the broker dropped \d+ messages since Vigil started/);
    // Only the drops are wrong: the rest of the server is well.
    expect([degraded.parts.broker.ok, degraded.parts.influx.ok, degraded.parts.outbox.ok]).toEqual([true, true, true]);

    const lines = () =>
      readFileSync(vigil.logFile, 'utf8')
        .split('\n')
        .filter((l) => l.includes('the broker is dropping messages'));
    await eventually(() => lines().length > 0, 5_000, 'the drop logged');
    expect(lines()).toHaveLength(1);
    expect(JSON.parse(lines()[0]!)).toMatchObject({ level: 50, component: 'mqtt' });
  }, 60_000);
});
