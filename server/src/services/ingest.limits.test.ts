// The ingest gate (IngestService with IngestLimits, fakes behind the history port): observation
// rate limits per API key, per device and per site's unregistered devices, the alarm-bearing
// exemption, bounded id maps, id validation of HTTP items and native topic shapes
// (docs/contracts.md#ingest-limits, docs/contracts.md#mqtt-topics-native).
import { describe, expect, it } from 'vitest';
import type { Rejection } from '../../../contract/index.ts';
import { testRegistry } from '../../../test/support/registry.fixtures.ts';
import { nativeDecoder } from '../domain/observation.decode.ts';
import type { HistoryObservation, HistoryPoint, HistoryQueue } from './history.ports.ts';
import { BURST_S, IngestLimits, type IngestLimitOptions } from './ingest.limits.ts';
import { IngestService } from './ingest.service.ts';
import { topicMatches } from './mqtt-topic.ts';
import { RejectionLog } from './rejection.log.ts';

const NOW = 1_800_000_000_000;

class StoredAtOnce implements HistoryQueue {
  readonly points: HistoryPoint[] = [];
  add(points: HistoryPoint | readonly HistoryPoint[], _min: number, _max: number, onDurable?: () => void): void {
    this.points.push(...(Array.isArray(points) ? points : [points as HistoryPoint]));
    onDurable?.();
  }
  sensors(): string[] {
    return this.observations().map((o) => o.sensorId);
  }
  observations(): HistoryObservation[] {
    return this.points.flatMap((p) => (p.type === 'observation' ? [p.observation] : []));
  }
}

const LIMITS: IngestLimitOptions = { perKeyPerS: 1000, perDevicePerS: 5, deviceBurst: 80, unregisteredPerSitePerS: 2, maxTracked: 100 };

function gate(limits: Partial<IngestLimitOptions> = {}) {
  const registry = testRegistry();
  const history = new StoredAtOnce();
  const rejections = new RejectionLog(100_000);
  const clock = { t: NOW, now: () => clock.t };
  const ingestLimits = new IngestLimits(registry, { ...LIMITS, ...limits }, clock);
  const ingest = new IngestService(registry, history, rejections, clock, { maxAgeMs: 86_400_000, limits: ingestLimits });
  let acks = 0;
  const publish = (topic: string, payload: unknown) => ingest.handleMqttMessage(topic, Buffer.from(JSON.stringify(payload)), () => acks++);
  const post = (items: unknown[], keyId = 'key-1') => ingest.handleHttpItems(items, (id) => registry.sensor(id)?.siteId, { keyId });
  const reasons = (): Rejection['reason'][] => rejections.recent().map((r) => r.reason);
  return { ingest, history, rejections, clock, ingestLimits, publish, post, reasons, acks: () => acks };
}

const reading = (sensorId: string, value = 1, unit = '%LEL', siteId?: string) => ({ sensorId, channel: 'reading', value, unit, ...(siteId && { siteId }) });

