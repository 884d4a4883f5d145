/**
 * History in InfluxDB: the writer's sink, and sensor history queries that pick the resolution
 * from the range — raw points for short ranges, per-step mean/min/max for longer ones, read from
 * the minute or hour roll-ups when the range is long, so a year answers as fast as an hour.
 */
import { EVENT_TYPES, type EventType, type ReadingPoint, type ReadingsResolution, type SensorEventPoint } from '../../../contract/index.ts';
import type { HistoryObservation, HistoryPoint, HistorySink } from '../services/history.ports.ts';
import type { ReadingsQuery, ReadingsPlan } from '../services/readings.service.ts';
import type { SensorEventsQuery } from '../services/sensor-events.service.ts';
import { InfluxClient, InfluxWriteError, type InfluxSeries } from './influx.client.ts';
import { OBSERVATION_TAGS, observationFields, observationLine, observationTags, pointLine, type FieldValue, type OffsetOf } from './influx.line-protocol.ts';
import { RP, backfillRollups } from './influx.schema.ts';

const SOURCES: Record<ReadingsResolution, { rp: string; mean: string; min: string; max: string }> = {
  raw: { rp: RP.raw, mean: 'mean(value)', min: 'min(value)', max: 'max(value)' },
  '1m': { rp: RP.minute, mean: 'mean(mean)', min: 'min(min)', max: 'max(max)' },
  '1h': { rp: RP.hour, mean: 'mean(mean)', min: 'min(min)', max: 'max(max)' },
};

/**
 * A point is checked against what InfluxDB holds at its millisecond before it is written, so that
 * a different point there is never replaced (docs/decisions/0006-keyed-timestamp-offsets.md), when
 * it is late — its device time older than its arrival by more than this: a device's buffered
 * backlog, an import, or a message aimed at the past —
 */
export const CHECK_LATE_AFTER_MS = 60_000;
/**
 * — or when this process already wrote a point of its measurement, sensor and millisecond (of the
 * last SEEN_KEYS such keys): a second message aimed at a live point's millisecond, a burst of one
 * millisecond, a redelivery. The first point of a millisecond, the bulk of live traffic, goes
 * unchecked: a query for every batch would halve ingest throughput.
 */
const SEEN_KEYS = 100_000;
/** Candidate times tried per late point before it is refused (each taken by a different point). */
const MAX_PROBES = 64;
/** Sensors per existence query, to keep the InfluxQL statement short. */
const SENSORS_PER_QUERY = 100;
/**
 * Up to this span, the existence query asks for every sensor at once: a batch of a backlog drained
 * after Vigil was down spans a few seconds of many sensors, and one query over that window costs
 * less than one per hundred sensors. Wider (an import of days), it names the sensors.
 */
const ALL_SENSORS_SPAN_MS = 10_000;

/** A stored point at one millisecond: its sub-millisecond part and its columns. */
interface Stored {
  subNs: number;
  row: Record<string, unknown>;
}

const NOT_FIELDS = new Set<string>(['time', 'lag', ...OBSERVATION_TAGS]);

function sameSeries(row: Record<string, unknown>, tags: Record<string, string | null>): boolean {
  return OBSERVATION_TAGS.every((t) => (row[t] ?? null) === tags[t]);
}

/** Same fields, `lag` aside (a redelivery arrives later). */
function sameFields(row: Record<string, unknown>, fields: Record<string, FieldValue>): boolean {
  for (const [name, value] of Object.entries(row)) if (!NOT_FIELDS.has(name) && (value ?? null) !== (fields[name] ?? null)) return false;
  return Object.entries(fields).every(([name, value]) => row[name] === value);
}

/** `2026-03-01T12:00:00.000479773Z` (InfluxDB drops trailing zeros of the fraction) → ms and the ns within it. */
function parseTime(time: string): { ms: number; subNs: number } {
  const m = /^(.*?)(?:\.(\d{1,9}))?Z$/.exec(time);
  if (!m) throw new Error(`unexpected time from InfluxDB: ${time}`);
  const fraction = (m[2] ?? '').padEnd(9, '0');
  return { ms: Date.parse(`${m[1]}Z`) + Number(fraction.slice(0, 3)), subNs: Number(fraction.slice(3)) };
}

