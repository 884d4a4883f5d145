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
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { parseArgs } from 'node:util';
import { startInflux, startMosquitto, stopAllServices, type InfluxHandle, type MosquittoHandle } from '../../test/support/services.ts';
import { startVigil, eventually, type VigilHandle } from '../../test/support/vigil.ts';
import { startCluster } from '../../test/support/cluster.ts';
import { duplicatedNumbers, storedNumbers } from '../../test/support/cluster.load.ts';
import mqtt from 'mqtt';
import { cpuSeconds, fmt, pidOf, publisherWorker, runBench, writeBenchFacility, type PublisherResult } from './bench.support.ts';
import { numberOf } from './publisher.numbering.mjs';

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

interface Histogram {
  buckets: [number, number][];
  count: number;
}

const metricsText = async (vigil: VigilHandle): Promise<string> => (await fetch(`${vigil.url}/metrics`)).text();

/** The nodes' histogram `name`, summed over the nodes (they share the buckets). */
async function latencyHistogram(vigils: readonly VigilHandle[], name = 'vigil_ingest_to_durable_seconds'): Promise<Histogram> {
  const buckets: [number, number][] = [];
  let count = 0;
  const bucket = new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} (\\d+)`);
  const total = new RegExp(`^${name}_count (\\d+)`);
  for (const vigil of vigils) {
    const text = await metricsText(vigil);
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

/** Vigil's counters that say where a reading went, beside "stored": /metrics names, summed over labels. */
const VIGIL_COUNTERS = {
  ingested: 'vigil_observations_ingested_total',
  rejected: 'vigil_observations_rejected_total',
  'retained ignored': 'vigil_retained_ignored_total',
  'rejected frames': 'vigil_mqtt_rejected_frames_total',
  foreign: 'vigil_observations_foreign_total',
  written: 'vigil_history_points_written_total',
  outboxed: 'vigil_outbox_points_added_total',
  'dead-lettered': 'vigil_history_points_dead_lettered_total',
} as const;
/** Gauges read at the end of a phase: what is still on its way inside Vigil. */
const VIGIL_GAUGES = { 'in the outbox': 'vigil_outbox_points', 'queued, not durable': 'vigil_ingest_queue_points' } as const;

/** Every sample of /metrics, `name{labels}` → value, summed over the nodes. */
async function vigilSamples(vigils: readonly VigilHandle[]): Promise<Map<string, number>> {
  const samples = new Map<string, number>();
  for (const vigil of vigils) {
    for (const line of (await metricsText(vigil)).split('\n')) {
      const m = /^([a-z_]+(?:\{[^}]*\})?) (\S+)$/.exec(line);
      if (m) samples.set(m[1]!, (samples.get(m[1]!) ?? 0) + Number(m[2]));
    }
  }
  return samples;
}

/** The samples of metric `name` (any labels) less those in `before`, summed, and each label set's non-zero change as `labels value`. */
function metricSum(samples: ReadonlyMap<string, number>, name: string, before?: ReadonlyMap<string, number>): { total: number; detail: string[] } {
  let total = 0;
  const detail: string[] = [];
  for (const [key, value] of samples) {
    if (key !== name && !key.startsWith(`${name}{`)) continue;
    const delta = value - (before?.get(key) ?? 0);
    total += delta;
    if (delta !== 0 && key !== name) detail.push(`${key.slice(name.length).replace(/[{}"]|\w+=/g, '')} ${fmt(delta)}`);
  }
  return { total, detail };
}

/** What Vigil's counters say happened between two readings of /metrics (`before` empty for freshly started nodes). */
function vigilCounters(before: ReadonlyMap<string, number>, after: ReadonlyMap<string, number>): string {
  const counters = Object.entries(VIGIL_COUNTERS).map(([label, name]) => {
    const { total, detail } = metricSum(after, name, before);
    return `${label} ${fmt(total)}${detail.length > 1 || (label === 'rejected' && detail.length) ? ` (${detail.join(', ')})` : ''}`;
  });
  const gauges = Object.entries(VIGIL_GAUGES).map(([label, name]) => `${label} ${fmt(metricSum(after, name).total)}`);
  return [...counters, ...gauges].join(', ');
}

/**
 * The broker's own view, from `$SYS` (sys_interval 1 in config/mosquitto.conf; the values are
 * retained, so a subscriber gets them at once): messages dropped for a session whose queue was
 * full, and messages held in its store (queued for sessions, in flight).
 */
async function watchBroker(url: string) {
  const DROPPED = '$SYS/broker/publish/messages/dropped';
  const STORED = '$SYS/broker/store/messages/count';
  const values = new Map<string, number>();
  const client = await mqtt.connectAsync(url, { clientId: 'bench-sys-watch', clean: true, reconnectPeriod: 1000 });
  client.on('message', (topic, payload) => values.set(topic, Number(payload.toString())));
  await client.subscribeAsync([DROPPED, STORED], { qos: 0 });
  // The retained values arrive right after the subscription; a new $SYS round comes each second.
  const settle = () => new Promise((r) => setTimeout(r, 1200));
  return {
    /** Dropped so far (cumulative since the broker started) and messages in the store now, after the next $SYS round. */
    async read(): Promise<{ dropped: number; stored: number }> {
      await settle();
      return { dropped: values.get(DROPPED) ?? NaN, stored: values.get(STORED) ?? NaN };
    },
    stop: () => client.endAsync(),
  };
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

interface Drain {
  /** Points counted when the wait ended. */
  stored: number;
  /** Seconds from `started` to the last growth of the count (to completion when everything came). */
  seconds: number;
  /** Points counted when the bench's former wait would have given up (`oldPatienceMs` without growth); null if it would not have. */
  byOldWait: number | null;
  /** Why the wait ended. */
  ended: 'complete' | 'quiet' | 'cap';
  /** How long without growth ended it ('quiet'). */
  quietMs: number;
  /** The longest stretch without growth before the count was complete (or the wait ended), and when it began (s after `started`). */
  longestPause: { seconds: number; from: number };
}

/**
 * Polls InfluxDB until it holds `expected` points published between `pub.firstTs` and `pub.lastTs`,
 * or the count has not grown for QUIET_MS (never less than twice the former wait, so that whatever
 * that wait would have missed has time to come), or CAP_MS have passed since `started`. Also notes
 * what the bench's former wait, which gave up after `oldPatienceMs` without growth, would have seen.
 */
async function waitUntilStored(influx: InfluxHandle, pub: PublisherResult, expected: number, started: number, oldPatienceMs: number): Promise<Drain> {
  const quietMs = Math.max(QUIET_MS, 2 * oldPatienceMs);
  const longestPause = { seconds: 0, from: 0 };
  if (pub.firstTs === null || pub.lastTs === null) return { stored: 0, seconds: 0, byOldWait: null, ended: 'complete', quietMs, longestPause };
  let stored = -1;
  let grewAt = Date.now();
  let byOldWait: number | null = null;
  for (;;) {
    const now = await countStored(influx, pub.firstTs, pub.lastTs + 1);
    const at = Date.now();
    if (now !== stored) grewAt = at;
    stored = now;
    if ((at - grewAt) / 1000 > longestPause.seconds) Object.assign(longestPause, { seconds: (at - grewAt) / 1000, from: (grewAt - started) / 1000 });
    if (byOldWait === null && stored < expected && at - grewAt >= oldPatienceMs) byOldWait = stored;
    const end: Omit<Drain, 'ended'> = { stored, seconds: (grewAt - started) / 1000, byOldWait, quietMs, longestPause };
    if (stored >= expected) return { ...end, ended: 'complete' };
    if (at - grewAt >= quietMs) return { ...end, ended: 'quiet' };
    if (at - started >= CAP_MS) return { ...end, ended: 'cap' };
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * The warnings and errors the nodes logged since `since` (ms), one line per node and message: how
 * often, first when (s after `since`), and the sites named (a lease lost under load, a site nobody
 * held: why a site's readings waited in the broker).
 */
function nodeWarnings(vigils: readonly VigilHandle[], since: number): string[] {
  const lines: string[] = [];
  vigils.forEach((vigil, n) => {
    const byMsg = new Map<string, { count: number; first: number; sites: Set<string> }>();
    let text = '';
    try {
      text = fs.readFileSync(vigil.logFile, 'utf8');
    } catch {
      return;
    }
    for (const line of text.split('\n')) {
      let entry: { level?: number; time?: string; msg?: string; site?: string; unheld?: string[] };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        continue;
      }
      const at = Date.parse(entry.time ?? '');
      if (!((entry.level ?? 0) >= 40) || !(at >= since) || !entry.msg) continue;
      const seen = byMsg.get(entry.msg) ?? { count: 0, first: at, sites: new Set<string>() };
      seen.count++;
      for (const site of [entry.site, ...(entry.unheld ?? [])]) if (site) seen.sites.add(site);
      byMsg.set(entry.msg, seen);
    }
    for (const [msg, { count, first, sites }] of byMsg)
      lines.push(
        `node ${n + 1} logged ${count}× "${msg}"${sites.size ? ` (${[...sites].sort().join(', ')})` : ''}, first at +${fmt((first - since) / 1000, 1)} s`,
      );
  });
  return lines;
}

/** `numbers` (ascending) as at most `max` runs, `a–b` or `a`, and how many runs more. */
function runsOf(numbers: readonly number[], max = 6): string {
  const runs: string[] = [];
  let more = 0;
  for (let i = 0; i < numbers.length;) {
    let j = i;
    while (j + 1 < numbers.length && numbers[j + 1] === numbers[j]! + 1) j++;
    if (runs.length < max) runs.push(i === j ? `${numbers[i]}` : `${numbers[i]}–${numbers[j]}`);
    else more++;
    i = j + 1;
  }
  return runs.join(', ') + (more ? ` and ${fmt(more)} runs more` : '');
}

/** Totals over the phases, for the last lines. */
const totals = { late: 0, lost: 0, duplicated: 0 };

/** Readings still missing when their phase's wait ended, looked for again at the end of the run. */
const unsettled: { phase: string; pub: PublisherResult; missing: Set<number> }[] = [];

/** Every site of the load and the node holding it now, or "nobody". */
async function holdersLine(stack: Stack): Promise<string | null> {
  if (!stack.holders) return null;
  const held = await stack.holders();
  return [...new Set(stack.load.sites)].map((site) => `${site} ${held.get(site) ?? 'nobody'}`).join(', ');
}

/**
 * The end of the run: looks again for the readings still missing when their phase's wait ended,
 * until all are stored or none has come for QUIET_MS (at most CAP_MS), and says of each phase how
 * many came late and how many were never stored.
 */
async function finalLook(stack: Stack, broker: Awaited<ReturnType<typeof watchBroker>>): Promise<void> {
  if (!unsettled.length) return;
  const started = Date.now();
  let foundAt = started;
  const stillMissing = () => unsettled.reduce((n, u) => n + u.missing.size, 0);
  const initially = unsettled.map((u) => u.missing.size);
  while (stillMissing() > 0 && Date.now() - foundAt < QUIET_MS && Date.now() - started < CAP_MS) {
    await new Promise((r) => setTimeout(r, 2000));
    for (const u of unsettled) {
      if (!u.missing.size || u.pub.firstTs === null || u.pub.lastTs === null) continue;
      const sensors = [...new Set([...u.missing].map((i) => stack.load.sensors[i % stack.load.sensors.length]!))];
      const seen = await storedNumbers(stack.influx, DB, sensors, u.pub.firstTs, u.pub.lastTs + 1, numberOf);
      for (const i of u.missing) {
        if (seen.has(i)) {
          u.missing.delete(i);
          foundAt = Date.now();
        }
      }
    }
  }
  process.stdout.write(`\nreadings still missing when their phase's wait ended, looked for again for ${fmt((Date.now() - started) / 1000, 1)} s:\n`);
  unsettled.forEach((u, k) => {
    const late = initially[k]! - u.missing.size;
    totals.late += late;
    totals.lost += u.missing.size;
    process.stdout.write(
      `    ${u.phase}: ${fmt(initially[k]!)} missing, ${fmt(late)} of them stored since (late), ${fmt(u.missing.size)} never stored${u.missing.size ? `: ${runsOf([...u.missing].sort((a, b) => a - b))}` : ''}\n`,
    );
  });
  const holders = await holdersLine(stack);
  if (holders) process.stdout.write(`    site holders now: ${holders}\n`);
  process.stdout.write(
    `    broker ($SYS): messages in its store now ${fmt((await broker.read()).stored)}; Vigil: ${vigilCounters(new Map(), await vigilSamples(stack.vigils))} (since the nodes last started)\n`,
  );
}

/**
 * One phase's accounting, printed under its table row: sent, acknowledged by the broker, stored
 * (checked reading by reading), missing (named), late and lost, and what the broker's and Vigil's
 * counters say about the same stretch.
 */
async function account(
  o: {
    phase: string;
    stack: Stack;
    pub: PublisherResult;
    count: number;
    started: number;
    drain: Drain;
    oldPatienceMs: number;
    broker: Awaited<ReturnType<typeof watchBroker>>;
  },
  before: { dropped: number; metrics: ReadonlyMap<string, number> },
): Promise<{ missing: number; lines: string }> {
  const { stack, pub, count, drain } = o;
  let lines = '';
  const out = (line: string) => (lines += `    ${line}\n`);
  const unacked = new Set(pub.unacked ?? []);
  const seen =
    pub.firstTs === null || pub.lastTs === null
      ? new Map<number, number>()
      : await storedNumbers(stack.influx, DB, stack.load.sensors, pub.firstTs, pub.lastTs + 1, numberOf);
  const missing: number[] = [];
  for (let i = 0; i < count; i++) if (!seen.has(i) && !unacked.has(i)) missing.push(i);
  const duplicated = duplicatedNumbers(seen).sort((a, b) => a - b);
  const strays = [...seen.keys()].filter((n) => !(n >= 0 && n < count)).length;
  const late = drain.byOldWait === null ? 0 : Math.max(0, Math.min(drain.stored, pub.acked) - drain.byOldWait);
  totals.late += late;
  totals.duplicated += duplicated.length;
  if (missing.length) unsettled.push({ phase: o.phase, pub, missing: new Set(missing) });
  const broker = await o.broker.read();
  const metrics = await vigilSamples(stack.vigils);
  out(
    `sent ${fmt(pub.sent)}, acknowledged by the broker ${fmt(pub.acked)}, stored ${fmt(seen.size)} distinct readings (${fmt(drain.stored)} points), missing ${fmt(missing.length)}, stored twice ${fmt(duplicated.length)}${strays ? `, ${fmt(strays)} points of no reading of this phase` : ''}`,
  );
  out(
    `wait: ${drain.ended === 'complete' ? `all in ${fmt(drain.seconds, 1)} s` : `gave up ${drain.ended === 'quiet' ? `after ${drain.quietMs / 1000} s without progress` : `at the ${CAP_MS / 1000} s cap`} (last progress at ${fmt(drain.seconds, 1)} s)`}; the former wait (${o.oldPatienceMs / 1000} s without progress) ${drain.byOldWait === null ? 'would have seen them all' : `would have stopped at ${fmt(drain.byOldWait)}: ${fmt(late)} late`}${missing.length ? `; ${fmt(missing.length)} still missing (looked for again at the end of the run)` : ''}`,
  );
  if (unacked.size) out(`never acknowledged by the broker (not counted as missing): ${fmt(unacked.size)}: ${runsOf([...unacked])}`);
  if (missing.length) {
    const bySite = new Map<string, number>();
    for (const i of missing) {
      const site = stack.load.sites[i % stack.load.sites.length]!;
      bySite.set(site, (bySite.get(site) ?? 0) + 1);
    }
    out(`missing readings (by number): ${runsOf(missing)}; by site: ${[...bySite].map(([site, n]) => `${site} ${fmt(n)}`).join(', ')}`);
  }
  if (duplicated.length) out(`stored twice (by number): ${runsOf(duplicated)}`);
  const holders = await holdersLine(stack);
  if (holders && (missing.length || drain.ended !== 'complete')) out(`site holders at the end of the wait: ${holders}`);
  if (drain.longestPause.seconds >= 2)
    out(`longest stretch with no reading of the phase stored: ${fmt(drain.longestPause.seconds, 1)} s, from +${fmt(drain.longestPause.from, 1)} s`);
  for (const line of nodeWarnings(stack.vigils, o.started)) out(line);
  out(
    `broker ($SYS): dropped during the phase ${fmt(broker.dropped - before.dropped)} (since it started ${fmt(broker.dropped)}), messages in its store now ${fmt(broker.stored)} (its retained $SYS topics included)`,
  );
  out(`Vigil (/metrics, over the phase, all nodes): ${vigilCounters(before.metrics, metrics)}`);
  return { missing: missing.length, lines };
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
  /** Several nodes: which node holds each site's lease now (sites nobody holds are absent). */
  holders?(): Promise<Map<string, string>>;
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
  return { vigils: cluster.nodes.map((n) => n.vigil), influx: cluster.influx, load, stop: () => cluster.stop(), holders: () => cluster.holders() };
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
    const pub = await publish(broker.url, load, rate, count, `bench-pub-${rate}`);
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
    const pub = await publish(broker.url, load, 0, BACKLOG, 'bench-pub-backlog');
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
