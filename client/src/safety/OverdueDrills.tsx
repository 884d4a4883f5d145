/**
 * The drill plan as of now, for the KPI page: each site's planned scenarios with the last drill,
 * when the next is due, and the overdue ones marked (docs/contracts.md#safety-reports).
 */
import { useCallback } from 'react';
import type { Facility } from '../../../contract/facility.ts';
import type { OverdueDrillsResponse } from '../../../contract/safety-report.ts';
import { textIn } from '../../../contract/alarm-text.ts';
import { fetchOverdueDrills } from '../api/safety-report.api.ts';
import { timeFormatters } from '../format/time.format.ts';
import { useLoad } from '../hooks/useLoad.ts';
import { useI18n } from '../i18n/I18nContext.ts';
import '../styles/safety.css';

export function OverdueDrills({ facility }: { facility: Facility }) {
  const { t, locale } = useI18n();
  const planned = facility.sites.filter((s) => (s.drillPlan?.length ?? 0) > 0);
  const ids = planned.map((s) => s.id).join(',');
  const fetcher = useCallback(
    (signal: AbortSignal): Promise<OverdueDrillsResponse[]> =>
      Promise.all(
        ids
          .split(',')
          .filter(Boolean)
          .map((id) => fetchOverdueDrills(id, signal)),
      ),
    [ids],
  );
  const [load] = useLoad(fetcher);

  return (
    <section className="report-section" aria-labelledby="overdue-drills" data-testid="overdue-drills">
      <h3 id="overdue-drills">{t('safety.overdue.title')}</h3>
      {planned.length === 0 ? <p className="drills__muted">{t('safety.overdue.none')}</p> : null}
      {load.kind === 'error' ? (
        <p className="log__message" role="alert">
          {t('safety.error', { msg: load.message })}
        </p>
      ) : null}
      {load.kind === 'ready'
        ? load.value.map((site) => {
            const s = planned.find((p) => p.id === site.siteId);
            const f = timeFormatters(locale, s?.timezone ?? 'UTC');
            const overdue = site.plan.filter((p) => p.overdue).length;
            return (
              <div key={site.siteId}>
                <h4>
                  {s?.name ?? site.siteId}
                  {overdue > 0 ? <span className="overdue-drills__count"> · {t('safety.overdue.count', { n: overdue })}</span> : null}
                </h4>
                <table className="log-table">
                  <thead>
                    <tr>
                      <th>{t('safety.overdue.scenario')}</th>
                      <th>{t('safety.overdue.every')}</th>
                      <th>{t('safety.overdue.last')}</th>
                      <th>{t('safety.overdue.due')}</th>
                      <th>{t('safety.overdue.status')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {site.plan.map((p) => (
                      <tr key={p.scenario} data-overdue={p.overdue}>
                        <td>{textIn(p.title, p.titleZh, locale)}</td>
                        <td>{t(`safety.every.${p.every}`)}</td>
                        <td>{p.lastHeldAt === null ? t('safety.overdue.never') : f.dateTime(p.lastHeldAt)}</td>
                        <td>{p.dueAt === null ? '–' : f.dateTime(p.dueAt)}</td>
                        <td>{p.overdue ? <strong className="overdue-drills__overdue">{t('safety.overdue.overdue')}</strong> : t('safety.overdue.ok')}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            );
          })
        : null}
    </section>
  );
}
