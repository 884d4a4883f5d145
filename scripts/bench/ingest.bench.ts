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
 *
 * Every phase is accounted reading by reading: each reading's value is its own number
 * (publisher.numbering.mjs). After publishing, the bench waits until InfluxDB holds as many points
 * as the broker acknowledged, or until the count has not grown for --quiet seconds (default 20; at
 * least twice the former wait below), at most --cap seconds (default 180); then it names what is
 * missing and what is stored twice, and prints the broker's drop counter and store ($SYS) and
 * Vigil's own counters (/metrics) and the nodes' warnings over the phase, so a loss can be
 * attributed. Readings still missing are looked for again at the end of the run. A reading stored
 * only after the bench's former wait would have given up (30 s without progress for a paced phase,
 * 10 s for the backlog) is counted "late"; one never stored, "lost".
 *
 * This file reads the options and runs the phases; the accounting is in ingest.accounting.ts, the
 * /metrics and $SYS readings in ingest.metrics.ts, the publisher and relay ceiling in
 * ingest.load.ts, the single-node and several-node start-up in ingest.stack.ts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startInflux, startMosquitto, stopAllServices } from '../../test/support/services.ts';
import { cpuSeconds, fmt, pidOf, publisherWorker, runBench } from './bench.support.ts';
import { phaseAccounting } from './ingest.accounting.ts';
import { oneSite, publish, relayCeiling } from './ingest.load.ts';
import { latencyHistogram, percentile, vigilSamples, watchBroker, type Histogram } from './ingest.metrics.ts';
import { severalNodes, singleNode } from './ingest.stack.ts';

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
    quiet: { type: 'string', default: '20' },
    cap: { type: 'string', default: '180' },
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
const QUIET_MS = Number(args.quiet) * 1000;
const CAP_MS = Number(args.cap) * 1000;
if (
  !RATES.length ||
  !(SECONDS > 0) ||
  !(BACKLOG >= 0) ||
  !(SENSORS > 0) ||
  !picked ||
  !(NODES === null || NODES >= 1) ||
  !(SITES >= 1) ||
  !(RELAY_COUNT > 0) ||
  !(QUIET_MS > 0) ||
  !(CAP_MS >= QUIET_MS)
) {
  process.stderr.write(
    'usage: bench:ingest [--rates 20000,50000] [--seconds 15] [--backlog 200000] [--sensors 1000] [--publisher raw|mqttjs] [--nodes 2 [--sites 4]] [--relay-count 200000] [--quiet 20] [--cap 180]\n',
  );
  process.exit(2);
}
const PUBLISHER = picked;
/** The bench's former waits (no growth of the stored count for this long), kept to tell "late" readings from lost ones. */
const PACED_PATIENCE_MS = 30_000;
const BACKLOG_PATIENCE_MS = 10_000;
const DB = 'vigil_bench';

