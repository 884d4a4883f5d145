import { useCallback, useEffect, useState } from 'react';
import type { Facility } from '../../../contract/facility.ts';
import { fetchFacility, fetchSensors, messageOf } from '../api/api.client.ts';
import type { LiveStore } from '../live/live.store.ts';

export type FacilityLoad = { kind: 'loading' } | { kind: 'error'; message: string } | { kind: 'ready'; facility: Facility };

/** The registry, plus sensor states from REST so the plan has values before the live snapshot. */
export function useFacility(store: LiveStore): [FacilityLoad, () => void] {
  const [load, setLoad] = useState<FacilityLoad>({ kind: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    setLoad({ kind: 'loading' });
    fetchSensors(controller.signal).then(
      (sensors) => store.seedSensors(sensors),
      () => {
        // Not fatal: the live snapshot carries sensor states too.
      },
    );
    fetchFacility(controller.signal).then(
      (facility) => setLoad({ kind: 'ready', facility }),
      (err: unknown) => {
        if (!controller.signal.aborted) setLoad({ kind: 'error', message: messageOf(err) });
      },
    );
    return () => controller.abort();
  }, [store, attempt]);

  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  return [load, retry];
}
