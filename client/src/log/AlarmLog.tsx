/**
 * The alarm log for the facility manager: filter, page through, open any alarm's full
 * history and audit entries, export the filtered list as CSV.
 */
import { useCallback, useMemo, useState } from 'react';
import type { Alarm } from '../../../contract/alarm.ts';
import type { Facility } from '../../../contract/facility.ts';
import { useSession } from '../auth/SessionContext.ts';
import { AlarmDetail } from '../components/AlarmDetail.tsx';
import type { FacilityIndex } from '../domain/facility.index.ts';
import { useI18n } from '../i18n/I18nContext.ts';
import { AuditEntries } from './AuditEntries.tsx';
import type { AlarmSortColumn } from '../../../contract/api.ts';
import { DEFAULT_SORT, defaultFilter, nextSort, PAGE_SIZE, pageInfo, type LogFilter, type LogSort } from './log.query.ts';
import { LogFilters } from './LogFilters.tsx';
import { withNewer, withReported } from './log.rows.ts';
import { LogTable } from './LogTable.tsx';
import { OutOfServiceList } from './OutOfServiceList.tsx';
import { useAlarmPage, useCsvExport } from './useAlarmLog.ts';

interface AlarmLogProps {
  facility: Facility;
  index: FacilityIndex;
}

export function AlarmLog({ facility, index }: AlarmLogProps) {
  const { t } = useI18n();
  const { can } = useSession();
  const [filter, setFilter] = useState<LogFilter>(() => defaultFilter(Date.now()));
  const [offset, setOffset] = useState(0);
  const [openId, setOpenId] = useState<string | null>(null);
  const [sort, setSort] = useState<LogSort>(DEFAULT_SORT);
  const page = useAlarmPage(filter, sort, offset);
  // Copies of alarms changed since the page was fetched (an action in the detail pane): the row
  // shows the change at once instead of waiting for the next fetch.
  const [newer, setNewer] = useState<ReadonlyMap<string, Alarm>>(new Map());
  const rows = useMemo(() => (page.kind === 'ready' ? withNewer(page.alarms, newer) : []), [page, newer]);
  const [exportStatus, handleExport] = useCsvExport(filter, sort);
  const info = useMemo(() => (page.kind === 'ready' ? pageInfo(offset, page.alarms.length, page.total) : null), [page, offset]);
  const openAlarm = rows.find((a) => a.id === openId);

  const handleApply = useCallback((next: LogFilter) => {
    setFilter(next);
    setOffset(0);
  }, []);
  const handleClose = useCallback(() => setOpenId(null), []);
  // A new order starts again at its first page: page 3 of another order is not where the officer was.
  const handleSort = useCallback((column: AlarmSortColumn) => {
    setSort((s) => nextSort(s, column));
    setOffset(0);
  }, []);
  const handleAlarm = useCallback((alarm: Alarm) => setNewer((m) => withReported(m, alarm)), []);

  return (
    <main className="log" aria-label={t('nav.log')}>
      <div className="log__main">
        <header className="log__head">
          <h2 className="log__title">{t('nav.log')}</h2>
          <button
            type="button"
            className="btn"
            onClick={handleExport}
            disabled={exportStatus.kind === 'running' || page.kind !== 'ready' || page.total === 0}
            data-testid="log-export"
          >
            {exportStatus.kind === 'running' ? t('log.exporting', { done: exportStatus.done, total: exportStatus.total }) : t('log.export')}
          </button>
        </header>
        {exportStatus.kind === 'error' ? (
          <p className="detail__error" role="alert">
            {t('log.exportFailed', { msg: exportStatus.message })}
          </p>
        ) : null}
        <OutOfServiceList index={index} />
        <LogFilters facility={facility} filter={filter} onApply={handleApply} />
        {page.kind === 'loading' ? <p className="log__message">{t('log.loading')}</p> : null}
        {page.kind === 'error' ? <p className="log__message detail__error">{t('log.error', { msg: page.message })}</p> : null}
        {page.kind === 'ready' && page.alarms.length === 0 ? <p className="log__message">{t('log.empty')}</p> : null}
        {page.kind === 'ready' && page.alarms.length > 0 ? (
          <LogTable alarms={rows} index={index} openId={openId} onOpen={setOpenId} sort={sort} onSort={handleSort} />
        ) : null}
        {info && page.kind === 'ready' && page.total > 0 ? (
          <nav className="log__pager" aria-label={t('log.pages')}>
            <button type="button" className="btn" disabled={!info.hasPrev} onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}>
              ‹ {t('log.prev')}
            </button>
            <span data-testid="log-page">{t('log.page', { first: info.first, last: info.last, total: page.total })}</span>
            <button type="button" className="btn" disabled={!info.hasNext} onClick={() => setOffset(offset + PAGE_SIZE)}>
              {t('log.next')} ›
            </button>
          </nav>
        ) : null}
      </div>
      {openId ? (
        <AlarmDetail key={openId} alarmId={openId} index={index} onClose={handleClose} onAlarm={handleAlarm}>
          {can('audit.view') ? <AuditEntries alarmId={openId} from={openAlarm?.raisedAt ?? filter.from} to={openAlarm?.closedAt ?? null} /> : null}
        </AlarmDetail>
      ) : null}
    </main>
  );
}
