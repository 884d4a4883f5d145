/**
 * Two Vigil nodes as one deployment, for the failover and rolling-restart tests and the ingest
 * benchmark's `--nodes 2` (README "Several nodes (high availability)"): real PostgreSQL (the one
 * store), Redis (the live fan-out), InfluxDB, and Mosquitto as shipped (dynamic security, set up by
 * `vigil broker init` as `npm start` and the Compose `broker-init` do), and the nodes as child
 * processes of `server/src/main.ts` with DATABASE_URL, REDIS_URL, NODE_ID, NODE_URL and one
 * NODE_SECRET. The nodes share one DATA_DIR, as the Compose override shares its volume: the key
 * behind InfluxDB points' offsets and the broker passwords must be the same files on both.
 *
 * The facility has three sites, each with a gas detector and a door for the tests' alarms and
 * `loadPerSite` gas detectors for the load generator (cluster.load.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import pg from 'pg';
import { io, type Socket } from 'socket.io-client';
import { LiveStore, type AlarmEventResult } from '../../client/src/live/live.store.ts';
import type { ClientToServerEvents, ServerToClientEvents } from '../../contract/index.ts';
import { freePort, makeTempDir } from './process.ts';
import { postgresServer, type PostgresHandle } from './postgres.ts';
import { startRedis, type RedisHandle } from './redis.ts';
import { startInflux, startMosquitto, stopAllServices, type InfluxHandle, type MosquittoHandle } from './services.ts';
import { eventually, runVigilCli, startVigil, type VigilHandle } from './vigil.ts';

export interface ClusterSite {
  id: string;
  /** Gas detectors for alarms of the test's own. */
  gas: string;
  gas2: string;
  /** A door that may stay open `DOOR_HELD_OPEN_S`. */
  door: string;
  /** Gas detectors the load generator publishes for; their readings never alarm. */
  load: string[];
}

/** How long the sites' doors may stay open: long enough to kill a node after the door opens, short for a test. */
export const DOOR_HELD_OPEN_S = 8;

const DEFAULT_SITES = ['north', 'south', 'east'];

/** One secret for all nodes, as the deployment sets it (≥ 32 characters). */
const NODE_SECRET = 'cluster-test-node-secret-0123456789abcdef';

/**
 * Three sites. Thresholds far above anything the load sends (its values stay below 10 %LEL), so
 * only the test's own readings alarm.
 */
export function writeClusterFacility(dir: string, loadPerSite: number, siteIds: readonly string[] = DEFAULT_SITES): { file: string; sites: ClusterSite[] } {
  fs.mkdirSync(path.join(dir, 'plans'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'plans/floor.svg'),
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1000 1000"><rect width="1000" height="1000" fill="none"/></svg>',
  );
  const sites: ClusterSite[] = siteIds.map((id) => ({
    id,
    gas: `${id.toUpperCase()}-GAS`,
    gas2: `${id.toUpperCase()}-GAS2`,
    door: `${id.toUpperCase()}-DOOR`,
    load: Array.from({ length: loadPerSite }, (_, i) => `${id.toUpperCase()}-L${String(i).padStart(3, '0')}`),
  }));
  const yaml = [
    'facility: { name: Cluster test }',
    'defaults:',
    '  gas: { heartbeatS: 600, thresholds: { low: 20, high: 40, deadband: 2, lowOnDelayS: 2, highOnDelayS: 0, riseRate: 50, riseWindowS: 30 } }',
    `  door: { heartbeatS: 600, heldOpenS: ${DOOR_HELD_OPEN_S} }`,
    'sops:',
    '  gas_high: [Evacuate, Shut the gas valve]',
    'sites:',
    ...sites.flatMap((s) => [
      `  - id: ${s.id}`,
      `    name: Site ${s.id}`,
      '    timezone: UTC',
      '    floors:',
      `      - id: ${s.id}-1f`,
      '        name: Ground floor',
      '        plan: plans/floor.svg',
      '        zones:',
      `          - id: ${s.id}-hall`,
      '            name: Hall',
      '            sensors:',
      `              - { id: ${s.gas}, name: Gas, kind: gas, x: 10, y: 10 }`,
      `              - { id: ${s.gas2}, name: Gas 2, kind: gas, x: 10, y: 20 }`,
      `              - { id: ${s.door}, name: Door, kind: door, x: 20, y: 10 }`,
      ...s.load.map((id, i) => `              - { id: ${id}, name: "Load ${i}", kind: gas, x: ${30 + i}, y: 20 }`),
    ]),
    '',
  ].join('\n');
  const file = path.join(dir, 'facility.yaml');
  fs.writeFileSync(file, yaml);
  return { file, sites };
}