function rowsOf(series: InfluxSeries[]): Record<string, unknown>[] {
  return series.flatMap((s) => s.values.map((v) => Object.fromEntries(s.columns.map((c, i) => [c, v[i]]))));
}

/** Sensor ids are validated against ID_PATTERN, but quote defensively for InfluxQL regardless. */
export const quoteTag = (v: string): string => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

const keyOf = (o: HistoryObservation): string => `${o.channel}|${o.sensorId}|${o.ts}`;

export class InfluxHistory implements HistorySink, ReadingsQuery, SensorEventsQuery {
  /** Keys (keyOf) of points written unchecked, oldest first (a Map keeps insertion order). */
  private readonly seen = new Map<string, true>();
  /** Writes under way: a checked write waits for those begun before it, so that it sees their points. */
  private readonly writing = new Set<Promise<void>>();

  /** `offsetOf`: the keyed sub-millisecond offsets (influx.line-protocol.ts `keyedOffset`). */
  constructor(
    private readonly influx: InfluxClient,
    private readonly offsetOf: OffsetOf,
  ) {}

  /**
   * Rejects (not retryable) without writing anything when a point cannot be put in line protocol.
   * When InfluxDB refuses some of the points, it has stored the others (partial write) and the
   * rejection says how many it refused, if it knows (influx.client.ts): the writer splits the
   * batch to find them (services/history.writer.sink.ts).
   *
   * Always into `raw` by name, never the database's default policy: the schema is set up in the
   * background at start (compose/storage.ts) while this already writes, and until `raw` is the
   * default a write without `rp` lands in `autogen`, which no query reads — acknowledged to the
   * broker, yet lost. Named, a write before the database or `raw` exists fails retryable (404, 500)
   * and the batch waits in the outbox until the writer's replay gets it in: no separate
   * "schema ready" gate to keep in step with the retries of the schema setup.
   */
  async write(points: readonly HistoryPoint[]): Promise<void> {
    const lines = points.map((p) => pointLine(p, this.offsetOf));
    const checked: number[] = [];
    /** The unchecked point of each key in this batch: checked ones of the same key must see it. */
    const unchecked = new Map<string, number>();
    /** Keys this write makes known; forgotten again if it fails. */
    const added = new Set<string>();
    points.forEach((p, i) => {
      if (p.type !== 'observation') return;
      const o = p.observation;
      const key = keyOf(o);
      if (o.receivedAt - o.ts > CHECK_LATE_AFTER_MS || this.seen.has(key) || added.has(key)) checked.push(i);
      else unchecked.set(key, i);
      if (!this.seen.has(key)) added.add(key);
    });
    for (const key of added) this.seen.set(key, true);
    for (const oldest of this.seen.keys()) {
      if (this.seen.size <= SEEN_KEYS) break;
      this.seen.delete(oldest);
    }
    const before = [...this.writing];
    const writing = (async () => {
      if (checked.length > 0) {
        await Promise.allSettled(before);
        await this.placeChecked(points, lines, checked, unchecked);
      }
      await this.influx.write(lines.join('\n'), RP.raw);
    })();
    this.writing.add(writing);
    try {
      await writing;
    } catch (err) {
      // Not written (or not all): when the batch comes again (outbox, split), its points are new.
      for (const key of added) this.seen.delete(key);
      throw err;
    } finally {
      this.writing.delete(writing);
    }
  }

  /**
   * Moves each checked point off any time a different point holds (stored, the unchecked point of
   * its key in this batch, or placed earlier in this batch) to its next candidate; a point equal to
   * the one it finds (a redelivery) stays on it and overwrites it with itself. The candidates are a
   * fixed sequence per point, so a redelivery walks the same sequence and finds its first delivery.
   */
  private async placeChecked(
    points: readonly HistoryPoint[],
    lines: string[],
    checked: readonly number[],
    unchecked: ReadonlyMap<string, number>,
  ): Promise<void> {
    const observationAt = (i: number) => (points[i] as { observation: HistoryObservation }).observation;
    const observations = checked.map(observationAt);
    const stored = await this.storedAt(observations);
    const seeded = new Set<string>();
    const here = (key: string): Stored[] => {
      let list = stored.get(key);
      if (!list) stored.set(key, (list = []));
      const first = unchecked.get(key);
      if (first !== undefined && !seeded.has(key)) {
        seeded.add(key);
        const o = observationAt(first);
        list.push({ subNs: Number(lines[first]!.slice(-6)), row: { ...observationTags(o), ...observationFields(o) } });
      }
      return list;
    };
    checked.forEach((i, n) => {
      const o = observations[n]!;
      const tags = observationTags(o);
      const fields = observationFields(o);
      const key = keyOf(o);
      const taken = here(key);
      for (let probe = 0; ; probe++) {
        if (probe > MAX_PROBES) {
          throw new InfluxWriteError(`${MAX_PROBES} different points of sensor ${o.sensorId} already hold its millisecond ${o.ts}`, false);
        }
        const line = probe === 0 ? lines[i]! : observationLine(o, this.offsetOf, probe);
        const subNs = Number(line.slice(-6));
        const there = taken.find((s) => s.subNs === subNs && sameSeries(s.row, tags));
        if (there && !sameFields(there.row, fields)) continue;
        lines[i] = line;
        if (!there) taken.push({ subNs, row: { ...tags, ...fields } });
        return;
      }
    });
  }

