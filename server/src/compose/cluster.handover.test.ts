// A clean hand-over of a site (SIGTERM; docs/architecture.md "Several nodes", "What an
// acknowledgement means"): the site's engine is released — its commits landed — before its MQTT
// session stops, so every message it evaluated is acknowledged and the rest goes to the next
// holder; and each site's session is told its site, so a message whose alarm change was refused
// there stays unacknowledged.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FakeLeaseStore } from '../../../test/support/fake.lease-store.ts';
import type { NodeForwarder } from '../adapters/node.forwarder.ts';
import type { PostgresLeaseStore } from '../adapters/postgres.leases.ts';
import { nativeDecoder } from '../domain/observation.decode.ts';
import { Registry } from '../domain/registry.ts';
import { createLogger } from '../logger.ts';
import { createMetrics } from '../metrics.ts';
import { systemClock } from '../services/clock.ts';
import { loadFacility } from '../services/facility.loader.ts';
import { composeCluster } from './cluster.ts';

const registry = new Registry(loadFacility(path.resolve(import.meta.dirname, '../../../config/facility.yaml')).facility);

describe('handing a site over', () => {
  it("releases the site's engine before stopping its session, whose messages are acknowledged per site", async () => {
    const events: string[] = [];
    const cluster = composeCluster(
      {
        config: { nodeId: 'node-a', nodeUrl: 'http://127.0.0.1:1', nodeSecret: 'x'.repeat(32) },
        leaseStore: new FakeLeaseStore(systemClock) as unknown as PostgresLeaseStore,
        forwarder: {} as NodeForwarder,
      },
      createLogger('silent'),
      createMetrics(),
      {
        registry,
        ingest: { subscriptions: (r: Registry = registry) => nativeDecoder.subscriptions(r) },
        broker: { siteLogin: () => ({}) },
        mqtt: {
          session: (spec) => ({
            connected: true,
            start: () => events.push(`session ${spec.clientId} of ${spec.site}`),
            stop: async () => void events.push(`stop ${spec.clientId}`),
          }),
          flush: async () => void events.push('flush'),
        },
        sites: { acquire: async () => {}, release: async (site) => void events.push(`release ${site}`), lost: () => {} },
        consoles: { clusterChanged: () => {} },
      },
    );
    await cluster.part.start?.();
    await cluster.part.stop?.();
    const at = (event: string) => events.indexOf(event);
    for (const { id } of registry.facility.sites) {
      expect(events).toContain(`session vigil-${id} of ${id}`);
      expect(at(`release ${id}`)).toBeGreaterThan(at('flush'));
      expect(at(`stop vigil-${id}`)).toBeGreaterThan(at(`release ${id}`));
    }
  });
});
