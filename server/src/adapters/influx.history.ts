/**
 * History in InfluxDB: the writer's sink, and sensor history queries that pick the resolution
 * from the range — raw points for short ranges, per-step mean/min/max for longer ones, read from
 * the minute or hour roll-ups when the range is long, so a year answers as fast as an hour.
 */
import type { ReadingPoint, ReadingsResolution } from '../../../contract/index.ts';
import type { HistoryPoint, HistorySink } from '../services/history.ports.ts';
import type { ReadingsQuery, ReadingsPlan } from '../services/readings.service.ts';
import { InfluxClient } from './influx.client.ts';
import { lineProtocol, type OffsetOf } from './influx.line-protocol.ts';
import { RP, backfillRollups } from './influx.schema.ts';

const SOURCES: Record<ReadingsResolution, { rp: string; mean: string; min: string; max: string }> = {
  raw: { rp: RP.raw, mean: 'mean(value)', min: 'min(value)', max: 'max(value)' },
  '1m': { rp: RP.minute, mean: 'mean(mean)', min: 'min(min)', max: 'max(max)' },
  '1h': { rp: RP.hour, mean: 'mean(mean)', min: 'min(min)', max: 'max(max)' },
};

/** Sensor ids are validated against ID_PATTERN, but quote defensively for InfluxQL regardless. */
const quoteTag = (v: string) => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

export class InfluxHistory implements HistorySink, ReadingsQuery {
  /** `offsetOf`: the keyed sub-millisecond offsets (influx.line-protocol.ts `keyedOffset`). */
  constructor(
    private readonly influx: InfluxClient,
    private readonly offsetOf: OffsetOf,
  ) {}

  /**
   * Rejects (not retryable) without writing anything when a point cannot be put in line protocol.
   * When InfluxDB refuses some of the points, it has stored the others (partial write) and the
   * rejection says how many it refused, if it knows (influx.client.ts): the writer splits the
   * batch to find them (services/history.writer.ts).
   *
   * Always into `raw` by name, never the database's default policy: the schema is set up in the
   * background at start (compose/storage.ts) while this already writes, and until `raw` is the
   * default a write without `rp` lands in `autogen`, which no query reads — acknowledged to the
   * broker, yet lost. Named, a write before the database or `raw` exists fails retryable (404, 500)
   * and the batch waits in the outbox until the writer's replay gets it in: no separate
   * "schema ready" gate to keep in step with the retries of the schema setup.
   */
  async write(points: readonly HistoryPoint[]): Promise<void> {
    await this.influx.write(lineProtocol(points, this.offsetOf), RP.raw);
  }

  backfill(fromMs: number, toMs: number): Promise<void> {
    return backfillRollups(this.influx, fromMs, toMs);
  }

  /** Device time of the latest drill observation of a sensor at or before `at` (drill reports). */
  async lastDrillObservation(drillId: string, sensorId: string, at: number): Promise<number | null> {
    const db = this.influx.options.db;
    const from = ['reading', 'event', 'status'].map((m) => `"${db}"."${RP.raw}"."${m}"`).join(', ');
    const [series = []] = await this.influx.query(
      `SELECT * FROM ${from} WHERE "drill" = ${quoteTag(drillId)} AND "sensor" = ${quoteTag(sensorId)} AND time < ${at + 1}ms ORDER BY time DESC LIMIT 1`,
    );
    const times = series.map((s) => Number(s.values?.[0]?.[0])).filter(Number.isFinite);
    return times.length ? Math.max(...times) : null;
  }

  async readings(sensorId: string, plan: ReadingsPlan): Promise<ReadingPoint[]> {
    const db = this.influx.options.db;
    const where = `WHERE "sensor" = ${quoteTag(sensorId)} AND time >= ${plan.from}ms AND time < ${plan.to + 1}ms`; // inclusive at ms: points carry a sub-ms offset
    if (plan.stepS === null) {
      const [series = []] = await this.influx.query(`SELECT "value" FROM "${db}"."${RP.raw}"."reading" ${where} ORDER BY time ASC LIMIT ${plan.maxPoints}`);
      return (series[0]?.values ?? []).map((v) => ({ t: Number(v[0]), value: Number(v[1]) }));
    }
    const s = SOURCES[plan.resolution];
    const [series = []] = await this.influx.query(
      `SELECT ${s.mean} AS mean, ${s.min} AS min, ${s.max} AS max FROM "${db}"."${s.rp}"."reading" ${where} GROUP BY time(${plan.stepS}s) fill(none)`,
    );
    return (series[0]?.values ?? []).map((v) => ({ t: Number(v[0]), value: Number(v[1]), min: Number(v[2]), max: Number(v[3]) }));
  }
}