function peakRssMb(pid: number | undefined): number {
  if (!pid) return NaN;
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
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
  const { totals, waitUntilStored, account, finalLook } = phaseAccounting({ db: DB, quietMs: QUIET_MS, capMs: CAP_MS });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-'));
  const sensors = Array.from({ length: SENSORS }, (_, i) => `B-GAS-${String(i).padStart(5, '0')}`);
  const broker = await startMosquitto();
  const ceiling = await relayCeiling(PUBLISHER.url, broker.url, sensors, RELAY_COUNT);
  // The facility of writeBenchFacility: one site, `bench`.
  const stack =
    NODES === null
      ? await singleNode(oneSite(sensors, 'bench'), broker, await startInflux(), dir, DB)
      : await severalNodes(broker, { db: DB, nodes: NODES, sites: SITES, sensors: SENSORS });
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
  const sys = await watchBroker(broker.url);
  const now = async () => ({ dropped: (await sys.read()).dropped, metrics: await vigilSamples(vigils) });
  let best = 0;
  for (const rate of RATES) {
    const count = rate * SECONDS;
    const h0 = await latencyHistogram(vigils);
    const w0 = await latencyHistogram(vigils, 'vigil_history_batch_write_seconds');
    const before = await now();
    const started = Date.now();
    cpu.start();
    const pub = await publish(PUBLISHER.url, broker.url, load, rate, count, `bench-pub-${rate}`);
    if (pub.acked < count)
      process.stderr.write(`  (the publisher got only ${pub.acked} of ${count} acknowledged by the broker: loss is counted against those)\n`);
    const drain = await waitUntilStored(influx, pub, count, started, PACED_PATIENCE_MS);
    const { stored, seconds } = drain;
    process.stderr.write(`  (CPU s during the phase: ${cpu.report()}, publisher thread ${fmt(pub.threadCpuMs / 1000, 1)})\n`);
    const h1 = await latencyHistogram(vigils);
    const w1 = await latencyHistogram(vigils, 'vigil_history_batch_write_seconds');
    process.stderr.write(
      `  (${w1.count - w0.count} InfluxDB writes, ${fmt(count / Math.max(1, w1.count - w0.count))} points each, write p50 ${fmt(percentile(w0, w1, 0.5) * 1000)} ms, p99 ${fmt(percentile(w0, w1, 0.99) * 1000)} ms)\n`,
    );
    const storedRate = stored / seconds;
    const { missing, lines } = await account(
      { phase: `paced ${rate}/s`, stack, pub, count, started, drain, oldPatienceMs: PACED_PATIENCE_MS, broker: sys },
      before,
    );
    // Sustained: everything stored within 2 s of the end of publishing (no backlog building up).
    if (pub.acked === count && missing === 0 && drain.ended === 'complete' && seconds <= SECONDS + 2) best = Math.max(best, rate);
    process.stdout.write(
      `paced ${String(rate).padEnd(14)} ${fmt(rate).padStart(9)} ${fmt(storedRate).padStart(10)} ${ofCeiling(storedRate).padStart(11)} ${fmt(missing).padStart(9)} ${fmt(percentile(h0, h1, 0.5) * 1000).padStart(8)} ${fmt(percentile(h0, h1, 0.99) * 1000).padStart(8)} ${rss().padStart(13)}${seconds > SECONDS + 2 ? `   (took ${fmt(seconds, 1)} s: not sustained)` : `   (all stored ${fmt(seconds - SECONDS, 1)} s after the last publish was due)`}\n${lines}`,
    );
  }
  if (BACKLOG > 0) {
    // Fresh processes after the restart: their counters start from zero.
    const before = { dropped: (await sys.read()).dropped, metrics: new Map<string, number>() };
    for (const vigil of vigils) await vigil.stop();
    const pub = await publish(PUBLISHER.url, broker.url, load, 0, BACKLOG, 'bench-pub-backlog');
    const started = Date.now();
    await Promise.all(vigils.map((vigil) => vigil.start()));
    cpu.start();
    const drain = await waitUntilStored(influx, pub, BACKLOG, started, BACKLOG_PATIENCE_MS);
    const { stored, seconds } = drain;
    process.stderr.write(`  (CPU s while draining: ${cpu.report()})\n`);
    const { missing, lines } = await account(
      { phase: `backlog of ${BACKLOG}`, stack, pub, count: BACKLOG, started, drain, oldPatienceMs: BACKLOG_PATIENCE_MS, broker: sys },
      before,
    );
    const h = await latencyHistogram(vigils);
    const zero: Histogram = { buckets: h.buckets.map(([le]) => [le, 0]), count: 0 };
    process.stdout.write(
      `backlog ${String(BACKLOG).padEnd(12)} ${'(queued)'.padStart(9)} ${fmt(stored / seconds).padStart(10)} ${ofCeiling(stored / seconds).padStart(11)} ${fmt(missing).padStart(9)} ${fmt(percentile(zero, h, 0.5) * 1000).padStart(8)} ${fmt(percentile(zero, h, 0.99) * 1000).padStart(8)} ${rss().padStart(13)}   (${drain.ended === 'complete' ? 'drained' : 'last progress'} in ${fmt(seconds, 1)} s incl. start-up)\n${lines}`,
    );
  }
  await finalLook(stack, sys);
  const { dropped } = await sys.read();
  await sys.stop();
  process.stdout.write(
    `\nhighest sustained paced rate with zero loss: ${fmt(best)} observations/s = ${ofCeiling(best)} of the broker's relay ceiling; broker-reported dropped messages ($SYS, whole run): ${fmt(dropped)}\n`,
  );
  process.stdout.write(
    `over all phases: ${fmt(totals.lost)} readings lost (never stored by the end of the run), ${fmt(totals.late)} late (stored only after the former wait would have given up), ${fmt(totals.duplicated)} stored twice\n`,
  );
  process.stdout.write(
    'latency = MQTT message received by Vigil → its points stored in InfluxDB (then acknowledged); percentiles interpolated from histogram buckets\n',
  );
  await stack.stop();
  await stopAllServices();
  fs.rmSync(dir, { recursive: true, force: true });
}

runBench(main);
