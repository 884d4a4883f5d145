/**
 * The ingest bench's load: the publisher worker (`--publisher`) sending numbered readings with live
 * device timestamps, and the broker's relay ceiling every rate is set against.
 */
import { Worker } from 'node:worker_threads';
import { fmt, type PublisherResult } from './bench.support.ts';

/** What the publisher sends: detector ids and each one's site. */
export interface Load {
  sensors: string[];
  sites: string[];
}

export const oneSite = (sensors: string[], site: string): Load => ({ sensors, sites: sensors.map(() => site) });

/** Publishes `count` readings from the worker at `publisher` with live device timestamps (wall clock at publishing). */
export function publish(publisher: URL, url: string, load: Load, rate: number, count: number, clientId: string): Promise<PublisherResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(publisher, {
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
 * Publishes a flood of `count` messages (the worker at `publisher`) to one raw QoS 1 subscriber,
 * with no Vigil reading it: the messages/s the broker relays from the publisher to one session on
 * this machine now, the most Vigil could be handed.
 */
export async function relayCeiling(publisher: URL, url: string, sensors: string[], count: number): Promise<number> {
  const subscriber = new Worker(new URL('./subscriber.raw.worker.mjs', import.meta.url), {
    workerData: { url, clientId: 'bench-relay-subscriber', filter: 'vigil/relay-ceiling/#', count },
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
  await publish(publisher, url, oneSite(sensors, 'relay-ceiling'), 0, count, 'bench-pub-relay');
  const { received, seconds } = await done;
  await subscriber.terminate();
  return received / seconds;
}
