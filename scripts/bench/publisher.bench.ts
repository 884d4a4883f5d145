/**
 * `npx tsx scripts/bench/publisher.bench.ts` — what the benchmarks' load generators cost: each
 * publisher worker (raw and mqtt.js) publishes --rate messages/s (default 40000) for --seconds
 * (default 10) at QoS 1 to a real Mosquitto, with one mqtt.js subscriber draining them at QoS 1
 * and checking every topic and payload. Prints the rate reached (sent ÷ seconds until the last
 * PUBACK, or until the worker gave up after 15 s without one), what the subscriber received,
 * and the publisher's CPU time per message. The worker runs in a child process of its own whose
 * main thread only waits, so "process" CPU is the publisher's (GC threads included) and nothing
 * else; "thread" is the worker thread alone. Flags: --publisher raw,mqttjs --rate 40000
 * --seconds 10 --sensors 1000.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import mqtt from 'mqtt';
import { startMosquitto, stopAllServices } from '../../test/support/services.ts';
import { fmt, publisherWorker, runBench, type PublisherResult } from './bench.support.ts';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    publisher: { type: 'string', default: 'raw,mqttjs' },
    rate: { type: 'string', default: '40000' },
    seconds: { type: 'string', default: '10' },
    sensors: { type: 'string', default: '1000' },
    child: { type: 'boolean', default: false },
  },
});
const picked = args.publisher.split(',').map(publisherWorker);
const RATE = Number(args.rate);
const SECONDS = Number(args.seconds);
const SENSORS = Number(args.sensors);
if (!picked.length || picked.includes(null) || !(RATE >= 0) || !(SECONDS > 0) || !(SENSORS > 0)) {
  process.stderr.write('usage: publisher.bench.ts [--publisher raw,mqttjs] [--rate 40000] [--seconds 10] [--sensors 1000]\n');
  process.exit(2);
}
const PUBLISHERS = picked.filter((p) => p !== null);
const SITE = 'bench';

/** In the child: run the worker named by the first positional, print its final message as JSON. */
function child(): void {
  const worker = new Worker(publisherWorker(positionals[0])!.url, { workerData: JSON.parse(process.env.BENCH_WORKER_DATA!) });
  worker.on('message', (m: PublisherResult) => {
    if (m.done) process.stdout.write(`${JSON.stringify(m)}\n`);
  });
  worker.on('error', (err) => {
    process.stderr.write(`publisher worker failed: ${err.stack ?? String(err)}\n`);
    process.exit(1);
  });
}

function runChild(name: string, workerData: object): Promise<PublisherResult> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--child', name], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, BENCH_WORKER_DATA: JSON.stringify(workerData) },
    });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.on('error', reject);
    proc.on('exit', (code) =>
      code === 0 && out.trim() ? resolve(JSON.parse(out.trim()) as PublisherResult) : reject(new Error(`publisher child (${name}) exited with ${code}`)),
    );
  });
}

async function main(): Promise<void> {
  const broker = await startMosquitto();
  const sensors = Array.from({ length: SENSORS }, (_, i) => `B-GAS-${String(i).padStart(5, '0')}`);
  const topics = sensors.map((s) => `vigil/${SITE}/${s}/reading`);
  const count = RATE > 0 ? Math.round(RATE * SECONDS) : 200_000; // rate 0: a backlog, all at once
  process.stdout.write(
    `publisher cost — ${os.cpus().length} cores, Mosquitto + publisher + 1 mqtt.js subscriber on one machine, ${fmt(count)} messages at ${RATE ? `${fmt(RATE)}/s` : 'once'}, QoS 1, ${SENSORS} sensors\n\n`,
  );
  process.stdout.write('publisher   msg/s      acked   received   bad  dup   process CPU s   µs/msg   thread CPU s   µs/msg\n');
  let base = Date.now() - 3_600_000;
  for (const publisher of PUBLISHERS) {
    const t0 = base;
    base += count + 1000;
    // The subscriber checks each message against what the mqtt.js worker would have sent.
    const seen = new Uint8Array(count);
    let received = 0;
    let bad = 0;
    let dup = 0;
    const sub = await mqtt.connectAsync(broker.url, { clientId: `bench-sub-${publisher.name}`, clean: true });
    sub.on('message', (topic, payload) => {
      const text = payload.toString();
      const i = (JSON.parse(text) as { ts: number }).ts - t0;
      if (
        !(i >= 0 && i < count) ||
        topic !== topics[i % topics.length] ||
        text !== JSON.stringify({ ts: t0 + i, value: Math.round((i % 1000) / 10) / 10, unit: '%LEL' })
      )
        bad++;
      else if (seen[i]) dup++;
      else {
        seen[i] = 1;
        received++;
      }
    });
    await sub.subscribeAsync(`vigil/${SITE}/+/reading`, { qos: 1 });
    const result = await runChild(publisher.name, {
      url: broker.url,
      clientId: `bench-pub-${publisher.name}`,
      sensors,
      site: SITE,
      rate: RATE,
      count,
      t0,
      tick: 5,
    });
    let last = -1;
    for (let still = 0; received < count && still < 30; await new Promise((r) => setTimeout(r, 500))) {
      still = received === last ? still + 1 : 0;
      last = received;
    }
    await sub.endAsync();
    process.stdout.write(
      `${publisher.name.padEnd(9)} ${fmt(result.sent / result.seconds).padStart(8)} ${fmt(result.acked).padStart(10)} ${fmt(received).padStart(10)} ${fmt(bad).padStart(5)} ${fmt(dup).padStart(4)} ${fmt(result.cpuMs / 1000, 2).padStart(15)} ${fmt((result.cpuMs * 1000) / result.sent, 2).padStart(8)} ${fmt(result.threadCpuMs / 1000, 2).padStart(14)} ${fmt((result.threadCpuMs * 1000) / result.sent, 2).padStart(8)}\n`,
    );
  }
  await stopAllServices();
}

if (args.child) child();
else runBench(main);
