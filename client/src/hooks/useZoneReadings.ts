/** Readings of every measuring sensor of a zone over one range, fetched side by side. */
import { useEffect, useState } from 'react';
import type { Sensor } from '../../../contract/facility.ts';
import { fetchReadings, messageOf } from '../api/api.client.ts';
import { readingsQuery, resolveRange, type TimeRange } from '../domain/time.range.ts';
import type { SensorSeries } from '../domain/zone.series.ts';

export type ZoneReadings = { kind: 'loading' } | { kind: 'error'; message: string } | { kind: 'ready'; from: number; to: number; series: SensorSeries[] };

/** `sensors` must be stable between renders (memoised by the caller). */
export function useZoneReadings(sensors: readonly Sensor[], range: TimeRange): ZoneReadings {
  const [state, setState] = useState<ZoneReadings>({ kind: 'loading' });
  useEffect(() => {
    const controller = new AbortController();
    const now = Date.now();
    const measured = sensors.filter((s): s is Sensor & { unit: string } => s.unit !== null);
    setState({ kind: 'loading' });
    Promise.all(
      measured.map(async (s) => ({ sensorId: s.id, unit: s.unit, points: (await fetchReadings(s.id, readingsQuery(range, now), controller.signal)).points })),
    ).then(
      (series) => setState({ kind: 'ready', ...resolveRange(range, now), series }),
      (err: unknown) => {
        if (!controller.signal.aborted) setState({ kind: 'error', message: messageOf(err) });
      },
    );
    return () => controller.abort();
  }, [sensors, range]);
  return state;
}
