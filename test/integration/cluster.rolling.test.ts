/**
 * A rolling restart of two nodes under load, as an upgrade does it (README "Several nodes (high
 * availability)": "What this covers"): SIGTERM node A, which saves its sites' rule state, closes
 * their MQTT sessions and hands its leases over; B takes them; A starts again and gets its share
 * back; then the same for B. Real PostgreSQL, Redis, InfluxDB and Mosquitto as shipped, three
 * sites, 2,000 readings/s at QoS 1 throughout: every reading the broker acknowledged is in
 * InfluxDB exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster, type ClusterNode } from '../support/cluster.ts';
import { loadDevices, startLoad, waitUntilStored } from '../support/cluster.load.ts';
import { eventually } from '../support/vigil.ts';

const DB = 'vigil_cluster_rolling_test';
const RATE = 2_000;
/**
 * A drained node releases its leases, so the other takes them within a renewal round or two (2 s
 * each): sooner than the 6 s lease TTL after which a crashed node's sites are taken.
 */
const HANDOVER_MS = 6_000;

let cluster: Cluster;

beforeAll(async () => {
  cluster = await startCluster({ db: DB, loadPerSite: 4 });
}, 180_000);

afterAll(async () => {
  await cluster?.stop();
});

/** Sites each node holds, by the lease table. */
async function heldBy(node: ClusterNode): Promise<string[]> {
  return [...(await cluster.holders())].filter(([, holder]) => holder === node.id).map(([site]) => site);
}

/** SIGTERM `node`, measure how long until the other holds every site, start it again and wait for its share. */
async function restart(node: ClusterNode, other: ClusterNode): Promise<number> {
  const stopping = Date.now();
  await node.vigil.stop();
  await eventually(async () => (await heldBy(other)).length === cluster.sites.length, HANDOVER_MS, `${other.id} holds every site`);
  const handoverMs = Date.now() - stopping;
  await node.vigil.start();
  await eventually(async () => (await node.vigil.api('/api/health')).status === 200, 30_000, `${node.id} healthy again`);
  await eventually(async () => (await heldBy(node)).length > 0, 20_000, `${node.id} holds a site again`);
  return handoverMs;
}

describe('rolling restart', () => {
  it('SIGTERM and start A, then B, under 2,000 readings/s: every acknowledged reading stored exactly once', async () => {
    const [a, b] = cluster.nodes as [ClusterNode, ClusterNode];
    expect((await heldBy(a)).length).toBeGreaterThan(0);
    expect((await heldBy(b)).length).toBeGreaterThan(0);
    const devices = loadDevices(cluster.sites);
    const load = await startLoad({ url: cluster.broker.url, password: cluster.simulatorPassword, devices, rate: RATE });

    const aMs = await restart(a, b);
    const bMs = await restart(b, a);
    process.stdout.write(`rolling restart: ${b.id} held every site ${aMs} ms after SIGTERM to ${a.id}; ${a.id} ${bMs} ms after SIGTERM to ${b.id}\n`);

    const result = await load.stop();
    const stored = await waitUntilStored(cluster.influx, DB, devices, result);
    process.stdout.write(
      `rolling restart: ${result.sent} readings published, ${result.acked.length} acknowledged by the broker, ${stored.points} points stored\n`,
    );
    expect(stored.duplicated).toEqual([]);
    expect(result.acked.length).toBe(result.sent);
    expect(stored.points).toBe(result.sent);
  }, 120_000);
});
