// A site's ingest session subscribes to that site's topics only (README "Several nodes"): the
// holder of one site must not receive, store and acknowledge another site's readings, which that
// site's own session on its holder takes.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDeviceDecoders } from '../domain/decoders/index.ts';
import { nativeDecoder } from '../domain/observation.decode.ts';
import { Registry } from '../domain/registry.ts';
import { loadFacility } from '../services/facility.loader.ts';
import { siteTopics } from './cluster.ts';

const registry = new Registry(loadFacility(path.resolve(import.meta.dirname, '../../../config/facility.yaml')).facility);
const decoders = [nativeDecoder, ...createDeviceDecoders()];
const ingest = { subscriptions: (r: Registry = registry) => [...new Set(decoders.flatMap((d) => d.subscriptions(r)))] };

describe('siteTopics', () => {
  it('gives each site its own native tree and its own gateways’ topics, and together covers what one session reads', () => {
    const hq = siteTopics(ingest, registry, 'hq');
    const lodging = siteTopics(ingest, registry, 'lodging');
    expect(hq).toContain('vigil/hq/#');
    expect(lodging).toContain('vigil/lodging/#');
    expect([...hq, ...lodging]).not.toContain('vigil/#');
    // The Zigbee bridge stands at the lodging site: its tree is lodging's alone.
    expect(lodging.some((t) => t.startsWith('zigbee2mqtt/'))).toBe(true);
    expect(hq.some((t) => t.startsWith('zigbee2mqtt/'))).toBe(false);
    const all = ingest.subscriptions().filter((t) => t !== 'vigil/#');
    expect(new Set([...hq, ...lodging].filter((t) => !t.startsWith('vigil/')))).toEqual(new Set(all));
  });
});
