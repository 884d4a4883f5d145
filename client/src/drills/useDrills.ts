/**
 * The drill list and one drill's report, kept fresh by the live `drill` notices (a drill started
 * or ended anywhere refetches the list) and, while a drill runs, by a slow poll of its report.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { Drill, DrillReport, DrillScenario } from '../../../contract/drill.ts';
import { textIn } from '../../../contract/alarm-text.ts';
import { useI18n } from '../i18n/I18nContext.ts';
import { ApiRequestError, messageOf } from '../api/api.client.ts';
import { fetchDrillReport, fetchDrills } from '../api/drill.api.ts';
import { useLive, useLiveStore } from '../live/useLive.ts';

export type DrillList = { kind: 'loading' } | { kind: 'error'; message: string } | { kind: 'ready'; drills: Drill[]; scenarios: DrillScenario[] };

export function useDrillList(): [DrillList, () => void] {
  const store = useLiveStore();
  // A new map whenever a drill starts or ends anywhere: the list is fetched again.
  const notices = useLive((s) => s.drills);
  const [list, setList] = useState<DrillList>({ kind: 'loading' });
  const [reloads, setReloads] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    fetchDrills(controller.signal).then(
      (res) => {
        if (controller.signal.aborted) return;
        setList({ kind: 'ready', drills: res.drills, scenarios: res.scenarios });
        store.syncDrills(res.drills);
      },
      (err: unknown) => {
        // Keep showing the last good list when a refetch fails; say so only when there is none.
        if (!controller.signal.aborted) setList((prev) => (prev.kind === 'ready' ? prev : { kind: 'error', message: messageOf(err) }));
      },
    );
    return () => controller.abort();
  }, [store, notices, reloads]);
  const reload = useCallback(() => setReloads((n) => n + 1), []);
  return [list, reload];
}

/** Asks the server for running drills once, so a console opened mid-drill still shows the DRILL banner. */
export function useRunningDrillsSeed(): void {
  const store = useLiveStore();
  useEffect(() => {
    const controller = new AbortController();
    fetchDrills(controller.signal).then(
      (res) => {
        if (!controller.signal.aborted) store.syncDrills(res.drills);
      },
      () => {}, // the banner then waits for the next notice; the drills page shows the error
    );
    return () => controller.abort();
  }, [store]);
}

/**
 * The titles of the running drills, by drill id: live notices name a drill's scenario only, so
 * the list is asked for again whenever a drill starts or ends.
 */
export function useRunningDrillTitles(): ReadonlyMap<string, string> {
  const notices = useLive((s) => s.drills);
  const { locale } = useI18n();
  const [drills, setDrills] = useState<readonly Drill[]>([]);
  useEffect(() => {
    if (notices.size === 0) return;
    const controller = new AbortController();
    fetchDrills(controller.signal).then(
      (res) => {
        if (!controller.signal.aborted) setDrills(res.drills);
      },
      () => {}, // the banner names the scenario instead
    );
    return () => controller.abort();
  }, [notices]);
  return useMemo(() => new Map(drills.map((d) => [d.id, textIn(d.title, d.titleZh, locale)])), [drills, locale]);
}

export type ReportLoad = { kind: 'loading' } | { kind: 'error'; message: string; status: number } | { kind: 'ready'; report: DrillReport };

/** While the drill runs its report changes as alarms are raised and acknowledged. */
const RUNNING_REFRESH_MS = 5_000;

export function useDrillReport(drillId: string): ReportLoad {
  const notices = useLive((s) => s.drills);
  const [load, setLoad] = useState<ReportLoad>({ kind: 'loading' });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    fetchDrillReport(drillId, controller.signal).then(
      (report) => {
        if (!controller.signal.aborted) setLoad({ kind: 'ready', report });
      },
      (err: unknown) => {
        if (controller.signal.aborted) return;
        const status = err instanceof ApiRequestError ? err.status : 0;
        setLoad((prev) => (prev.kind === 'ready' ? prev : { kind: 'error', message: messageOf(err), status }));
      },
    );
    return () => controller.abort();
  }, [drillId, notices, tick]);
  const running = load.kind === 'ready' && load.report.drill.state === 'running';
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setTick((n) => n + 1), RUNNING_REFRESH_MS);
    return () => clearInterval(timer);
  }, [running]);
  return load;
}
