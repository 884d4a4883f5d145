/**
 * The system the ingest bench measures, on a broker the caller started: one Vigil node on SQLite
 * with one site (and the caller's InfluxDB), or InfluxDB, PostgreSQL, Redis and several Vigil nodes
 * (`--nodes`) with the detectors spread over `--sites` sites, each site's ingest on the node
 * holding its lease.
 */
import type { InfluxHandle, MosquittoHandle } from '../../test/support/services.ts';
import { startVigil, eventually, type VigilHandle } from '../../test/support/vigil.ts';
import { startCluster } from '../../test/support/cluster.ts';
import { writeBenchFacility } from './bench.support.ts';
import type { Load } from './ingest.load.ts';

export interface Stack {
  vigils: VigilHandle[];
  influx: InfluxHandle;
  load: Load;
  /** Stops every Vigil node and the services. */
  stop(): Promise<void>;
  /** Several nodes: which node holds each site's lease now (sites nobody holds are absent). */
  holders?(): Promise<Map<string, string>>;
}

/** One node on SQLite and one site, as `npm start` runs. */
export async function singleNode(load: Load, broker: MosquittoHandle, influx: InfluxHandle, dir: string, db: string): Promise<Stack> {
  const file = writeBenchFacility(dir, load.sensors);
  // The simulated detectors stand for a facility's throughput, not for real devices' rates: no
  // per-device limit (docs/contracts.md#ingest-limits) may refuse what the bench counts as stored.
  const vigil = await startVigil({
    mqttUrl: broker.url,
    influxUrl: influx.url,
    influxDb: db,
    env: { FACILITY_FILE: file, LOG_LEVEL: 'warn', INGEST_OBS_PER_DEVICE_PER_S: '1000000' },
  });
  await eventually(async () => (await vigil.api('/api/health')).status === 200, 30_000, 'Vigil healthy');
  return { vigils: [vigil], influx, load, stop: () => vigil.stop() };
}

/** `o.nodes` nodes on PostgreSQL and Redis, `o.sensors` detectors spread over `o.sites` sites. */
export async function severalNodes(broker: MosquittoHandle, o: { db: string; nodes: number; sites: number; sensors: number }): Promise<Stack> {
  const sites = Array.from({ length: o.sites }, (_, i) => `site${i + 1}`);
  const cluster = await startCluster({
    db: o.db,
    loadPerSite: Math.ceil(o.sensors / o.sites),
    sites,
    broker,
    nodeIds: Array.from({ length: o.nodes }, (_, i) => `vigil-${i + 1}`),
    env: { LOG_LEVEL: 'warn', INGEST_OBS_PER_DEVICE_PER_S: '1000000', FLUSH_INTERVAL_MS: '200' },
  });
  const held = await cluster.holders();
  process.stderr.write(`  (sites held: ${[...held].map(([site, node]) => `${site} by ${node}`).join(', ')})\n`);
  const load = { sensors: cluster.sites.flatMap((s) => s.load), sites: cluster.sites.flatMap((s) => s.load.map(() => s.id)) };
  return { vigils: cluster.nodes.map((n) => n.vigil), influx: cluster.influx, load, stop: () => cluster.stop(), holders: () => cluster.holders() };
}

/** Every site of the load and the node holding it now, or "nobody". */
export async function holdersLine(stack: Stack): Promise<string | null> {
  if (!stack.holders) return null;
  const held = await stack.holders();
  return [...new Set(stack.load.sites)].map((site) => `${site} ${held.get(site) ?? 'nobody'}`).join(', ');
}
