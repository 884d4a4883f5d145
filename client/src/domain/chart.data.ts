/**
 * What a sensor's history chart shows, decided without drawing: the value axis's range (kept to
 * the bulk of the data when one spike would flatten it), the previous period to compare with,
 * and the shown points as CSV.
 */
import type { Thresholds } from '../../../contract/facility.ts';
import { csvLine } from '../log/alarm.csv.ts';

/** A point as charted: a reading, or a bucket's mean with its [min, max]. */
export interface SeriesPoint {
  t: number;
  value: number;
  band?: [number, number];
}

export interface ValueDomain {
  domain: [number, number];
  /** Points drawn at the axis's edge because their value lies beyond it, with their real extreme. */
  clipped: { t: number; value: number; edge: 'high' | 'low' }[];
}

/** Below this many values every value is shown: too few to tell a spike from the signal. */
const MIN_VALUES_TO_CLIP = 20;
/** Clip only when the full range is this many times the 1st–99th percentile range. */
const CLIP_RATIO = 3;

/**
 * Nearest rank towards the middle, not interpolated: with a few dozen values an interpolated 99th
 * percentile is dragged most of the way to the one spike it should leave out.
 */
function percentile(sorted: readonly number[], p: number): number {
  const i = (sorted.length - 1) * p;
  return sorted[p < 0.5 ? Math.ceil(i) : Math.floor(i)]!;
}

/**
 * The value axis's range. Normally every value (and the thresholds) fits. When a few extreme
 * values — a plausible but short spike, a bucket's max that caught it — make the full range more
 * than three times the 1st–99th percentile range, the axis keeps to the percentiles (still taking
 * in the thresholds and zero), and the values beyond are listed so the chart marks them at its
 * edge with their real value. A sustained excursion is more than 1 % of the points and is never
 * clipped. Implausible readings never get here: the server stores them apart.
 */
export function valueDomain(points: readonly SeriesPoint[], thresholds: Pick<Thresholds, 'low' | 'high'> | null): ValueDomain {
  const values = points.flatMap((p) => (p.band ? [p.value, p.band[0], p.band[1]] : [p.value])).filter(Number.isFinite);
  const fixed = [0, ...(thresholds ? [thresholds.low, thresholds.high] : [])];
  if (values.length === 0) return { domain: pad(Math.min(...fixed), Math.max(...fixed)), clipped: [] };
  const sorted = [...values].sort((a, b) => a - b);
  const min = sorted[0]!;
  const max = sorted[sorted.length - 1]!;
  const p1 = percentile(sorted, 0.01);
  const p99 = percentile(sorted, 0.99);
  const robust = Math.max(p99 - p1, Math.abs(p99) * 0.01, 1e-9);
  if (sorted.length < MIN_VALUES_TO_CLIP || max - min <= CLIP_RATIO * robust) {
    return { domain: pad(Math.min(min, ...fixed), Math.max(max, ...fixed)), clipped: [] };
  }
  const [lo, hi] = pad(Math.min(p1, ...fixed), Math.max(p99, ...fixed));
  const clipped: ValueDomain['clipped'] = [];
  for (const p of points) {
    const top = p.band ? Math.max(p.value, p.band[1]) : p.value;
    const bottom = p.band ? Math.min(p.value, p.band[0]) : p.value;
    if (top > hi) clipped.push({ t: p.t, value: top, edge: 'high' });
    else if (bottom < lo) clipped.push({ t: p.t, value: bottom, edge: 'low' });
  }
  return { domain: [lo, hi], clipped };
}

/** A little room above and below so lines and labels do not sit on the frame. */
function pad(lo: number, hi: number): [number, number] {
  const room = (hi - lo) * 0.05 || Math.max(Math.abs(hi) * 0.1, 1);
  return [lo === 0 ? 0 : lo - room, hi + room];
}

/** The period just before [from, to], of the same length: what "compare with the previous period" reads. */
export function previousPeriod(range: { from: number; to: number }): { from: number; to: number } {
  const span = range.to - range.from;
  return { from: range.from - span, to: range.from };
}

/** The previous period's points moved onto the current period's time axis. */
export function shiftedOnto<P extends { t: number }>(points: readonly P[], byMs: number): P[] {
  return points.map((p) => ({ ...p, t: p.t + byMs }));
}

/** Only the points inside [from, to]: what a zoomed chart shows. */
export function pointsIn<P extends { t: number }>(points: readonly P[], from: number, to: number): P[] {
  return points.filter((p) => p.t >= from && p.t <= to);
}

export interface CsvSeries {
  /** `current`, or `previous` for the comparison period (its own, unshifted times). */
  series: 'current' | 'previous';
  points: readonly SeriesPoint[];
  /** Seconds each point's bucket spans, as charted (null: raw readings). */
  stepS: number | null;
}

/**
 * The shown data as CSV: one row per point, UTC times, the bucket's min and max and its width
 * (`step_s`, empty for raw readings) when aggregated.
 * Same cell rules as the alarm log export: RFC 4180 quoting, CRLF, a UTF-8 byte-order mark, and
 * cells that look like formulas defused.
 */
export function readingsCsv(sensor: { id: string; name: string; unit: string | null }, series: readonly CsvSeries[]): string {
  const head = csvLine(['sensor_id', 'sensor_name', 'series', 'time_utc', 'value', 'min', 'max', 'unit', 'step_s']);
  const rows = series.flatMap((s) =>
    s.points.map((p) =>
      csvLine([sensor.id, sensor.name, s.series, new Date(p.t).toISOString(), p.value, p.band?.[0], p.band?.[1], sensor.unit, s.stepS ?? undefined]),
    ),
  );
  return `\uFEFF${[head, ...rows].join('\r\n')}\r\n`;
}
