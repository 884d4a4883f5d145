/** History ranges of the sensor panel and the readings query each one becomes. */

export const RANGE_PRESETS = ['15m', '1h', '24h', '7d', '30d', '1y'] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

export const PRESET_SPAN_MS: Record<RangePreset, number> = {
  '15m': 15 * MINUTE_MS,
  '1h': HOUR_MS,
  '24h': DAY_MS,
  '7d': 7 * DAY_MS,
  '30d': 30 * DAY_MS,
  '1y': 365 * DAY_MS,
};

/** A preset is "the last N" and follows the clock (live tail); a custom range is fixed. */
export type TimeRange = { kind: 'preset'; preset: RangePreset } | { kind: 'custom'; from: number; to: number };

/** Ranges up to this long are asked for raw points; longer ones are bucketed. */
export const RAW_MAX_SPAN_MS = 2 * HOUR_MS;
/** Aim for about this many buckets: enough detail for a wide chart, cheap to draw. */
const TARGET_POINTS = 500;
/** Bucket widths (s) that line up with the server's 1 m and 1 h roll-ups and read well. */
const NICE_STEPS_S = [60, 120, 300, 600, 900, 1_800, 3_600, 7_200, 10_800, 21_600, 43_200, 86_400];

export function resolveRange(range: TimeRange, now: number): { from: number; to: number } {
  return range.kind === 'preset' ? { from: now - PRESET_SPAN_MS[range.preset], to: now } : { from: range.from, to: range.to };
}

/** Bucket width in seconds for a span, or undefined for raw points. */
export function stepForSpan(spanMs: number): number | undefined {
  if (spanMs <= RAW_MAX_SPAN_MS) return undefined;
  const wanted = spanMs / 1000 / TARGET_POINTS;
  return NICE_STEPS_S.find((s) => s >= wanted) ?? NICE_STEPS_S[NICE_STEPS_S.length - 1];
}

/** Query string for `GET /api/sensors/:id/readings` (epoch ms; step in seconds). */
export function readingsQuery(range: TimeRange, now: number): URLSearchParams {
  const { from, to } = resolveRange(range, now);
  const params = new URLSearchParams({ from: String(Math.round(from)), to: String(Math.round(to)) });
  const step = stepForSpan(to - from);
  if (step !== undefined) params.set('step', String(step));
  return params;
}

export function isLiveRange(range: TimeRange): boolean {
  return range.kind === 'preset';
}
