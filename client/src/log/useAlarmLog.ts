/** One page of the alarm log, and the CSV export of every page of the same filter, in the same order. */
import { useCallback, useEffect, useState } from 'react';
import type { Alarm } from '../../../contract/alarm.ts';
import { fetchAlarms } from '../api/alarm.api.ts';
import { messageOf } from '../api/api.client.ts';
import { alarmsCsv } from './alarm.csv.ts';
import { logQuery, type LogFilter, type LogSort } from './log.query.ts';
import { downloadCsv } from '../format/download.ts';

export type LogPage = { kind: 'loading' } | { kind: 'error'; message: string } | { kind: 'ready'; alarms: Alarm[]; total: number };

export function useAlarmPage(filter: LogFilter, sort: LogSort, offset: number): LogPage {
  const [page, setPage] = useState<LogPage>({ kind: 'loading' });
  useEffect(() => {
    const controller = new AbortController();
    setPage({ kind: 'loading' });
    fetchAlarms(logQuery(filter, sort, offset), controller.signal).then(
      (res) => setPage({ kind: 'ready', alarms: res.alarms, total: res.total }),
      (err: unknown) => {
        if (!controller.signal.aborted) setPage({ kind: 'error', message: messageOf(err) });
      },
    );
    return () => controller.abort();
  }, [filter, sort, offset]);
  return page;
}

/** Rows fetched per request while exporting, and the most one export takes. */
const EXPORT_PAGE = 500;
export const EXPORT_MAX = 20_000;

export type ExportStatus = { kind: 'idle' } | { kind: 'running'; done: number; total: number } | { kind: 'error'; message: string };

export function useCsvExport(filter: LogFilter, sort: LogSort): [ExportStatus, () => void] {
  const [status, setStatus] = useState<ExportStatus>({ kind: 'idle' });
  const run = useCallback(() => {
    void (async () => {
      const rows: Alarm[] = [];
      setStatus({ kind: 'running', done: 0, total: 0 });
      try {
        for (let offset = 0; offset < EXPORT_MAX; offset += EXPORT_PAGE) {
          const res = await fetchAlarms(logQuery(filter, sort, offset, EXPORT_PAGE));
          rows.push(...res.alarms);
          setStatus({ kind: 'running', done: rows.length, total: Math.min(res.total, EXPORT_MAX) });
          if (res.alarms.length < EXPORT_PAGE || rows.length >= res.total) break;
        }
        downloadCsv(alarmsCsv(rows), `vigil-alarms-${new Date(filter.from).toISOString().slice(0, 10)}-${new Date(filter.to).toISOString().slice(0, 10)}.csv`);
        setStatus({ kind: 'idle' });
      } catch (err) {
        setStatus({ kind: 'error', message: messageOf(err) });
      }
    })();
  }, [filter, sort]);
  return [status, run];
}
