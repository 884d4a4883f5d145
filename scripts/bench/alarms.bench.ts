/**
 * `npm run bench:alarms` — end-to-end alarm latency: MQTT publish of an
 * alarm-level reading → Socket.IO client receipt of the raised alarm, over --alarms distinct
 * sensors (default 1000), while background traffic of --background observations/s (default
 * 5000) flows through the same broker and server. Prints p50/p99/max. Target p99 ≤ 50 ms.
 * --publisher raw|mqttjs picks the background load generator (default raw, the lean one).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import mqtt from 'mqtt';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../contract/index.ts';
import { startInflux, startMosquitto, stopAllServices } from '../../test/support/services.ts';
import { eventually, startVigil } from '../../test/support/vigil.ts';
import { benchLogin, publisherWorker, runBench, writeBenchFacility } from './bench.support.ts';

const { values: args } = parseArgs({
  options: {
    alarms: { type: 'string', default: '1000' },
    rate: { type: 'string', default: '50' },
    background: { type: 'string', default: '5000' },
    publisher: { type: 'string', default: 'raw' },
  },
});
const ALARMS = Number(args.alarms);
const ALARM_RATE = Number(args.rate);
const BACKGROUND = Number(args.background);
const picked = publisherWorker(args.publisher);
if (!(ALARMS > 0) || !(ALARM_RATE > 0) || !(BACKGROUND >= 0) || !picked) {
  process.stderr.write('usage: bench:alarms [--alarms 1000] [--rate 50] [--background 5000] [--publisher raw|mqttjs]\n');
  process.exit(2);
}
const PUBLISHER = picked;

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-alarms-'));
  const background = Array.from({ length: 1000 }, (_, i) => `B-GAS-${String(i).padStart(5, '0')}`);
  const alarmSensors = Array.from({ length: ALARMS }, (_, i) => `A-GAS-${String(i).padStart(5, '0')}`);
  const file = writeBenchFacility(dir, [...background, ...alarmSensors]);
  const [broker, influx] = await Promise.all([startMosquitto(), startInflux()]);
  const vigil = await startVigil({
    mqttUrl: broker.url,
    influxUrl: influx.url,
    influxDb: 'vigil_bench_alarms',
    env: { FACILITY_FILE: file, LOG_LEVEL: 'warn', VIGIL_DEMO: '1' },
  });
  await eventually(async () => (await vigil.api('/api/health')).status === 200, 30_000, 'Vigil healthy');
  const cookie = await benchLogin(vigil);

  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(vigil.url, { transports: ['websocket'], extraHeaders: cookie ? { cookie } : {} });
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  socket.on('alarm', (e) => {
    if (e.subject !== 'alarm' || e.kind !== 'raised') return;
    const t0 = sentAt.get(e.alarm.sensorId);
    if (t0 !== undefined) latencies.push(performance.timeOrigin + performance.now() - t0);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('snapshot', () => resolve());
    socket.once('connect_error', reject);
  });

  // Background traffic from a worker thread (normal readings, never alarming).
  const seconds = Math.ceil(ALARMS / ALARM_RATE) + 3;
  const bg =
    BACKGROUND > 0
      ? new Worker(PUBLISHER.url, {
          workerData: {
            url: broker.url,
            clientId: 'bench-background',
            sensors: background,
            site: 'bench',
            rate: BACKGROUND,
            count: BACKGROUND * seconds,
            t0: Date.now() - 3_600_000,
            tick: 5,
            value: 1,
          },
        })
      : null;
  const publisher = await mqtt.connectAsync(broker.url, { clientId: 'bench-alarms', clean: true });
  await new Promise((r) => setTimeout(r, 1000)); // background flowing before the first alarm
  const interval = 1000 / ALARM_RATE;
  const start = performance.now();
  for (let i = 0; i < ALARMS; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const sensor = alarmSensors[i]!;
    const now = Date.now();
    sentAt.set(sensor, performance.timeOrigin + performance.now());
    publisher.publish(`vigil/bench/${sensor}/reading`, JSON.stringify({ ts: now, value: 25, unit: '%LEL' }), { qos: 1 });
  }
  await eventually(() => latencies.length >= ALARMS, 30_000, `${ALARMS} alarms received`).catch(() => undefined);
  await bg?.terminate();
  await publisher.endAsync();
  socket.close();

  const sorted = [...latencies].sort((a, b) => a - b);
  process.stdout.write(
    `Vigil alarm latency — MQTT publish → Socket.IO receipt, ${os.cpus().length} cores, broker + InfluxDB + Vigil + publishers + client on one machine\n`,
  );
  process.stdout.write(`alarms ${ALARMS} at ${ALARM_RATE}/s, background ${BACKGROUND} observations/s (publisher: ${PUBLISHER.name})\n`);
  process.stdout.write(
    `received ${latencies.length}/${ALARMS}   p50 ${quantile(sorted, 0.5).toFixed(1)} ms   p99 ${quantile(sorted, 0.99).toFixed(1)} ms   max ${(sorted.at(-1) ?? NaN).toFixed(1)} ms   (target p99 ≤ 50 ms; NFPA 72 allows 10 s)\n`,
  );
  await vigil.stop();
  await stopAllServices();
  fs.rmSync(dir, { recursive: true, force: true });
}

runBench(main);
