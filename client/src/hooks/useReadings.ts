/** History for the sensor panel: fetched per range, with live values appended while open. */
import { useCallback, useEffect, useState } from 'react';
import type { SensorLiveState } from '../../../contract/alarm.ts';
import type { ReadingPoint, ReadingsResolution } from '../../../contract/api.ts';
import { fetchReadings, messageOf } from '../api/api.client.ts';
import { PRESET_SPAN_MS, readingsQuery, resolveRange, type TimeRange } from '../domain/time.range.ts';
import { useSensorFeed } from '../live/useLive.ts';

export interface ChartPoint {
  t: number;
  value: number;
  /** [min, max] of an aggregated bucket, drawn as a band. */
  band?: [number, number];
}

export type ReadingsState =
  | { kind: 'loading' }
  | { kind: 'error'; message: string }
  /** `stepS`: the width of the buckets the points stand for (null: raw points), as the server chose it for the range. */
  | { kind: 'ready'; from: number; to: number; resolution: ReadingsResolution; stepS: number | null; points: ChartPoint[] };

export function toChartPoints(points: readonly ReadingPoint[]): ChartPoint[] {
  return points.map((p) => (p.min !== undefined && p.max !== undefined ? { t: p.t, value: p.value, band: [p.min, p.max] } : { t: p.t, value: p.value }));
}

/**
 * A live value appended to a "last N" window, dropping what slid out of it. The live state
 * carries the last value and when the sensor was last heard; a status message moves `lastSeen`
 * without a new reading, which adds a point at the last known value — what it still was.
 */
export function appendLive(state: ReadingsState, live: SensorLiveState, spanMs: number): ReadingsState {
  if (state.kind !== 'ready' || live.lastValue === null || live.lastSeen === null) return state;
  const last = state.points[state.points.length - 1];
  if (last && live.lastSeen <= last.t) return state;
  const from = live.lastSeen - spanMs;
  const points = state.points.filter((p) => p.t >= from);
  points.push({ t: live.lastSeen, value: live.lastValue });
  return { ...state, from, to: Math.max(state.to, live.lastSeen), points };
}

export function useReadings(sensorId: string, range: TimeRange, enabled: boolean): ReadingsState {
  const [state, setState] = useState<ReadingsState>({ kind: 'loading' });

  useEffect(() => {
    if (!enabled) return;
    const controller = new AbortController();
    const now = Date.now();
    setState({ kind: 'loading' });
    fetchReadings(sensorId, readingsQuery(range, now), controller.signal).then(
      (res) => {
        const { from, to } = resolveRange(range, now);
        setState({ kind: 'ready', from, to, resolution: res.resolution, stepS: res.stepS, points: toChartPoints(res.points) });
      },
      (err: unknown) => {
        if (!controller.signal.aborted) setState({ kind: 'error', message: messageOf(err) });
      },
    );
    return () => controller.abort();
  }, [sensorId, range, enabled]);

  const handleUpdate = useCallback(
    (live: SensorLiveState) => {
      if (range.kind === 'preset') setState((s) => appendLive(s, live, PRESET_SPAN_MS[range.preset]));
    },
    [range],
  );
  useSensorFeed(sensorId, handleUpdate);

  return state;
}
