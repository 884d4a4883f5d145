/**
 * A QoS 1 load generator for the several-nodes tests: one MQTT connection per detector, signed in
 * with the simulator's per-device credential (`sim@<sensor>`, bound to that client id as every
 * device credential is), publishing readings at a steady total rate spread over every site.
 *
 * Each reading carries a sequence number of its own (its value is `seq / VALUE_SCALE`), so what
 * InfluxDB holds can be checked message by message: every reading the broker acknowledged (PUBACK)
 * must be stored, and stored once. A reading delivered twice — redelivered to the node that takes a
 * site over — lands on the point its first delivery made (same identity, same keyed offset), so a
 * second point with the same sequence would mean it was stored twice.
 */
import mqtt, { type MqttClient } from 'mqtt';
import type { InfluxHandle } from './services.ts';
import { eventually } from './vigil.ts';

/** Values stay below 10 %LEL for up to a million readings: far under the test facility's thresholds. */
const VALUE_SCALE = 100_000;
const TICK_MS = 20;

export interface LoadDevice {
  site: string;
  sensor: string;
}

export interface LoadResult {
  /** Published (handed to a connection). */
  sent: number;
  /** Sequence numbers the broker acknowledged. */
  acked: number[];
  /** Device timestamps of the first and last readings (ms). */
  firstTs: number;
  lastTs: number;
}

export interface Load {
  /** Acknowledged so far. */
  readonly acked: number;
  /** Stops publishing and waits for the acknowledgement (or failure) of every reading in flight. */
  stop(): Promise<LoadResult>;
}

/**
 * Starts publishing `rate` readings per second in total, round-robin over `devices`. A reading whose
 * connection fails before its PUBACK is not counted as acknowledged (a device would send it again;
 * this one does not, so the count stays exact).
 */
export async function startLoad(o: { url: string; password: string; devices: LoadDevice[]; rate: number }): Promise<Load> {
  const clients: { device: LoadDevice; client: MqttClient }[] = await Promise.all(
    o.devices.map(async (device) => {
      const username = `sim@${device.sensor}`;
      const client = await mqtt.connectAsync(o.url, { username, clientId: username, password: o.password, clean: true, reconnectPeriod: 500 });
      return { device, client };
    }),
  );
  const acked: number[] = [];
  let sent = 0;
  let inFlight = 0;
  let firstTs = 0;
  let lastTs = 0;
  let settled: (() => void) | null = null;
  const started = Date.now();
  const publishOne = (): void => {
    const seq = sent++;
    const { device, client } = clients[seq % clients.length]!;
    const ts = Date.now();
    if (firstTs === 0) firstTs = ts;
    lastTs = ts;
    inFlight++;
    client.publish(`vigil/${device.site}/${device.sensor}/reading`, JSON.stringify({ ts, value: seq / VALUE_SCALE, unit: '%LEL' }), { qos: 1 }, (err) => {
      if (!err) acked.push(seq);
      inFlight--;
      if (inFlight === 0) settled?.();
    });
  };
  const timer = setInterval(() => {
    const due = Math.floor(((Date.now() - started) * o.rate) / 1000);
    while (sent < due) publishOne();
  }, TICK_MS);
  return {
    get acked() {
      return acked.length;
    },
    async stop() {
      clearInterval(timer);
      if (inFlight > 0) await new Promise<void>((resolve) => (settled = resolve));
      await Promise.all(clients.map(({ client }) => client.endAsync()));
      return { sent, acked: [...acked].sort((a, b) => a - b), firstTs, lastTs };
    },
  };
}

export interface Stored {
  /** Acknowledged readings InfluxDB does not hold. */
  missing: number[];
  /** Sequence numbers InfluxDB holds more than once. */
  duplicated: number[];
  /** Points of the load in InfluxDB. */
  points: number;
}

/**
 * How many points InfluxDB holds of each numbered reading of `sensors` whose time is within
 * [`fromMs`, `toMs`) (a stored point's time is its device millisecond plus a sub-millisecond
 * offset), read detector by detector; `numberOf` turns a stored value back into the reading's number.
 * Shared with the ingest bench (scripts/bench/ingest.bench.ts), whose readings are numbered too.
 */
export async function storedNumbers(
  influx: InfluxHandle,
  db: string,
  sensors: readonly string[],
  fromMs: number,
  toMs: number,
  numberOf: (value: number) => number,
): Promise<Map<number, number>> {
  const seen = new Map<number, number>();
  // A few detectors at a time: a thousand queries one after the other take long on a busy machine.
  const PARALLEL = 8;
  for (let i = 0; i < sensors.length; i += PARALLEL) {
    const batch = await Promise.all(
      sensors
        .slice(i, i + PARALLEL)
        .map((sensor) => influx.query(`SELECT value FROM reading WHERE sensor = '${sensor}' AND time >= ${fromMs}ms AND time < ${toMs}ms`, db)),
    );
    for (const row of batch.flat()) {
      const seq = numberOf(Number(row.value));
      seen.set(seq, (seen.get(seq) ?? 0) + 1);
    }
  }
  return seen;
}

/** Numbers held more than once. */
export const duplicatedNumbers = (seen: ReadonlyMap<number, number>): number[] => [...seen].filter(([, n]) => n > 1).map(([seq]) => seq);

/** What InfluxDB holds of a load's readings, read detector by detector. */
export async function storedLoad(influx: InfluxHandle, db: string, devices: LoadDevice[], result: LoadResult): Promise<Stored> {
  const sensors = devices.map((d) => d.sensor);
  const seen = await storedNumbers(influx, db, sensors, result.firstTs - 1000, result.lastTs + 1001, (value) => Math.round(value * VALUE_SCALE));
  return {
    missing: result.acked.filter((seq) => !seen.has(seq)),
    duplicated: duplicatedNumbers(seen),
    points: [...seen.values()].reduce((a, n) => a + n, 0),
  };
}

/** Every load detector of the sites, as LoadDevices. */
export function loadDevices(sites: readonly { id: string; load: readonly string[] }[]): LoadDevice[] {
  return sites.flatMap((s) => s.load.map((sensor) => ({ site: s.id, sensor })));
}

/** Waits until InfluxDB holds every acknowledged reading of `result`; fails naming what is missing. */
export async function waitUntilStored(influx: InfluxHandle, db: string, devices: LoadDevice[], result: LoadResult, timeoutMs = 20_000): Promise<Stored> {
  try {
    return await eventually(
      async () => {
        const s = await storedLoad(influx, db, devices, result);
        return s.missing.length === 0 ? s : null;
      },
      timeoutMs,
      'every acknowledged reading stored',
    );
  } catch (err) {
    const s = await storedLoad(influx, db, devices, result);
    throw new Error(`${(err as Error).message}: ${s.missing.length} of ${result.acked.length} missing (first ${s.missing.slice(0, 5).join(', ')})`);
  }
}
