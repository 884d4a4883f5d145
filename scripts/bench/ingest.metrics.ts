/**
 * What the ingest bench reads from Vigil's /metrics (latency histograms, the counters that say where
 * a reading went) and from the broker's `$SYS` topics, summed over the nodes.
 */
import mqtt from 'mqtt';
import type { VigilHandle } from '../../test/support/vigil.ts';
import { fmt } from './bench.support.ts';

export interface Histogram {
  buckets: [number, number][];
  count: number;
}

const metricsText = async (vigil: VigilHandle): Promise<string> => (await fetch(`${vigil.url}/metrics`)).text();

/** The nodes' histogram `name`, summed over the nodes (they share the buckets). */
export async function latencyHistogram(vigils: readonly VigilHandle[], name = 'vigil_ingest_to_durable_seconds'): Promise<Histogram> {
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
export async function vigilSamples(vigils: readonly VigilHandle[]): Promise<Map<string, number>> {
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
export function vigilCounters(before: ReadonlyMap<string, number>, after: ReadonlyMap<string, number>): string {
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
export async function watchBroker(url: string) {
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
export function percentile(before: Histogram, after: Histogram, q: number): number {
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

/** The broker's `$SYS` values as watchBroker reads them. */
export type BrokerWatch = Awaited<ReturnType<typeof watchBroker>>;
