/**
 * `npm run bench:ingest` — ingest throughput, loss and latency through real Mosquitto and
 * InfluxDB (results: README.md "Performance"). Prints, for each paced rate and for draining a
 * backlog: observations/s stored (counted in InfluxDB), loss, ingest-to-durable p50/p99 (from
 * Vigil's own histogram) and the server's peak RSS. Flags: --rates 30000,50000 --seconds 15
 * --backlog 200000 --sensors 1000 --publisher raw|mqttjs (load generator: raw MQTT frames, the
 * default and lean, or mqtt.js; the publisher's CPU time is printed on stderr).
 *
 * Every figure is set against the broker's relay ceiling measured first in the same run: a flood
 * from the same publisher to one raw QoS 1 subscriber that only acknowledges, with no Vigil running
 * (the most Vigil's ingest session could be handed on this machine at that moment).
 *
 * --nodes N: Vigil as N nodes (README "Several nodes (high availability)"): PostgreSQL, Redis and N
 * nodes with NODE_ID (test/support/cluster.ts), the detectors spread over --sites sites (default
 * 4), each site's ingest on the node holding its lease. Without --nodes: one node on SQLite, one site.
 *
 * Readings carry live device timestamps (the wall clock when published), as real devices send:
 * old timestamps would make every batch "late" and trigger roll-up backfills that live traffic
 * never causes. Stderr also shows the CPU seconds Vigil, Mosquitto and InfluxDB used per phase.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { parseArgs } from 'node:util';
import { startInflux, startMosquitto, stopAllServices, type InfluxHandle, type MosquittoHandle } from '../../test/support/services.ts';
import { startVigil, eventually, type VigilHandle } from '../../test/support/vigil.ts';
import { startCluster } from '../../test/support/cluster.ts';
import { cpuSeconds, fmt, pidOf, publisherWorker, runBench, writeBenchFacility, type PublisherResult } from './bench.support.ts';

const { values: args } = parseArgs({
  options: {
    rates: { type: 'string', default: '20000,35000,50000,60000' },
    seconds: { type: 'string', default: '15' },
    backlog: { type: 'string', default: '200000' },
    sensors: { type: 'string', default: '1000' },
    publisher: { type: 'string', default: 'raw' },
    nodes: { type: 'string' },
    sites: { type: 'string', default: '4' },
    'relay-count': { type: 'string', default: '200000' },
  },
});
const RATES = args.rates
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const SECONDS = Number(args.seconds);
const BACKLOG = Number(args.backlog);
const SENSORS = Number(args.sensors);
const picked = publisherWorker(args.publisher);
const NODES = args.nodes === undefined ? null : Number(args.nodes);
const SITES = NODES === null ? 1 : Number(args.sites);
const RELAY_COUNT = Number(args['relay-count']);
if (!RATES.length || !(SECONDS > 0) || !(BACKLOG >= 0) || !(SENSORS > 0) || !picked || !(NODES === null || NODES >= 1) || !(SITES >= 1) || !(RELAY_COUNT > 0)) {
  process.stderr.write(
    'usage: bench:ingest [--rates 20000,50000] [--seconds 15] [--backlog 200000] [--sensors 1000] [--publisher raw|mqttjs] [--nodes 2 [--sites 4]] [--relay-count 200000]\n',
  );
  process.exit(2);
}
const PUBLISHER = picked;
const DB = 'vigil_bench';

interface Histogram {
  buckets: [number, number][];
  count: number;
}

/** The nodes' histogram `name`, summed over the nodes (they share the buckets). */
async function latencyHistogram(vigils: readonly VigilHandle[], name = 'vigil_ingest_to_durable_seconds'): Promise<Histogram> {
  const buckets: [number, number][] = [];
  let count = 0;
  const bucket = new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} (\\d+)`);
  const total = new RegExp(`^${name}_count (\\d+)`);
  for (const vigil of vigils) {
    const text = await (await fetch(`${vigil.url}/metrics`)).text();
    let i = 0;
    for (const line of text.split('\n')) {
      const b = bucket.exec(line);
      if (b) {
        const le = b[1] === '+Inf' ? Infinity : Number(b[1]);
        if (buckets[i]) buckets[i]![1] += Number(b[2]);
        else buckets[i] = [le, Number(b[2])];
        i++;
      }
      const c = total.exec(line);
      if (c) count += Number(c[1]);
    }
  }
  return { buckets, count };
}

/** Percentile from the difference of two cumulative histograms, interpolated within a bucket. */
function percentile(before: Histogram, after: Histogram, q: number): number {
  const total = after.count - before.count;
  if (total <= 0) return NaN;
  const target = q * total;
  let prevLe = 0;
  let prevCum = 0;
  for (let i = 0; i < after.buckets.length; i++) {
    const [le, cum] = after.buckets[i]!;
    const c = cum - (before.buckets[i]?.[1] ?? 0);
    if (c >= target) {
      if (!Number.isFinite(le)) return prevLe;
      return prevLe + ((target - prevCum) / Math.max(1, c - prevCum)) * (le - prevLe);
    }
    prevLe = le;
    prevCum = c;
  }
  return NaN;
}

function peakRssMb(pid: number | undefined): number {
  if (!pid) return NaN;
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

async function countStored(influx: InfluxHandle, from: number, to: number): Promise<number> {
  const rows = await influx.query(`SELECT count(value) FROM reading WHERE time >= ${from}ms AND time < ${to}ms`, DB);
  return Number(rows[0]?.count ?? 0);
}

/** Publishes `count` readings with live device timestamps (wall clock at publishing). */
function publish(url: string, load: Load, rate: number, count: number, clientId: string): Promise<PublisherResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(PUBLISHER.url, {
      workerData: { url, clientId, sensors: load.sensors, sites: load.sites, rate, count, t0: 0, tick: 5, live: true },
    });
    worker.on('message', (m: PublisherResult) => {
      // (the final message carries the broker-acknowledged count)
      if (m.done) {
        process.stderr.write(
          `  (publisher CPU s ${fmt(m.cpuMs / 1000, 2)} for ${fmt(m.sent)} messages, ${fmt((m.cpuMs * 1000) / Math.max(1, m.sent), 1)} µs each; its thread alone ${fmt(m.threadCpuMs / 1000, 2)} s)\n`,
        );
        resolve(m);
      } else if (process.env.BENCH_VERBOSE) process.stderr.write(`  publisher: sent ${m.sent}, acked by broker ${m.acked}\n`);
    });
    worker.on('error', reject);
  });
}

/**
 * Polls InfluxDB until the `expected` readings published between `pub.firstTs` and `pub.lastTs`
 * are stored, or no progress was seen for `patience` polls.
 */
async function waitUntilStored(influx: InfluxHandle, pub: PublisherResult, expected: number, pollMs: number, patience: number): Promise<number> {
  if (pub.firstTs === null || pub.lastTs === null) return 0;
  let stored = 0;
  let last = -1;
  let still = 0;
  while (stored < expected && still < patience) {
    stored = await countStored(influx, pub.firstTs, pub.lastTs + 1);
    still = stored === last ? still + 1 : 0;
    last = stored;
    if (stored < expected) await new Promise((r) => setTimeout(r, pollMs));
  }
  return stored;
}

/** CPU seconds per process over a phase. */
function cpuMeter(pids: Record<string, () => number | undefined>) {
  let before: Record<string, number> = {};
  const now = () => Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuSeconds(pid())]));
  return {
    start: () => {
      before = now();
    },
    report: () => {
      const after = now();
      return Object.keys(pids)
        .map((name) => `${name} ${fmt(after[name]! - before[name]!, 1)}`)
        .join(', ');
    },
  };
}

/** What the publisher sends: detector ids and each one's site. */
interface Load {
  sensors: string[];
  sites: string[];
}

const oneSite = (sensors: string[], site: string): Load => ({ sensors, sites: sensors.map(() => site) });

interface Stack {
  vigils: VigilHandle[];
  influx: InfluxHandle;
  load: Load;
  /** Stops every Vigil node and the services. */
  stop(): Promise<void>;
}

/**
 * Publishes a flood to one raw QoS 1 subscriber, with no Vigil reading it: the messages/s the broker
 * relays from the publisher to one session on this machine now, the most Vigil could be handed.
 */
async function relayCeiling(url: string, sensors: string[]): Promise<number> {
  const subscriber = new Worker(new URL('./subscriber.raw.worker.mjs', import.meta.url), {
    workerData: { url, clientId: 'bench-relay-subscriber', filter: 'vigil/relay-ceiling/#', count: RELAY_COUNT },
  });
  const message = (want: 'ready' | 'done') =>
    new Promise<{ received: number; seconds: number }>((resolve, reject) => {
      subscriber.on('message', (m: { ready?: boolean; done?: boolean; received: number; seconds: number }) => {
        if (m[want]) resolve(m);
      });
      subscriber.once('error', reject);
    });
  await message('ready');
  const done = message('done');
  await publish(url, oneSite(sensors, 'relay-ceiling'), 0, RELAY_COUNT, 'bench-pub-relay');
  const { received, seconds } = await done;
  await subscriber.terminate();
  return received / seconds;
}

/** One node on SQLite and one site, as `npm start` runs. */
async function singleNode(load: Load, broker: MosquittoHandle, influx: InfluxHandle, dir: string): Promise<Stack> {
  const file = writeBenchFacility(dir, load.sensors);
  // The simulated detectors stand for a facility's throughput, not for real devices' rates: no
  // per-device limit (docs/contracts.md#ingest-limits) may refuse what the bench counts as stored.
  const vigil = await startVigil({
    mqttUrl: broker.url,
    influxUrl: influx.url,
    influxDb: DB,
    env: { FACILITY_FILE: file, LOG_LEVEL: 'warn', INGEST_OBS_PER_DEVICE_PER_S: '1000000' },
  });
  await eventually(async () => (await vigil.api('/api/health')).status === 200, 30_000, 'Vigil healthy');
  return { vigils: [vigil], influx, load, stop: () => vigil.stop() };
}

/** NODES nodes on PostgreSQL and Redis, the detectors spread over SITES sites. */
async function severalNodes(broker: MosquittoHandle): Promise<Stack> {
  const sites = Array.from({ length: SITES }, (_, i) => `site${i + 1}`);
  const cluster = await startCluster({
    db: DB,
    loadPerSite: Math.ceil(SENSORS / SITES),
    sites,
    broker,
    nodeIds: Array.from({ length: NODES! }, (_, i) => `vigil-${i + 1}`),
    env: { LOG_LEVEL: 'warn', INGEST_OBS_PER_DEVICE_PER_S: '1000000', FLUSH_INTERVAL_MS: '200' },
  });
  const held = await cluster.holders();
  process.stderr.write(`  (sites held: ${[...held].map(([site, node]) => `${site} by ${node}`).join(', ')})\n`);
  const load = { sensors: cluster.sites.flatMap((s) => s.load), sites: cluster.sites.flatMap((s) => s.load.map(() => s.id)) };
  return { vigils: cluster.nodes.map((n) => n.vigil), influx: cluster.influx, load, stop: () => cluster.stop() };
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-'));
  const sensors = Array.from({ length: SENSORS }, (_, i) => `B-GAS-${String(i).padStart(5, '0')}`);
  const broker = await startMosquitto();
  const ceiling = await relayCeiling(broker.url, sensors);
  // The facility of writeBenchFacility: one site, `bench`.
  const stack = NODES === null ? await singleNode(oneSite(sensors, 'bench'), broker, await startInflux(), dir) : await severalNodes(broker);
  const { vigils, influx, load } = stack;
  const rss = () => vigils.map((v) => fmt(peakRssMb(v.pid))).join('+');
  process.stdout.write(
    `Vigil ingest benchmark — ${os.cpus().length} cores, Mosquitto + InfluxDB + ${NODES === null ? 'Vigil (one node, SQLite)' : `${NODES} Vigil node(s) + PostgreSQL + Redis, ${SITES} sites`} + publisher (${PUBLISHER.name}) on one machine, ${load.sensors.length} sensors, QoS 1\n`,
  );
  process.stdout.write(`broker relay ceiling this run: ${fmt(ceiling)} messages/s (the same publisher to one raw QoS 1 subscriber, no Vigil)\n\n`);
  process.stdout.write('phase                 offered/s   stored/s  of ceiling      loss   p50 ms   p99 ms   peak RSS MB\n');
  const cpu = cpuMeter({
    ...Object.fromEntries(vigils.map((v, i) => [vigils.length === 1 ? 'Vigil' : `Vigil ${i + 1}`, () => v.pid])),
    Mosquitto: () => pidOf(broker.configFile),
    InfluxDB: () => pidOf(influx.configFile),
  });
  const ofCeiling = (perS: number) => `${fmt((100 * perS) / ceiling)} %`;
  let best = 0;
  for (const rate of RATES) {
    const count = rate * SECONDS;
    const h0 = await latencyHistogram(vigils);
    const w0 = await latencyHistogram(vigils, 'vigil_history_batch_write_seconds');
    const started = Date.now();
    cpu.start();
    const pub = await publish(broker.url, load, rate, count, `bench-pub-${rate}`);
    if (pub.acked < count)
      process.stderr.write(`  (the publisher got only ${pub.acked} of ${count} acknowledged by the broker: loss is counted against those)\n`);
    const stored = await waitUntilStored(influx, pub, count, 500, 60);
    const seconds = (Date.now() - started) / 1000;
    process.stderr.write(`  (CPU s during the phase: ${cpu.report()}, publisher thread ${fmt(pub.threadCpuMs / 1000, 1)})\n`);
    const h1 = await latencyHistogram(vigils);
    const w1 = await latencyHistogram(vigils, 'vigil_history_batch_write_seconds');
    process.stderr.write(
      `  (${w1.count - w0.count} InfluxDB writes, ${fmt(count / Math.max(1, w1.count - w0.count))} points each, write p50 ${fmt(percentile(w0, w1, 0.5) * 1000)} ms, p99 ${fmt(percentile(w0, w1, 0.99) * 1000)} ms)\n`,
    );
    const storedRate = stored / seconds;
    // Sustained: everything stored within 2 s of the end of publishing (no backlog building up).
    if (pub.acked === count && stored === count && seconds <= SECONDS + 2) best = Math.max(best, rate);
    process.stdout.write(
      `paced ${String(rate).padEnd(14)} ${fmt(rate).padStart(9)} ${fmt(storedRate).padStart(10)} ${ofCeiling(storedRate).padStart(11)} ${fmt(Math.max(0, pub.acked - stored)).padStart(9)} ${fmt(percentile(h0, h1, 0.5) * 1000).padStart(8)} ${fmt(percentile(h0, h1, 0.99) * 1000).padStart(8)} ${rss().padStart(13)}${seconds > SECONDS + 2 ? `   (took ${fmt(seconds, 1)} s: not sustained)` : `   (all stored ${fmt(seconds - SECONDS, 1)} s after the last publish was due)`}\n`,
    );
  }
  if (BACKLOG > 0) {
    for (const vigil of vigils) await vigil.stop();
    const pub = await publish(broker.url, load, 0, BACKLOG, 'bench-pub-backlog');
    const started = Date.now();
    await Promise.all(vigils.map((vigil) => vigil.start()));
    cpu.start();
    const stored = await waitUntilStored(influx, pub, BACKLOG, 100, 100);
    const seconds = (Date.now() - started) / 1000;
    process.stderr.write(`  (CPU s while draining: ${cpu.report()})\n`);
    const h = await latencyHistogram(vigils);
    const zero: Histogram = { buckets: h.buckets.map(([le]) => [le, 0]), count: 0 };
    process.stdout.write(
      `backlog ${String(BACKLOG).padEnd(12)} ${'(queued)'.padStart(9)} ${fmt(stored / seconds).padStart(10)} ${ofCeiling(stored / seconds).padStart(11)} ${fmt(BACKLOG - stored).padStart(9)} ${fmt(percentile(zero, h, 0.5) * 1000).padStart(8)} ${fmt(percentile(zero, h, 0.99) * 1000).padStart(8)} ${rss().padStart(13)}   (drained in ${fmt(seconds, 1)} s incl. start-up)\n`,
    );
  }
  let dropped = 0;
  for (const vigil of vigils)
    dropped = Math.max(dropped, Number((await (await fetch(`${vigil.url}/metrics`)).text()).match(/^vigil_broker_messages_dropped (\S+)/m)?.[1] ?? NaN));
  process.stdout.write(
    `\nhighest sustained paced rate with zero loss: ${fmt(best)} observations/s = ${ofCeiling(best)} of the broker's relay ceiling; broker-reported dropped messages: ${fmt(dropped)}\n`,
  );
  process.stdout.write(
    'latency = MQTT message received by Vigil → its points stored in InfluxDB (then acknowledged); percentiles interpolated from histogram buckets\n',
  );
  await stack.stop();
  await stopAllServices();
  fs.rmSync(dir, { recursive: true, force: true });
}

runBench(main);
