// Several nodes (README "Several nodes (high availability)", "What the broker needs"): each site's
// ingest session is one broker session that whichever node holds the site resumes, so its
// credential, user name and client id `vigil-<site>`, is bound to that client id and shared by the
// nodes (the ingest's password); a site removed from the facility loses its credential at the next
// reconciliation.
import { describe, expect, it } from 'vitest';
import { testRegistry, testSites } from '../../../test/support/registry.fixtures.ts';
import { adapterPublishFilters } from '../domain/decoders/index.ts';
import { INGEST_ROLE, brokerPlan, type BrokerPlanInput } from './device-credentials.broker.ts';
import { DeviceTopics } from './device-credentials.topics.ts';

const registry = testRegistry();
const sites = testSites.map((s) => s.id);

function plan(ingest: Partial<BrokerPlanInput['ingest']> = {}) {
  return brokerPlan({
    sensors: registry.allSensors(),
    topics: new DeviceTopics(registry, adapterPublishFilters),
    gateways: registry.gateways(),
    devices: [],
    ingest: { username: 'vigil-ingest', clientId: 'vigil-ingest', password: 'ingest-secret', ...ingest },
    drillPassword: null,
    simulatorPassword: null,
  });
}

describe('per-site ingest credentials', () => {
  it('gives every site a credential bound to vigil-<site>, with the ingest’s rights and password', () => {
    expect(sites.length).toBeGreaterThan(1);
    const ingest = plan({ sites }).principals.filter((p) => p.kind === 'ingest');
    expect(ingest).toEqual([
      { kind: 'ingest', username: 'vigil-ingest', clientId: 'vigil-ingest', role: INGEST_ROLE, secret: { password: 'ingest-secret' } },
      ...sites.map((site) => ({
        kind: 'ingest',
        username: `vigil-${site}`,
        clientId: `vigil-${site}`,
        role: INGEST_ROLE,
        secret: { password: 'ingest-secret' },
      })),
    ]);
  });

  it('has none on one node, and removes a site credential no longer planned', () => {
    const single = plan();
    expect(single.principals.filter((p) => p.kind === 'ingest').map((p) => p.username)).toEqual(['vigil-ingest']);
    expect(single.isStaleClient(`vigil-${sites[0]}`)).toBe(true);
    expect(plan({ sites }).isStaleClient(`vigil-${sites[0]}`)).toBe(false);
    expect(plan({ sites }).isStaleClient('vigil-gone')).toBe(true);
    // Vigil's own single session and its broker administrator are never taken for a site's.
    expect(plan({ sites }).isStaleClient('vigil-ingest')).toBe(false);
    expect(plan({ sites }).isStaleClient('vigil-admin')).toBe(false);
    expect(plan().isStaleClient('vigil-admin')).toBe(false);
  });
});