describe('observation rate limits', () => {
  it('one HTTP request of many unregistered ids: the site allowance is stored, the rest rejected item by item', async () => {
    const g = gate();
    const items = Array.from({ length: 100 }, (_, i) => reading(`GHOST-${i}`, 1, 'ppm', 'hq'));
    const result = await g.post(items);
    const allowance = LIMITS.unregisteredPerSitePerS * BURST_S;
    expect(result.accepted).toBe(allowance);
    expect(result.rejected).toBe(100 - allowance);
    expect(new Set(result.rejections.map((r) => r.reason))).toEqual(new Set(['rate_limited']));
    expect(result.rejections[0]!.index).toBe(allowance); // the first ones got through
    expect(g.history.points).toHaveLength(allowance);
    expect(g.rejections.total()).toEqual({ rate_limited: 100 - allowance });
  });

  it('counts observations per API key, not requests: a good batch keeps the items within the limit', async () => {
    const g = gate({ perKeyPerS: 3, perDevicePerS: 1000 });
    const items = Array.from({ length: 50 }, (_, i) => reading(i % 2 ? 'KIT-GAS-01' : 'KIT-CO-01', 1, i % 2 ? '%LEL' : 'ppm'));
    const result = await g.post(items);
    expect(result.accepted).toBe(30);
    expect(result.rejections.every((r) => r.reason === 'rate_limited' && r.index >= 30)).toBe(true);
    // Another key has its own allowance; time refills this one.
    expect((await g.post(items.slice(0, 5), 'key-2')).accepted).toBe(5);
    g.clock.t += 1000;
    expect((await g.post(items.slice(0, 5))).accepted).toBe(3);
  });

  it('a device flooding over MQTT does not starve the others; its excess is rejected, logged and acknowledged', () => {
    const g = gate();
    const burst = LIMITS.deviceBurst;
    for (let i = 0; i < 3 * burst; i += 1) g.publish('vigil/hq/KIT-GAS-01/reading', { value: 1, unit: '%LEL' });
    g.publish('vigil/hq/KIT-CO-01/reading', { value: 1, unit: 'ppm' });
    g.publish('vigil/hq/KIT-GAS-01/reading', [
      { value: 2, unit: '%LEL' },
      { value: 3, unit: '%LEL' },
    ]);
    expect(g.history.sensors().filter((s) => s === 'KIT-GAS-01')).toHaveLength(burst);
    expect(g.history.sensors()).toContain('KIT-CO-01');
    expect(g.acks()).toBe(3 * burst + 2); // every message acknowledged, stored or not
    const limited = g.rejections.recent().filter((r) => r.reason === 'rate_limited');
    expect(limited).toHaveLength(2 * burst + 2);
    expect(limited[0]).toMatchObject({ source: 'mqtt', origin: 'vigil/hq/KIT-GAS-01/reading' });
    expect(limited[0]!.detail).toMatch(/device KIT-GAS-01 is over its limit of 5 observations\/s/);
  });

  it('never refuses an alarm-bearing observation of a registered sensor, whatever its device sent before', async () => {
    // A fire or gas alarm must get through a rate limit (docs/contracts.md#ingest-limits).
    const g = gate({ perKeyPerS: 1 });
    const burst = LIMITS.deviceBurst;
    for (let i = 0; i < burst + 5; i += 1) {
      g.publish('vigil/hq/KIT-GAS-01/reading', { value: 1, unit: '%LEL' });
      g.publish('vigil/lodging/GH-SMK-101/status', { battery: 90 });
      g.publish('vigil/hq/SRV-DOOR-01/event', { type: 'open' });
    }
    // The three devices are over their limits now.
    expect(g.reasons().filter((r) => r === 'rate_limited')).toHaveLength(15);
    const before = g.history.points.length;
    g.publish('vigil/hq/KIT-GAS-01/reading', { value: 25, unit: '%LEL' }); // above its low threshold (10)
    g.publish('vigil/lodging/GH-SMK-101/event', { type: 'smoke' });
    g.publish('vigil/hq/SRV-DOOR-01/event', { type: 'forced_open' });
    g.publish('vigil/hq/SRV-DOOR-01/event', { type: 'tamper' });
    expect(g.history.points.length - before).toBe(4);
    // In a drill it is ordinary traffic: a made-up drill id must not open a way around the limit.
    g.publish('vigil/lodging/GH-SMK-101/event', { type: 'smoke', drill: 'd-1' });
    expect(g.history.points.length - before).toBe(4);
    expect(g.reasons()[0]).toBe('rate_limited');
    // Over HTTP too, past the key's limit (10 in a burst) as well.
    const http = await g.post([
      ...Array.from({ length: 11 }, () => reading('KIT-CO-01', 1, 'ppm')),
      { sensorId: 'GH-SMK-101', channel: 'event', type: 'smoke' },
      reading('KIT-CO-01', 300, 'ppm'),
    ]);
    expect(http.rejections.map((r) => [r.index, r.reason])).toEqual([[10, 'rate_limited']]);
    expect(http.accepted).toBe(12);
    // Below the threshold it is ordinary traffic again; and an unregistered "smoke" is not exempt.
    g.publish('vigil/hq/KIT-GAS-01/reading', { value: 2, unit: '%LEL' });
    expect(g.history.points.length - before).toBe(4 + 12);
    const ghost = await g.post(
      Array.from({ length: 30 }, () => ({ sensorId: 'GHOST', siteId: 'hq', channel: 'event', type: 'smoke' })),
      'key-3',
    );
    expect(ghost.rejected).toBeGreaterThan(0);
  });

  it('keeps every id map bounded, forgetting the least recently heard', async () => {
    const g = gate({ unregisteredPerSitePerS: 1_000_000, perKeyPerS: 1_000_000 });
    for (let i = 0; i < 20; i += 1)
      await g.post(
        Array.from({ length: 500 }, (_, j) => reading(`FLOOD-${i}-${j}`, 1, 'ppm', 'hq')),
        `key-${i * 500}`,
      );
    const tracked = g.ingestLimits.tracked();
    expect(tracked.devices).toBeLessThanOrEqual(LIMITS.maxTracked);
    expect(tracked.keys).toBeLessThanOrEqual(LIMITS.maxTracked);
    expect(g.history.points).toHaveLength(10_000);
  });
});

