/**
 * Periodic safety reports (managers): the reports the schedule made and kept, newest first, each
 * opened as a printable page or a PDF in the viewer's language; and a report made now for the
 * current or the last week or month. The server renders them (docs/contracts.md#safety-reports).
 */
import { useCallback, useState } from 'react';
import type { Facility } from '../../../contract/facility.ts';
import type { SafetyReportPeriod } from '../../../contract/safety-report.ts';
import { fetchSafetyReports, keptReportUrl, reportNowUrl } from '../api/safety-report.api.ts';
import { PageShell } from '../components/PageShell.tsx';
import { SiteSelect } from '../components/SiteSelect.tsx';
import { timeFormatters } from '../format/time.format.ts';
import { useLoad } from '../hooks/useLoad.ts';
import { useI18n } from '../i18n/I18nContext.ts';
import '../styles/safety.css';
import type { Locale, MessageKey } from '../i18n/dictionary.ts';

interface SafetyReportsPageProps {
  facility: Facility;
  /** The site the console shows: the first one offered. */
  siteId: string;
}

const NOW_CHOICES: readonly { key: MessageKey; period: SafetyReportPeriod; current: boolean }[] = [
  { key: 'safety.now.thisWeek', period: 'week', current: true },
  { key: 'safety.now.lastWeek', period: 'week', current: false },
  { key: 'safety.now.thisMonth', period: 'month', current: true },
  { key: 'safety.now.lastMonth', period: 'month', current: false },
];

const dayFormat = (locale: Locale, timeZone: string) =>
  new Intl.DateTimeFormat(locale === 'zh' ? 'zh-CN' : 'en-GB', { timeZone, year: 'numeric', month: 'short', day: 'numeric' });

export function SafetyReportsPage({ facility, siteId }: SafetyReportsPageProps) {
  const { t, locale } = useI18n();
  const [site, setSite] = useState<string>(siteId);
  const [filter, setFilter] = useState<string | null>(null);
  const fetcher = useCallback((signal: AbortSignal) => fetchSafetyReports(filter, signal), [filter]);
  const [load, reload] = useLoad(fetcher, { showLoading: true });
  const sites = new Map(facility.sites.map((s) => [s.id, s]));
  const pdf = load.kind === 'ready' ? load.value.pdf : null;
  const pdfTitle = pdf && !pdf.available ? t('safety.pdfUnavailable', { reason: pdf.reason ?? '' }) : undefined;

  return (
    <PageShell
      className="admin-page"
      label={t('nav.safety')}
      testId="safety-page"
      title={t('safety.title')}
      refresh={{ label: t('safety.refresh'), onRefresh: reload }}
      intro={t('safety.intro')}
    >
      <section aria-labelledby="safety-now">
        <h3 id="safety-now">{t('safety.now')}</h3>
        <div className="log-filters">
          <SiteSelect facility={facility} label={t('safety.site')} value={site} onChange={(id) => setSite(id ?? site)} testId="safety-now-site" />
          {NOW_CHOICES.map((c) => (
            <span key={c.key} className="safety__now">
              <a href={reportNowUrl(site, c.period, c.current ? Date.now() : null, 'html', locale)} target="_blank" rel="noopener">
                {t(c.key)}
              </a>
              {pdf?.available ? (
                <>
                  {' · '}
                  <a href={reportNowUrl(site, c.period, c.current ? Date.now() : null, 'pdf', locale)} target="_blank" rel="noopener">
                    {t('safety.pdf')}
                  </a>
                </>
              ) : null}
            </span>
          ))}
        </div>
      </section>

      <section aria-labelledby="safety-kept">
        <h3 id="safety-kept">{t('safety.kept')}</h3>
        <div className="log-filters">
          <SiteSelect facility={facility} label={t('safety.site')} allLabel={t('safety.site.all')} value={filter} onChange={setFilter} testId="safety-site" />
        </div>
        {pdfTitle ? <p className="drills__muted">{pdfTitle}</p> : null}
        {load.kind === 'loading' ? <p className="log__message">{t('safety.loading')}</p> : null}
        {load.kind === 'error' ? (
          <p className="log__message" role="alert">
            {t('safety.error', { msg: load.message })}
          </p>
        ) : null}
        {load.kind === 'ready' && load.value.reports.length === 0 ? <p className="log__message">{t('safety.empty')}</p> : null}
        {load.kind === 'ready' && load.value.reports.length > 0 ? (
          <div className="log__table-wrap">
            <table className="log-table safety-table" data-testid="safety-reports">
              <thead>
                <tr>
                  <th>{t('safety.col.site')}</th>
                  <th>{t('safety.col.period')}</th>
                  <th>{t('safety.col.generated')}</th>
                  <th className="num">{t('safety.col.alarms')}</th>
                  <th className="num">{t('safety.col.overdue')}</th>
                  <th>{t('safety.col.open')}</th>
                </tr>
              </thead>
              <tbody>
                {load.value.reports.map((r) => {
                  const s = sites.get(r.siteId);
                  const f = timeFormatters(locale, s?.timezone ?? 'UTC');
                  const day = dayFormat(locale, s?.timezone ?? 'UTC');
                  return (
                    <tr key={r.id} data-testid={`safety-report-${r.id}`}>
                      <td>{s?.name ?? r.siteId}</td>
                      <td>
                        {/* The period ends at 00:00 of the next day: its last day is what people read. */}
                        {t(`safety.period.${r.period}`)} {day.format(r.from)} – {day.format(r.to - 1)}
                      </td>
                      <td>
                        {f.dateTime(r.generatedAt)} {r.generatedBy === 'schedule' ? t('safety.bySchedule') : r.generatedBy}
                      </td>
                      <td className="num">{r.alarms}</td>
                      <td className="num">{r.overdueDrills}</td>
                      <td>
                        <a href={keptReportUrl(r.id, 'html', locale)} target="_blank" rel="noopener">
                          {t('safety.open')}
                        </a>
                        {pdf?.available ? (
                          <>
                            {' · '}
                            <a href={keptReportUrl(r.id, 'pdf', locale)} target="_blank" rel="noopener">
                              {t('safety.pdf')}
                            </a>
                          </>
                        ) : null}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>
    </PageShell>
  );
}
