/** Every recorded drill, newest first; a manager opens a drill's report from its row. */
import type { KeyboardEvent } from 'react';
import type { Drill } from '../../../contract/drill.ts';
import { textIn } from '../../../contract/alarm-text.ts';
import type { FacilityIndex } from '../domain/facility.index.ts';
import { useI18n } from '../i18n/I18nContext.ts';
import { useSiteFormatters } from './useSiteTime.ts';

interface DrillTableProps {
  drills: readonly Drill[];
  index: FacilityIndex;
  /** Absent for roles without `report.view`: rows then do not open. */
  onOpenReport: ((drillId: string) => void) | null;
}

export function DrillTable({ drills, index, onOpenReport }: DrillTableProps) {
  const { t, locale } = useI18n();
  const fmtFor = useSiteFormatters(index);

  function handleKeyDown(event: KeyboardEvent<HTMLTableRowElement>, id: string) {
    if (onOpenReport && (event.key === 'Enter' || event.key === ' ')) {
      event.preventDefault();
      onOpenReport(id);
    }
  }

  return (
    <div className="log__table-wrap">
      <table className="log-table drill-table" data-testid="drill-table">
        <caption className="visually-hidden">{t('drills.list')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('drills.col.scenario')}</th>
            <th scope="col">{t('drills.col.site')}</th>
            <th scope="col">{t('drills.col.by')}</th>
            <th scope="col">{t('drills.col.start')}</th>
            <th scope="col">{t('drills.col.end')}</th>
            <th scope="col">{t('drills.col.state')}</th>
            {onOpenReport ? <th scope="col">{t('drills.openReport')}</th> : null}
          </tr>
        </thead>
        <tbody>
          {drills.map((d) => {
            const fmt = fmtFor(d.siteId);
            return (
              <tr
                key={d.id}
                className={`drill-table__row${onOpenReport ? ' log-table__row' : ''}${d.state === 'running' ? ' drill-table__row--running' : ''}`}
                data-drill-id={d.id}
                data-state={d.state}
                tabIndex={onOpenReport ? 0 : undefined}
                onClick={onOpenReport ? () => onOpenReport(d.id) : undefined}
                onKeyDown={(e) => handleKeyDown(e, d.id)}
              >
                <td>
                  <span className="tag tag--drill">{t('queue.drill')}</span> <span className="log-table__alarm">{textIn(d.title, d.titleZh, locale)}</span>
                  <span className="log-table__sensor">{d.id}</span>
                </td>
                <td>{index.sitesById.get(d.siteId)?.name ?? d.siteId}</td>
                <td>{d.startedBy}</td>
                <td className="log-table__time">{fmt.dateTime(d.startedAt)}</td>
                <td className="log-table__time">{d.endedAt !== null ? fmt.dateTime(d.endedAt) : '—'}</td>
                <td>
                  <span className={`drill-state drill-state--${d.state}`}>
                    {d.state === 'running' ? `● ${t('drills.state.running')}` : t('drills.state.ended')}
                  </span>
                </td>
                {onOpenReport ? (
                  <td>
                    <button
                      type="button"
                      className="btn drill-table__open"
                      onClick={(e) => {
                        e.stopPropagation();
                        onOpenReport(d.id);
                      }}
                    >
                      {t('drills.openReport')} ›
                    </button>
                  </td>
                ) : null}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
