// A node of several (docs/architecture.md "Sites and leases"): Prometheus sees the sites it runs,
// the sites nobody runs (alert on > 0: their alarms are not processed), each lease's age (near the
// 6 s TTL: renewals are failing), and the readings of other nodes' sites it heard and left alone.
import { describe, expect, it } from 'vitest';
import { createMetrics } from './metrics.ts';

async function sample(metrics: ReturnType<typeof createMetrics>, name: string): Promise<string[]> {
  return (await metrics.registry.metrics()).split('\n').filter((l) => l.startsWith(name));
}

describe('cluster metrics', () => {
  it('reads the sites held, unheld and lease ages when scraped, and counts foreign observations', async () => {
    const metrics = createMetrics();
    let held = [
      { site: 'north', ageMs: 1500 },
      { site: 'east', ageMs: 500 },
    ];
    metrics.watchCluster({ held: () => held, unheld: () => ['south'] });
    metrics.countForeign();
    metrics.countForeign();
    expect(await sample(metrics, 'vigil_cluster_sites_held')).toEqual(['vigil_cluster_sites_held 2']);
    expect(await sample(metrics, 'vigil_cluster_sites_unheld')).toEqual(['vigil_cluster_sites_unheld 1']);
    expect(await sample(metrics, 'vigil_cluster_lease_age_seconds{')).toEqual([
      'vigil_cluster_lease_age_seconds{site="north"} 1.5',
      'vigil_cluster_lease_age_seconds{site="east"} 0.5',
    ]);
    expect(await sample(metrics, 'vigil_observations_foreign_total')).toEqual(['vigil_observations_foreign_total 2']);
    // A site handed over has no age any more.
    held = [{ site: 'east', ageMs: 100 }];
    expect(await sample(metrics, 'vigil_cluster_lease_age_seconds{')).toEqual(['vigil_cluster_lease_age_seconds{site="east"} 0.1']);
  });

  it('reports no site gauges on a single node', async () => {
    const metrics = createMetrics();
    expect(await sample(metrics, 'vigil_cluster_sites_held ')).toEqual([]);
    expect(await sample(metrics, 'vigil_cluster_lease_age_seconds{')).toEqual([]);
  });
});
