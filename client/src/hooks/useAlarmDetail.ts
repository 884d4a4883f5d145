/**
 * One alarm with its full history (`GET /api/alarms/:id`), kept current: the live store's copy
 * wins while the alarm is open, and the history is fetched again whenever the alarm changes.
 */
import { useCallback, useEffect, useState } from 'react';
import type { Alarm, AlarmEvent } from '../../../contract/alarm.ts';
import { fetchAlarm } from '../api/alarm.api.ts';
import { messageOf } from '../api/api.client.ts';
import { useLive } from '../live/useLive.ts';

export type HistoryLoad = { kind: 'loading' } | { kind: 'error'; message: string } | { kind: 'ready'; history: AlarmEvent[] };

export interface AlarmDetailState {
  /** Null until either the live store or the server has it. */
  alarm: Alarm | null;
  history: HistoryLoad;
  /** Fetch again now (after an action of ours). */
  refresh: () => void;
}

export function useAlarmDetail(alarmId: string): AlarmDetailState {
  const live = useLive((s) => s.alarms.get(alarmId));
  const [fetched, setFetched] = useState<Alarm | null>(null);
  const [history, setHistory] = useState<HistoryLoad>({ kind: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const liveVersion = live ? `${live.updatedAt}|${live.state}` : 'gone';

  useEffect(() => {
    const controller = new AbortController();
    fetchAlarm(alarmId, controller.signal).then(
      (res) => {
        setFetched(res.alarm);
        setHistory({ kind: 'ready', history: res.history });
      },
      (err: unknown) => {
        if (!controller.signal.aborted) setHistory({ kind: 'error', message: messageOf(err) });
      },
    );
    return () => controller.abort();
  }, [alarmId, attempt, liveVersion]);

  const refresh = useCallback(() => setAttempt((n) => n + 1), []);
  // The newer of the two: the live copy moves first, the fetched one outlives the alarm's close.
  const alarm = live && (!fetched || live.updatedAt >= fetched.updatedAt) ? live : fetched;
  return { alarm, history, refresh };
}
