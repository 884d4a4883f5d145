/** One page of alarms as a table; a row opens the alarm's history and audit entries. */
import type { KeyboardEvent } from 'react';
import type { Alarm } from '../../../contract/alarm.ts';
import { alarmLocation } from '../components/AlarmRow.tsx';
import { PriorityBadge } from '../components/PriorityBadge.tsx';
import type { FacilityIndex } from '../domain/facility.index.ts';
import { conditionLabel } from '../i18n/alarm.labels.ts';
import { useI18n } from '../i18n/I18nContext.ts';

interface LogTableProps {
  alarms: readonly Alarm[];
  index: FacilityIndex;
  openId: string | null;
  onOpen: (alarmId: string) => void;
}

export function LogTable({ alarms, index, openId, onOpen }: LogTableProps) {
  const { t, fmt, locale, duration } = useI18n();

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
            <th scope="col">{t('log.col.raised')}</th>
            <th scope="col">{t('log.priority')}</th>
            <th scope="col">{t('log.col.alarm')}</th>
            <th scope="col">{t('log.col.location')}</th>
            <th scope="col">{t('panel.state')}</th>
            <th scope="col">{t('log.col.acked')}</th>
            <th scope="col">{t('log.col.closed')}</th>
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
                <span className="log-table__sensor">{a.sensorName || a.sensorId}</span>
              </td>
              <td>{alarmLocation(a, index)}</td>
              <td>{t(`alarmState.${a.state}`)}</td>
              <td>{a.ackedAt !== null ? `${a.ackedBy ?? ''} · ${duration(a.ackedAt - a.raisedAt)}` : '—'}</td>
              <td>{a.closedAt !== null ? fmt.dateTime(a.closedAt) : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