/** Mosquitto as `npm start` runs it: `vigil broker init` writes its dynamic-security file into the shared DATA_DIR first. */
async function shippedBroker(dataDir: string, env: Record<string, string>): Promise<MosquittoHandle> {
  const dynsecFile = path.join(dataDir, 'dynamic-security.json');
  const init = await runVigilCli(['broker', 'init', '--dynsec-file', dynsecFile], { ...process.env, ...env });
  if (init.code !== 0) throw new Error(`vigil broker init failed (${init.code}): ${init.stderr}`);
  return startMosquitto({ dynsec: { configFile: dynsecFile } });
}

export interface ClusterNode {
  id: string;
  vigil: VigilHandle;
}

export interface Cluster {
  postgres: PostgresHandle;
  databaseUrl: string;
  redis: RedisHandle;
  influx: InfluxHandle;
  broker: MosquittoHandle;
  /** The shared DATA_DIR. */
  dataDir: string;
  sites: ClusterSite[];
  nodes: ClusterNode[];
  /** The password of the simulator's per-device broker credentials (`sim@<sensor>`, VIGIL_DEMO). */
  simulatorPassword: string;
  /** Each site's holder by the lease table, on the database's clock (sites without a live lease left out). */
  holders(): Promise<Map<string, string>>;
  /** Rows from the shared store, on a connection of the test's own. */
  query<T>(text: string, params?: unknown[]): Promise<T[]>;
  /** The node whose NODE_ID is `id`. */
  node(id: string): ClusterNode;
  stop(): Promise<void>;
}

export interface ClusterOptions {
  /** InfluxDB database of the test file. */
  db: string;
  loadPerSite: number;
  /** Node ids (default vigil-a, vigil-b). */
  nodeIds?: string[];
  /** Extra environment for every node. */
  env?: Record<string, string>;
  /** Site ids (default three: north, south, east). */
  sites?: readonly string[];
  /**
   * A broker of the caller's own that lets anonymous clients in, not administered by Vigil (the
   * benchmark's: its load generator publishes every detector's readings on one connection, and it
   * measures the broker's relay ceiling before the nodes start). Default: Mosquitto as shipped.
   */
  broker?: MosquittoHandle;
  /** false: nodes without NODE_ID, so without leases (PostgreSQL with one node, as before cluster mode). Default true. */
  leases?: boolean;
  /**
   * A PostgreSQL server of the caller's own (or one starting), stopped with the cluster: for a
   * test that freezes or crashes it, which must not touch a server other tests use.
   */
  postgres?: PostgresHandle | Promise<PostgresHandle>;
}

/** Starts the services and the nodes; returns once every node answers /api/health and the sites are held, balanced over the nodes. */
export async function startCluster(opts: ClusterOptions): Promise<Cluster> {
  const dataDir = makeTempDir('cluster');
  const { file, sites } = writeClusterFacility(dataDir, opts.loadPerSite, opts.sites);
  const [postgres, redis, influx] = await Promise.all([opts.postgres ?? postgresServer(), startRedis(), startInflux()]);
  const databaseUrl = await postgres.createDatabase();
  const shared: Record<string, string> = {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redis.url,
    DATA_DIR: dataDir,
    FACILITY_FILE: file,
    // Demo mode: the simulator's per-device broker credentials, which the load generator signs in with.
    VIGIL_DEMO: '1',
    SIMULATED_CAMERAS: '0',
    FLUSH_INTERVAL_MS: '50',
    INGEST_OBS_PER_DEVICE_PER_S: '1000',
    ...opts.env,
  };
  const broker = opts.broker ?? (await shippedBroker(dataDir, shared));

  const ids = opts.nodeIds ?? ['vigil-a', 'vigil-b'];
  const ports: number[] = [];
  for (const _ of ids) ports.push(await freePort());
  // Started together, as an installation's nodes come up: the leases settle which holds what.
  const nodes: ClusterNode[] = await Promise.all(
    ids.map(async (id, i) => {
      const port = ports[i]!;
      const vigil = await startVigil({
        mqttUrl: broker.url,
        influxUrl: influx.url,
        influxDb: opts.db,
        port,
        env: opts.leases === false ? shared : { ...shared, NODE_ID: id, NODE_URL: `http://127.0.0.1:${port}`, NODE_SECRET },
      });
      return { id, vigil };
    }),
  );
  const query = async <T>(text: string, params: unknown[] = []): Promise<T[]> => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      return (await client.query(text, params)).rows as T[];
    } finally {
      await client.end();
    }
  };
  const cluster: Cluster = {
    postgres,
    databaseUrl,
    redis,
    influx,
    broker,
    dataDir,
    sites,
    nodes,
    simulatorPassword: opts.broker ? '' : fs.readFileSync(path.join(dataDir, 'broker/simulator.password'), 'utf8').trim(),
    async holders() {
      const rows = await query<{ site: string; holder: string }>(
        `SELECT site, holder FROM site_lease WHERE holder IS NOT NULL AND expires_at > (extract(epoch from clock_timestamp()) * 1000)::bigint`,
      );
      return new Map(rows.map((r) => [r.site, r.holder]));
    },
    query,
    node(id) {
      const found = nodes.find((n) => n.id === id);
      if (!found) throw new Error(`no node ${id}`);
      return found;
    },
    async stop() {
      await Promise.all(nodes.map((n) => n.vigil.stop()));
      await postgres.stop();
      await stopAllServices();
    },
  };
  for (const n of nodes) await eventually(async () => (await n.vigil.api('/api/health')).status === 200, 30_000, `${n.id} healthy`);
  if (opts.leases !== false) await eventually(() => balanced(cluster), 30_000, 'every site held, balanced over the nodes');
  return cluster;
}