describe('ids and sites of unregistered devices', () => {
  it('rejects HTTP site and sensor ids that are not ids: they would become tags and alarm subjects', async () => {
    const g = gate();
    const bad = ['x\\', '', '<b>hq</b>', 'a,b', 'a b', 'a\u0000b', 'a\rb', '\u200fhq', 'a=b', '"hq"', 'x'.repeat(65), 12];
    const result = await g.post(bad.map((siteId) => ({ sensorId: 'GHOST-1', siteId, channel: 'reading', value: 1, unit: 'ppm' })));
    expect(result.accepted).toBe(0);
    expect(result.rejections.map((r) => r.reason)).toEqual(bad.map(() => 'invalid_payload'));
    const badSensor = await g.post(
      ['', 'a/b', 'a\u0000', '\u202eX', 'é'].map((sensorId) => ({ sensorId, siteId: 'hq', channel: 'reading', value: 1, unit: 'ppm' })),
    );
    expect(badSensor.rejections.every((r) => r.reason === 'invalid_payload')).toBe(true);
    expect(g.history.points).toHaveLength(0);
  });

  it('accepts an unregistered device only at a site of the facility (unknown_site otherwise), over HTTP and MQTT', async () => {
    const g = gate();
    const http = await g.post([reading('GHOST-1', 1, 'ppm', 'nowhere'), reading('GHOST-1', 1, 'ppm', 'hq'), reading('GHOST-2', 1, 'ppm')]);
    expect(http.rejections.map((r) => [r.index, r.reason])).toEqual([
      [0, 'unknown_site'],
      [2, 'unknown_site'],
    ]);
    g.publish('vigil/nowhere/GHOST-3/reading', { value: 1, unit: 'ppm' });
    g.publish('vigil/lodging/GHOST-3/reading', { value: 1, unit: 'ppm' });
    expect(g.reasons()[0]).toBe('unknown_site');
    expect(g.history.observations()).toEqual([
      expect.objectContaining({ sensorId: 'GHOST-1', siteId: 'hq', zoneId: 'unregistered', kind: 'unregistered' }),
      expect.objectContaining({ sensorId: 'GHOST-3', siteId: 'lodging', zoneId: 'unregistered' }),
    ]);
  });
});

describe('native topic shapes', () => {
  const wrong = [
    'vigil/hq/KIT-GAS-01/reading/extra',
    'vigil/hq/KIT-GAS-01/reading/',
    'vigil/hq/KIT-GAS-01',
    'vigil/hq',
    'vigil',
    'vigil/hq//reading',
    'vigil//KIT-GAS-01/reading',
    'vigil/hq/KIT-GAS-01/',
    'vigil/hq/KIT-GAS-01/telemetry',
    'vigil/h q/KIT-GAS-01/reading',
  ];

  it('subscribes to the whole tree, so a message on a topic of the wrong shape reaches Vigil', () => {
    for (const topic of wrong)
      expect(
        nativeDecoder.subscriptions(testRegistry()).some((f) => topicMatches(f, topic)),
        topic,
      ).toBe(true);
  });

  it('rejects every wrong shape as bad_topic with what was expected, acknowledges it and stores nothing', () => {
    const g = gate();
    for (const topic of wrong) g.publish(topic, { value: 1, unit: '%LEL' });
    expect(g.acks()).toBe(wrong.length);
    expect(g.history.points).toHaveLength(0);
    const recent = g.rejections.recent().reverse();
    expect(recent.map((r) => [r.origin, r.reason])).toEqual(wrong.map((t) => [t, 'bad_topic']));
    for (const r of recent) expect(r.detail, r.origin).toContain('expected vigil/<siteId>/<sensorId>/<channel>');
  });
});