  /** What InfluxDB holds at the milliseconds of these observations, by measurement, sensor and millisecond. */
  private async storedAt(observations: readonly HistoryObservation[]): Promise<Map<string, Stored[]>> {
    const db = this.influx.options.db;
    const byMeasurement = new Map<string, HistoryObservation[]>();
    for (const o of observations) {
      const list = byMeasurement.get(o.channel);
      if (list) list.push(o);
      else byMeasurement.set(o.channel, [o]);
    }
    const stored = new Map<string, Stored[]>();
    const add = (key: string, s: Stored) => {
      const list = stored.get(key);
      if (list) list.push(s);
      else stored.set(key, [s]);
    };
    for (const [measurement, list] of byMeasurement) {
      const sensors = [...new Set(list.map((o) => o.sensorId))];
      const wanted = new Set(sensors);
      const from = list.reduce((min, o) => Math.min(min, o.ts), Infinity);
      const to = list.reduce((max, o) => Math.max(max, o.ts), -Infinity);
      const chunks: string[] = [];
      if (to - from <= ALL_SENSORS_SPAN_MS) chunks.push('');
      else {
        for (let i = 0; i < sensors.length; i += SENSORS_PER_QUERY) {
          const which = sensors.slice(i, i + SENSORS_PER_QUERY).map((id) => `"sensor" = ${quoteTag(id)}`);
          chunks.push(`(${which.join(' OR ')}) AND `);
        }
      }
      for (const which of chunks) {
        let series: InfluxSeries[];
        try {
          const q = `SELECT * FROM "${db}"."${RP.raw}"."${measurement}" WHERE ${which}time >= ${from}ms AND time < ${to + 1}ms`;
          [series = []] = await this.influx.query(q, { exactTimes: true });
        } catch (err) {
          throw new InfluxWriteError(`InfluxDB could not be asked what it holds before a write: ${(err as Error).message}`, true);
        }
        for (const row of rowsOf(series)) {
          if (!wanted.has(String(row.sensor))) continue;
          const { ms, subNs } = parseTime(String(row.time));
          add(`${measurement}|${String(row.sensor)}|${ms}`, { subNs, row });
        }
      }
    }
    return stored;
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

  async sensorEvents(sensorId: string, from: number, to: number, limit: number): Promise<SensorEventPoint[]> {
    const db = this.influx.options.db;
    const [series = []] = await this.influx.query(
      `SELECT "type", "credential", "detail", "drill" FROM "${db}"."${RP.raw}"."event" WHERE "sensor" = ${quoteTag(sensorId)} AND time >= ${from}ms AND time < ${to + 1}ms ORDER BY time DESC LIMIT ${limit}`,
    );
    const types: readonly string[] = EVENT_TYPES;
    const out: SensorEventPoint[] = [];
    for (const [t, type, credential, detail, drill] of series[0]?.values ?? []) {
      // A type this version does not know (an older or newer writer) is left out, not guessed.
      if (typeof type !== 'string' || !types.includes(type)) continue;
      const e: SensorEventPoint = { t: Number(t), type: type as EventType };
      if (typeof credential === 'string' && credential !== '') e.credential = credential;
      if (typeof detail === 'string' && detail !== '') e.detail = detail;
      if (typeof drill === 'string' && drill !== '') e.drill = drill;
      out.push(e);
    }
    return out;
  }
}
