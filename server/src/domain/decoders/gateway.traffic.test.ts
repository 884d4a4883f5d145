// What a gateway publishes unbound is kept for a discovery view at a bounded cost: at most 1000
// topics per gateway (the least recently heard dropped first, and counted), 512 bytes of each
// last payload — a gateway with thousands of devices, or one gone mad, cannot grow the server.
import { describe, expect, it } from 'vitest';
import type { Gateway } from '../../../../contract/index.ts';
import { FoundDevices } from '../discovery/found-devices.ts';
import { EXCERPT_BYTES, GatewayTraffic, MAX_LISTED_TOPIC_CHARS, MAX_TOPICS_PER_GATEWAY } from './gateway.traffic.ts';

describe('gateway traffic record', () => {
  it('keeps at most 1000 topics per gateway, dropping the least recently heard and counting each drop', () => {
    const evicted: string[] = [];
    const t = new GatewayTraffic(MAX_TOPICS_PER_GATEWAY, (id) => evicted.push(id));
    expect(MAX_TOPICS_PER_GATEWAY).toBe(1000);
    for (let i = 0; i < 1000; i++) t.record('GW', `z2m/device ${i}`, Buffer.from('{}'), i);
    // Heard again: no longer the stalest.
    t.record('GW', 'z2m/device 0', Buffer.from('{}'), 1000);
    t.record('GW', 'z2m/device 1000', Buffer.from('{}'), 1001);
    t.record('GW', 'z2m/device 1001', Buffer.from('{}'), 1002);
    const list = t.unbound('GW');
    expect(list.topics).toHaveLength(1000);
    expect(list.evictedTopics).toBe(2);
    expect(evicted).toEqual(['GW', 'GW']);
    expect(list.messages).toBe(1003);
    const topics = new Set(list.topics.map((x) => x.topic));
    expect(topics.has('z2m/device 0')).toBe(true);
    expect(topics.has('z2m/device 1')).toBe(false);
    expect(topics.has('z2m/device 2')).toBe(false);
    expect(list.topics[0]!.topic).toBe('z2m/device 1001');
    // Other gateways have their own room.
    t.record('OTHER', 'tele/x/STATE', Buffer.from('{}'), 5);
    expect(t.unbound('OTHER').topics).toHaveLength(1);
  });

  it('keeps the first 512 bytes of the last payload, says when it cut, and does not show a cut character broken', () => {
    const t = new GatewayTraffic();
    t.record('GW', 'z2m/bridge/devices', Buffer.from('x'.repeat(2000)), 1);
    expect(t.unbound('GW').topics[0]).toMatchObject({ lastPayload: 'x'.repeat(EXCERPT_BYTES), truncated: true, count: 1, firstSeen: 1, lastSeen: 1 });
    // 511 ASCII bytes and a 3-byte character across the cut.
    t.record('GW', 'z2m/bridge/info', Buffer.from(`${'y'.repeat(511)}网关`), 2);
    expect(t.unbound('GW').topics[0]).toMatchObject({ topic: 'z2m/bridge/info', lastPayload: 'y'.repeat(511), truncated: true });
    t.record('GW', 'z2m/bridge/info', Buffer.from('online'), 3);
    expect(t.unbound('GW').topics[0]).toMatchObject({ lastPayload: 'online', truncated: false, count: 2, firstSeen: 2, lastSeen: 3 });
  });

  it('keeps a copy, not the buffer it was given (the MQTT client reuses its memory)', () => {
    const t = new GatewayTraffic();
    const frame = Buffer.from('online');
    t.record('GW', 'z2m/bridge/state', frame, 1);
    frame.write('XXXXXX');
    expect(t.unbound('GW').topics[0]!.lastPayload).toBe('online');
  });

  // An MQTT topic may be 65,535 bytes: 1000 of them in a gateway's tree kept 60 MB per gateway
  // and made GET /api/discovery a 300 MB answer that blocked the server for 10 s.
  it('a topic longer than any device name is listed cut (one entry per cut prefix) and found as no device', () => {
    const z2m = { id: 'GW', name: 'gw', zone: 'z', siteId: 's', heartbeatS: null, adapter: 'zigbee2mqtt', baseTopic: 'zigbee2mqtt' } as unknown as Gateway;
    const t = new GatewayTraffic(MAX_TOPICS_PER_GATEWAY, () => {}, new FoundDevices());
    for (let i = 0; i < 50; i++) t.recordUnbound(z2m, `zigbee2mqtt/${'y'.repeat(60_000)}${i}`, Buffer.from('{"smoke":false}'), i);
    const list = t.unbound('GW');
    expect(list.messages).toBe(50);
    expect(list.topics).toHaveLength(1);
    expect(list.topics[0]).toMatchObject({ topic: `zigbee2mqtt/${'y'.repeat(MAX_LISTED_TOPIC_CHARS - 'zigbee2mqtt/'.length)}…`, count: 50 });
    expect(t.found!.list()).toEqual([]);
  });
});
