// Becoming a cluster (docs/architecture.md "Several nodes", "Becoming a cluster"): the node that
// drains the former single-node session does so with its sites' engines running (the drained
// readings raise their alarms) and before any site's own session reads, so nothing queued for the
// old session is processed after a newer reading of the site's session. A node with nothing to
// drain starts each site's session as it takes the site.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeLeaseStore } from '../../../test/support/fake.lease-store.ts';
import type { NodeForwarder } from '../adapters/node.forwarder.ts';
import type { PostgresLeaseStore } from '../adapters/postgres.leases.ts';
import { createDeviceDecoders } from '../domain/decoders/index.ts';
import { nativeDecoder } from '../domain/observation.decode.ts';
import { Registry } from '../domain/registry.ts';
import { createLogger } from '../logger.ts';
import { createMetrics } from '../metrics.ts';
import { systemClock } from '../services/clock.ts';
import { loadFacility } from '../services/facility.loader.ts';
import { composeCluster, type Cluster } from './cluster.ts';

const registry = new Registry(loadFacility(path.resolve(import.meta.dirname, '../../../config/facility.yaml')).facility);
const sites = registry.facility.sites.map((s) => s.id);
const decoders = [nativeDecoder, ...createDeviceDecoders()];
const ingest = { subscriptions: (r: Registry = registry) => [...new Set(decoders.flatMap((d) => d.subscriptions(r)))] };

let running: Cluster | undefined;
afterEach(async () => {
  await running?.part.stop?.();
  running = undefined;
});

/** What the node did, in order: engines started, the drain, sessions started. */
async function start(legacy: { claim(): Promise<boolean> } | undefined): Promise<string[]> {
  const events: string[] = [];
  const links = {
    config: { nodeId: 'node-a', nodeUrl: 'http://127.0.0.1:1', nodeSecret: 'x'.repeat(32) },
    leaseStore: new FakeLeaseStore(systemClock) as unknown as PostgresLeaseStore,
    forwarder: {} as NodeForwarder,
  };
  running = composeCluster(links, createLogger('silent'), createMetrics(), {
    registry,
    ingest,
    broker: { siteLogin: () => ({}) },
    mqtt: {
      session: (spec) => ({ connected: true, start: () => events.push(`session ${spec.clientId}`), stop: async () => {} }),
      flush: async () => {},
    },
    sites: { acquire: async (site) => void events.push(`engine ${site}`), release: async () => {}, lost: () => {} },
    consoles: { clusterChanged: () => {} },
    ...(legacy && {
      legacy: {
        claim: () => legacy.claim(),
        drain: async () => {
          events.push('drain');
          return 0;
        },
      },
    }),
  });
  await running.part.start?.();
  return events;
}

describe('the former single-node session on becoming a cluster', () => {
  it('is drained with every site’s engine running and before any site’s session starts', async () => {
    const events = await start({ claim: async () => true });
    expect(events).toEqual([...sites.map((s) => `engine ${s}`), 'drain', ...sites.map((s) => `session vigil-${s}`)]);
  });

  it('once drained (claim says so), each site’s session starts as the site is taken', async () => {
    const events = await start({ claim: async () => false });
    expect(events).toEqual(sites.flatMap((s) => [`engine ${s}`, `session vigil-${s}`]));
  });
});
