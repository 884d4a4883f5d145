/**
 * `npm run bench:ingest` — ingest throughput, loss and latency through real Mosquitto and
 * InfluxDB (results: README.md "Performance"). Prints, for each paced rate and for draining a
 * backlog: observations/s stored (counted in InfluxDB), loss, ingest-to-durable p50/p99 (from
 * Vigil's own histogram) and the server's peak RSS. Flags: --rates 30000,50000 --seconds 15
 * --backlog 200000 --sensors 1000 --publisher raw|mqttjs (load generator: raw MQTT frames, the
 * default and lean, or mqtt.js; the publisher's CPU time is printed on stderr).
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
import { startInflux, startMosquitto, stopAllServices, type InfluxHandle } from '../../test/support/services.ts';
import { startVigil, eventually, type VigilHandle } from '../../test/support/vigil.ts';
import { cpuSeconds, fmt, pidOf, publisherWorker, runBench, writeBenchFacility, type PublisherResult } from './bench.support.ts';

const { values: args } = parseArgs({
  options: {
    rates: { type: 'string', default: '20000,35000,50000,60000' },
    seconds: { type: 'string', default: '15' },
    backlog: { type: 'string', default: '200000' },
    sensors: { type: 'string', default: '1000' },
    publisher: { type: 'string', default: 'raw' },
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
if (!RATES.length || !(SECONDS > 0) || !(BACKLOG >= 0) || !(SENSORS > 0) || !picked) {
  process.stderr.write('usage: bench:ingest [--rates 20000,50000] [--seconds 15] [--backlog 200000] [--sensors 1000] [--publisher raw|mqttjs]\n');
  process.exit(2);
}
const PUBLISHER = picked;
const DB = 'vigil_bench';
const SITE = 'bench';

interface Histogram {
  buckets: [number, number][];
  count: number;
}

async function latencyHistogram(vigil: VigilHandle, name = 'vigil_ingest_to_durable_seconds'): Promise<Histogram> {
  const text = await (await fetch(`${vigil.url}/metrics`)).text();
  const buckets: [number, number][] = [];
  let count = 0;
  const bucket = new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} (\\d+)`);
  const total = new RegExp(`^${name}_count (\\d+)`);
  for (const line of text.split('\n')) {
    const b = bucket.exec(line);
    if (b) buckets.push([b[1] === '+Inf' ? Infinity : Number(b[1]), Number(b[2])]);
    const c = total.exec(line);
    if (c) count = Number(c[1]);
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
function publish(url: string, sensors: string[], rate: number, count: number, clientId: string): Promise<PublisherResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(PUBLISHER.url, { workerData: { url, clientId, sensors, site: SITE, rate, count, t0: 0, tick: 5, live: true } });
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

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-'));
  const sensors = Array.from({ length: SENSORS }, (_, i) => `B-GAS-${String(i).padStart(5, '0')}`);
  const file = writeBenchFacility(dir, sensors);
  const [broker, influx] = await Promise.all([startMosquitto(), startInflux()]);
  // The simulated detectors stand for a facility's throughput, not for real devices' rates: no
  // per-device limit (docs/contracts.md#ingest-limits) may refuse what the bench counts as stored.
  const vigil = await startVigil({
    mqttUrl: broker.url,
    influxUrl: influx.url,
    influxDb: DB,
    env: { FACILITY_FILE: file, LOG_LEVEL: 'warn', INGEST_OBS_PER_DEVICE_PER_S: '1000000' },
  });
  await eventually(async () => (await vigil.api('/api/health')).status === 200, 30_000, 'Vigil healthy');
  process.stdout.write(
    `Vigil ingest benchmark — ${os.cpus().length} cores, Mosquitto + InfluxDB + Vigil + publisher (${PUBLISHER.name}) on one machine, ${SENSORS} sensors, QoS 1\n\n`,
  );
  process.stdout.write('phase                 offered/s   stored/s      loss   p50 ms   p99 ms   peak RSS MB\n');
  const cpu = cpuMeter({ Vigil: () => vigil.pid, Mosquitto: () => pidOf(broker.configFile), InfluxDB: () => pidOf(influx.configFile) });
  let best = 0;
  for (const rate of RATES) {
    const count = rate * SECONDS;
    const h0 = await latencyHistogram(vigil);
    const w0 = await latencyHistogram(vigil, 'vigil_history_batch_write_seconds');
    const started = Date.now();
    cpu.start();
    const pub = await publish(broker.url, sensors, rate, count, `bench-pub-${rate}`);
    if (pub.acked < count)
      process.stderr.write(`  (the publisher got only ${pub.acked} of ${count} acknowledged by the broker: loss is counted against those)\n`);
    const stored = await waitUntilStored(influx, pub, count, 500, 60);
    const seconds = (Date.now() - started) / 1000;
    process.stderr.write(`  (CPU s during the phase: ${cpu.report()}, publisher thread ${fmt(pub.threadCpuMs / 1000, 1)})\n`);
    const h1 = await latencyHistogram(vigil);
    const w1 = await latencyHistogram(vigil, 'vigil_history_batch_write_seconds');
    process.stderr.write(
      `  (${w1.count - w0.count} InfluxDB writes, ${fmt(count / Math.max(1, w1.count - w0.count))} points each, write p50 ${fmt(percentile(w0, w1, 0.5) * 1000)} ms, p99 ${fmt(percentile(w0, w1, 0.99) * 1000)} ms)\n`,
    );
    const storedRate = stored / seconds;
    // Sustained: everything stored within 2 s of the end of publishing (no backlog building up).
    if (pub.acked === count && stored === count && seconds <= SECONDS + 2) best = Math.max(best, rate);
    process.stdout.write(
      `paced ${String(rate).padEnd(14)} ${fmt(rate).padStart(9)} ${fmt(storedRate).padStart(10)} ${fmt(Math.max(0, pub.acked - stored)).padStart(9)} ${fmt(percentile(h0, h1, 0.5) * 1000).padStart(8)} ${fmt(percentile(h0, h1, 0.99) * 1000).padStart(8)} ${fmt(peakRssMb(vigil.pid)).padStart(13)}${seconds > SECONDS + 2 ? `   (took ${fmt(seconds, 1)} s: not sustained)` : `   (all stored ${fmt(seconds - SECONDS, 1)} s after the last publish was due)`}\n`,
    );
  }
  if (BACKLOG > 0) {
    await vigil.stop();
    const pub = await publish(broker.url, sensors, 0, BACKLOG, 'bench-pub-backlog');
    const started = Date.now();
    await vigil.start();
    cpu.start();
    const stored = await waitUntilStored(influx, pub, BACKLOG, 100, 100);
    const seconds = (Date.now() - started) / 1000;
    process.stderr.write(`  (CPU s while draining: ${cpu.report()})\n`);
    const h = await latencyHistogram(vigil);
    const zero: Histogram = { buckets: h.buckets.map(([le]) => [le, 0]), count: 0 };
    process.stdout.write(
      `backlog ${String(BACKLOG).padEnd(12)} ${'(queued)'.padStart(9)} ${fmt(stored / seconds).padStart(10)} ${fmt(BACKLOG - stored).padStart(9)} ${fmt(percentile(zero, h, 0.5) * 1000).padStart(8)} ${fmt(percentile(zero, h, 0.99) * 1000).padStart(8)} ${fmt(peakRssMb(vigil.pid)).padStart(13)}   (drained in ${fmt(seconds, 1)} s incl. start-up)\n`,
    );
  }
  const dropped = (await (await fetch(`${vigil.url}/metrics`)).text()).match(/^vigil_broker_messages_dropped (\S+)/m)?.[1] ?? 'n/a';
  process.stdout.write(`\nhighest sustained paced rate with zero loss: ${fmt(best)} observations/s; broker-reported dropped messages: ${dropped}\n`);
  process.stdout.write(
    'latency = MQTT message received by Vigil → its points stored in InfluxDB (then acknowledged); percentiles interpolated from histogram buckets\n',
  );
  await vigil.stop();
  await stopAllServices();
  fs.rmSync(dir, { recursive: true, force: true });
}

runBench(main);
