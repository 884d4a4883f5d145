/**
 * One page of alarms as a table; a row opens the alarm's history and audit entries. A column's
 * header sorts the whole result by it (the server sorts, so every page follows the same order).
 */
import type { KeyboardEvent } from 'react';
import type { Alarm } from '../../../contract/alarm.ts';
import { alarmLocation } from '../components/AlarmRow.tsx';
import { PriorityBadge } from '../components/PriorityBadge.tsx';
import type { FacilityIndex } from '../domain/facility.index.ts';
import { alarmSubject, conditionLabel } from '../i18n/alarm.labels.ts';
import type { MessageKey } from '../i18n/dictionary.ts';
import { useI18n } from '../i18n/I18nContext.ts';
import type { AlarmSortColumn } from '../../../contract/api.ts';
import type { LogSort } from './log.query.ts';

interface LogTableProps {
  alarms: readonly Alarm[];
  index: FacilityIndex;
  openId: string | null;
  onOpen: (alarmId: string) => void;
  sort: LogSort;
  onSort: (column: AlarmSortColumn) => void;
}

export function LogTable({ alarms, index, openId, onOpen, sort, onSort }: LogTableProps) {
  const { t, fmt, locale, duration } = useI18n();
  const head = (column: AlarmSortColumn, label: MessageKey) => <SortHeader column={column} label={t(label)} sort={sort} onSort={onSort} />;

  function handleKeyDown(event: KeyboardEvent<HTMLTableRowElement>, id: string) {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      onOpen(id);
    }
  }

  return (
    <div className="log__table-wrap">
      <table className="log-table" data-testid="log-table">
        <thead>
          <tr>
            {head('raised', 'log.col.raised')}
            {head('priority', 'log.priority')}
            {head('alarm', 'log.col.alarm')}
            {head('sensor', 'log.sensor')}
            <th scope="col">{t('log.col.location')}</th>
            {head('state', 'panel.state')}
            {head('acked', 'log.col.acked')}
            {head('closed', 'log.col.closed')}
            {head('cause', 'log.col.cause')}
          </tr>
        </thead>
        <tbody>
          {alarms.map((a) => (
            <tr
              key={a.id}
              className={`log-table__row${a.id === openId ? ' log-table__row--open' : ''}${a.drill ? ' log-table__row--drill' : ''}`}
              data-alarm-id={a.id}
              data-drill={a.drill ? 'true' : undefined}
              tabIndex={0}
              aria-selected={a.id === openId}
              onClick={() => onOpen(a.id)}
              onKeyDown={(e) => handleKeyDown(e, a.id)}
            >
              <td className="log-table__time">{fmt.dateTime(a.raisedAt)}</td>
              <td>
                <PriorityBadge priority={a.priority} />
              </td>
              <td>
                {a.drill ? <span className="tag tag--drill">{t('queue.drill')}</span> : null}
                <span className="log-table__alarm">{conditionLabel(a.condition, locale)}</span>
              </td>
              <td className="log-table__sensor">{alarmSubject(a, index, locale)}</td>
              <td>{alarmLocation(a, index)}</td>
              <td data-testid="log-state">{t(`alarmState.${a.state}`)}</td>
              <td>{a.ackedAt !== null ? `${a.ackedBy ?? ''} · ${duration(a.ackedAt - a.raisedAt)}` : '—'}</td>
              <td>{a.closedAt !== null ? fmt.dateTime(a.closedAt) : '—'}</td>
              <td className="log-table__cause" data-testid="log-cause">
                {a.resolution ? (
                  <>
                    {a.resolution.causeCategory ? <span className="tag">{t(`cause.${a.resolution.causeCategory}`)}</span> : null}{' '}
                    <span title={a.resolution.correctiveAction}>{a.resolution.cause}</span>
                  </>
                ) : (
                  '—'
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function SortHeader({ column, label, sort, onSort }: { column: AlarmSortColumn; label: string; sort: LogSort; onSort: (column: AlarmSortColumn) => void }) {
  const { t } = useI18n();
  const active = sort.column === column;
  return (
    <th scope="col" aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <button type="button" className="log-table__sort" onClick={() => onSort(column)} data-sort={column} title={t('log.sortBy', { col: label })}>
        {label}
        {active ? <span aria-hidden="true">{sort.dir === 'asc' ? ' ▲' : ' ▼'}</span> : null}
      </button>
    </th>
  );
}