/** Balanced as the leases balance them: every site held, no node more than its share. */
export async function balanced(cluster: Cluster): Promise<boolean> {
  const share = Math.ceil(cluster.sites.length / cluster.nodes.length);
  const held = [...(await cluster.holders()).values()];
  return held.length === cluster.sites.length && cluster.nodes.every((n) => held.filter((h) => h === n.id).length <= share);
}

/** A device of the test's own, signed in with the simulator's credential for `sensor` (QoS 1 publishes). */
export function connectDevice(cluster: Cluster, sensor: string): Promise<MqttClient> {
  const username = `sim@${sensor}`;
  return mqtt.connectAsync(cluster.broker.url, { username, clientId: username, password: cluster.simulatorPassword, reconnectPeriod: 0 });
}

/**
 * A console as the dashboard runs one: a Socket.IO connection fed into the dashboard's own LiveStore
 * with its 500 ms reorder window (client/src/live/live.socket.ts). Every resync the store asks for
 * is a gap (an event it never got in time) and is counted, not answered.
 */
export interface Console {
  store: LiveStore;
  /** The snapshot's seq, then every event's seq in arrival order. */
  snapshotSeq: number;
  seqs: number[];
  /** Outcomes the store reported for the events (applied, duplicate, held, gap…). */
  outcomes: Map<AlarmEventResult, number>;
  /** Resyncs the store asked for: each one a gap. */
  resyncs: number;
  disconnects: number;
  close(): void;
}

export async function openConsole(vigil: VigilHandle, cookie: string): Promise<Console> {
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(vigil.url, {
    transports: ['websocket'],
    reconnection: false,
    extraHeaders: { cookie },
  });
  const c: Console = {
    store: new LiveStore({ requestResync: () => c.resyncs++, reorderWindowMs: 500 }),
    snapshotSeq: -1,
    seqs: [],
    outcomes: new Map(),
    resyncs: 0,
    disconnects: 0,
    close: () => socket.close(),
  };
  socket.on('alarm', (e) => {
    c.seqs.push(e.seq);
    const outcome = c.store.handleAlarmEvent(e);
    c.outcomes.set(outcome, (c.outcomes.get(outcome) ?? 0) + 1);
  });
  socket.on('disconnect', () => c.disconnects++);
  await new Promise<void>((resolve, reject) => {
    socket.once('snapshot', (snapshot) => {
      c.snapshotSeq = snapshot.seq;
      c.store.handleConnect(false);
      c.store.handleSnapshot(snapshot);
      resolve();
    });
    socket.once('connect_error', reject);
  });
  return c;
}

/** Sequence numbers after `from` missing below the highest one received (an empty list: no gap). */
export function missingSeqs(from: number, seqs: readonly number[]): number[] {
  const got = new Set(seqs);
  const top = Math.max(from, ...seqs);
  const missing: number[] = [];
  for (let s = from + 1; s <= top; s++) if (!got.has(s)) missing.push(s);
  return missing;
}
