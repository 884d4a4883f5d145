/** History for the sensor panel: fetched per range, with live values appended while open. */
import { useCallback, useEffect, useState } from 'react';
import type { ReadingPoint, ReadingsResolution } from '../../../contract/api.ts';
import { fetchReadings } from '../api/api.client.ts';
import { PRESET_SPAN_MS, readingsQuery, resolveRange, type TimeRange } from '../domain/time.range.ts';
import type { SensorUpdate } from '../live/alarm.types.ts';
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
  | { kind: 'ready'; from: number; to: number; resolution: ReadingsResolution; points: ChartPoint[] };

export function toChartPoints(points: readonly ReadingPoint[]): ChartPoint[] {
  return points.map((p) =>
    p.min !== undefined && p.max !== undefined ? { t: p.t, value: p.value, band: [p.min, p.max] } : { t: p.t, value: p.value },
  );
}

/** A live value appended to a "last N" window, dropping what slid out of it. */
export function appendLive(state: ReadingsState, update: SensorUpdate, spanMs: number): ReadingsState {
  if (state.kind !== 'ready' || update.value === undefined) return state;
  const last = state.points[state.points.length - 1];
  if (last && update.ts <= last.t) return state;
  const from = update.ts - spanMs;
  const points = state.points.filter((p) => p.t >= from);
  points.push({ t: update.ts, value: update.value });
  return { ...state, from, to: Math.max(state.to, update.ts), points };
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
        setState({ kind: 'ready', from, to, resolution: res.resolution, points: toChartPoints(res.points) });
      },
      (err: unknown) => {
        if (!controller.signal.aborted) setState({ kind: 'error', message: err instanceof Error ? err.message : String(err) });
      },
    );
    return () => controller.abort();
  }, [sensorId, range, enabled]);

  const handleUpdate = useCallback(
    (update: SensorUpdate) => {
      if (range.kind === 'preset') setState((s) => appendLive(s, update, PRESET_SPAN_MS[range.preset]));
    },
    [range],
  );
  useSensorFeed(sensorId, handleUpdate);

  return state;
}
