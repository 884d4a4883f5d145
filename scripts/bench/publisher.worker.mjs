// Publishes QoS 1 readings at a fixed rate from a worker thread, so pacing is not disturbed by
// the benchmark's own polling. Plain JS: workers do not inherit tsx's loader.
import { parentPort, workerData } from 'node:worker_threads';
import mqtt from 'mqtt';
import { MAX_NUMBERED, numberedValue } from './publisher.numbering.mjs';
import { threadCpuMs } from './thread.cpu.mjs';

const cpu0 = process.cpuUsage();
const thread0 = threadCpuMs();
// `sites`: each sensor's site (spread over several sites), else every sensor is of `site`.
const { url, clientId, sensors, site, sites, rate, count, t0, tick, value, live } = workerData;
const client = await mqtt.connectAsync(url, { clientId, clean: true, reconnectPeriod: 1000 });
let sent = 0;
let acked = 0;
const started = Date.now();
// `value` fixed (e.g. background traffic that must never alarm), else a slow 0-9.9 sawtooth.
// `live`: wall-clock ts, and the message's own number as its value (as publisher.raw.worker.mjs).
if (live && count > MAX_NUMBERED) throw new Error(`publisher.worker: at most ${MAX_NUMBERED} numbered messages, asked for ${count}`);
/** Messages not acknowledged yet, by number. */
const unacked = new Set();
let firstTs = null;
let lastTs = null;
const payloadFor = (i) => {
  if (!live) return JSON.stringify({ ts: t0 + i, value: value ?? Math.round((i % 1000) / 10) / 10, unit: '%LEL' });
  const ts = Date.now();
  firstTs ??= ts;
  lastTs = ts;
  return JSON.stringify({ ts, value: value ?? numberedValue(i), unit: '%LEL' });
};
const topics = sensors.map((s, k) => `vigil/${sites?.[k] ?? site}/${s}/reading`);
const onAck = (i) => {
  unacked.delete(i);
  acked++;
  if (acked === count) finish();
};
function finish() {
  // cpuMs: the whole process since this worker started (GC threads included); threadCpuMs: this thread.
  const cpu = process.cpuUsage(cpu0);
  parentPort.postMessage({
    done: true,
    sent,
    acked,
    seconds: (Date.now() - started) / 1000,
    firstTs,
    lastTs,
    unacked: [...unacked].sort((a, b) => a - b),
    cpuMs: (cpu.user + cpu.system) / 1000,
    threadCpuMs: threadCpuMs() - thread0,
  });
  client.end(true, () => process.exit(0));
}
function burst() {
  // Messages due by now, so a late timer catches up instead of lowering the rate.
  const due = rate === 0 ? count : Math.min(count, Math.floor(((Date.now() - started) / 1000) * rate) + 1);
  while (sent < due) {
    const i = sent++;
    unacked.add(i);
    client.publish(topics[i % topics.length], payloadFor(i), { qos: 1 }, () => onAck(i));
  }
  if (sent < count) setTimeout(burst, tick);
}
burst();
// If acknowledgements stop coming (a broker that lost messages), report rather than hang.
let lastAcked = -1;
let stalledS = 0;
setInterval(() => {
  parentPort.postMessage({ sent, acked });
  stalledS = acked === lastAcked && sent === count ? stalledS + 1 : 0;
  lastAcked = acked;
  if (stalledS >= 15) finish();
}, 1000).unref();
