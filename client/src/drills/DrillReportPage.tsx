/**
 * The printable drill report: header, score against the targets, one row per expected
 * alarm, the unexpected ones. Times are in the drill site's zone; Print gives a black-on-white
 * page without the dashboard around it (styles/drill-report.css, `@media print`).
 */
import type { Facility } from '../../../contract/facility.ts';
import type { DrillReport } from '../../../contract/drill.ts';
import { textIn } from '../../../contract/alarm-text.ts';
import { useSession } from '../auth/SessionContext.ts';
import type { FacilityIndex } from '../domain/facility.index.ts';
import { useNow } from '../hooks/useNow.ts';
import { alarmSubject } from '../i18n/alarm.labels.ts';
import { I18nContext, useI18n } from '../i18n/I18nContext.ts';
import { drillDurationMs, formatTarget, scoreSummary, MARK_SYMBOL, type ScoreSummary } from './drill.report.ts';
import { ExpectedAlarmsTable, UnexpectedAlarmsTable } from './ReportTables.tsx';
import { useDrillReport } from './useDrills.ts';
import { useSiteI18n } from './useSiteTime.ts';

interface DrillReportPageProps {
  drillId: string;
  facility: Facility;
  index: FacilityIndex;
  onBack: () => void;
}

export function DrillReportPage({ drillId, facility, index, onBack }: DrillReportPageProps) {
  const { t } = useI18n();
  const { can } = useSession();
  return (
    <main className="report-page" aria-label={t('report.title')} data-testid="drill-report-page">
      <div className="report-page__toolbar no-print">
        <button type="button" className="btn" onClick={onBack}>
          ‹ {t('report.back')}
        </button>
        <button type="button" className="btn btn--primary" onClick={() => window.print()} data-testid="report-print">
          {t('report.print')}
        </button>
      </div>
      {can('report.view') ? <ReportLoader drillId={drillId} facility={facility} index={index} /> : <p className="log__message">{t('report.notAllowed')}</p>}
    </main>
  );
}

function ReportLoader({ drillId, facility, index }: Omit<DrillReportPageProps, 'onBack'>) {
  const { t } = useI18n();
  const load = useDrillReport(drillId);
  if (load.kind === 'loading') return <p className="log__message">{t('report.loading')}</p>;
  if (load.kind === 'error') return <p className="log__message detail__error">{t('report.error', { msg: load.message })}</p>;
  return <SiteReport report={load.report} facility={facility} index={index} />;
}

/** The report in its own site's time zone. */
function SiteReport({ report, facility, index }: { report: DrillReport; facility: Facility; index: FacilityIndex }) {
  const i18n = useSiteI18n(index, report.drill.siteId);
  return (
    <I18nContext.Provider value={i18n}>
      <ReportBody report={report} facility={facility} index={index} />
    </I18nContext.Provider>
  );
}

export function ReportBody({ report, facility, index }: { report: DrillReport; facility: Facility; index: FacilityIndex }) {
  const { t, fmt, duration, timeZone, locale } = useI18n();
  const now = useNow();
  const { drill } = report;
  // Every fire alarm opens a muster of its building: several in one building read alike unless each
  // names the alarm (its detector) it belongs to.
  const musterAlarms = new Map([...report.items.flatMap((i) => (i.alarm ? [i.alarm] : [])), ...report.unexpected].map((a) => [a.id, a]));
  const title = textIn(drill.title, drill.titleZh, locale);
  const musterOf = (m: { alarmId: string; building: string; buildingZh?: string }): string => {
    const building = textIn(m.building, m.buildingZh, locale);
    const alarm = musterAlarms.get(m.alarmId);
    return alarm ? `${building} · ${alarmSubject(alarm, index, locale)}` : building;
  };
  const running = drill.state === 'running';
  const score = scoreSummary(report);
  const site = index.sitesById.get(drill.siteId);

  return (
    <article className="report" data-testid="drill-report" data-drill-id={drill.id} data-state={drill.state}>
      <header className="report__head">
        <p className="report__kicker">
          <span className="tag tag--drill">{t('queue.drill')}</span> {title}
        </p>
        <h2 className="report__title">{t('report.title')}</h2>
        <dl className="report__meta">
          <Meta label={t('report.facility')} value={facility.name} />
          <Meta label={t('report.scenario')} value={`${title} (${drill.scenario}, ×${drill.speed})`} />
          <Meta label={t('report.site')} value={site?.name ?? drill.siteId} />
          <Meta label={t('report.startedBy')} value={drill.startedBy} />
          <Meta label={t('report.start')} value={fmt.dateTime(drill.startedAt)} />
          <Meta label={t('report.end')} value={drill.endedAt !== null ? fmt.dateTime(drill.endedAt) : `— (${t('drills.state.running')})`} />
          <Meta label={t('report.duration')} value={duration(drillDurationMs(drill, now))} />
          <Meta label={t('report.drillId')} value={drill.id} mono />
        </dl>
        <p className="report__tz">{t('report.timeZone', { tz: timeZone })}</p>
        {running ? (
          <p className="report__running" role="status">
            ● {t('report.stillRunning')}
          </p>
        ) : null}
      </header>

      <section className="report__section report__score" aria-label={t('report.score')} data-testid="report-score" data-met={score.met}>
        <div className={`score-big score-big--${score.met ? 'met' : 'not-met'}`}>
          <span className="score-big__percent">{score.percent === null ? '—' : `${score.percent} %`}</span>
          {score.percent === null ? (
            <span className="score-big__note">{t('report.verdict.none')}</span>
          ) : (
            <span className="score-big__verdict">
              {score.met ? MARK_SYMBOL.pass : MARK_SYMBOL.fail} {score.met ? t('report.verdict.met') : t('report.verdict.notMet')}
            </span>
          )}
          <Incomplete score={score} running={running} />
        </div>
        <dl className="score-figures">
          <Meta label={t('report.expected')} value={String(score.expected)} />
          <Meta label={t('report.raised')} value={String(score.raised)} />
          <Meta label={t('report.missed')} value={String(score.missed)} warn={score.missed > 0} />
          {score.pending > 0 ? <Meta label={t('report.pending')} value={String(score.pending)} /> : null}
          {score.notPlayed > 0 ? <Meta label={t('report.notPlayed')} value={String(score.notPlayed)} /> : null}
          <Meta label={t('report.displayedInTime')} value={t('report.ofN', { n: score.displayedInTime, total: score.expected })} />
          <Meta label={t('report.ackedInTime')} value={t('report.ofN', { n: score.ackedInTime, total: score.expected })} />
          {report.signals ? (
            <Meta
              label={t('report.signals')}
              value={t('report.signalsValue', {
                alarm: report.signals.byClass.alarm,
                supervisory: report.signals.byClass.supervisory,
                trouble: report.signals.byClass.trouble,
                waterflow: report.signals.waterflow,
                valve: report.signals.valve,
              })}
            />
          ) : null}
          {(report.musters ?? []).map((m) => (
            <Meta
              key={m.alarmId}
              label={t('muster.report')}
              warn={m.timeToAccountS === null}
              value={
                m.timeToAccountS === null
                  ? t('muster.reportOpen', { building: musterOf(m), done: m.accounted, n: m.people })
                  : t('muster.reportValue', { building: musterOf(m), d: duration(m.timeToAccountS * 1000), n: m.people })
              }
            />
          ))}
        </dl>
        <p className="report__targets">
          {t('report.targets', {
            display: formatTarget(report.targets.displayS, t),
            critical: formatTarget(report.targets.criticalAckS, t),
            other: formatTarget(report.targets.ackS, t),
          })}
        </p>
        <p className="report__note">{t('report.scoring')}</p>
      </section>

      <section className="report__section" aria-labelledby="report-expected">
        <h3 className="report__heading" id="report-expected">
          {t('report.expected')}
        </h3>
        {report.items.length === 0 ? <p className="report__note">{t('report.noExpected')}</p> : <ExpectedAlarmsTable report={report} index={index} />}
      </section>

      <section className="report__section" aria-labelledby="report-unexpected">
        <h3 className="report__heading" id="report-unexpected">
          {t('report.unexpected')}
        </h3>
        <p className="report__note">{t('report.unexpectedHint')}</p>
        {report.unexpected.length === 0 ? <p>{t('report.noUnexpected')}</p> : <UnexpectedAlarmsTable alarms={report.unexpected} index={index} />}
      </section>

      <footer className="report__footer">{t('report.printedAt', { time: fmt.dateTime(now) })} · Vigil</footer>
    </article>
  );
}

/** Why the score is not the whole story: the drill still runs, or ended before all of it played. */
function Incomplete({ score, running }: { score: ScoreSummary; running: boolean }) {
  const { t } = useI18n();
  if (score.complete) return null;
  return (
    <span className="score-big__note" data-testid="report-incomplete">
      {running ? t('report.verdict.provisional') : t('report.verdict.incomplete')}
    </span>
  );
}

function Meta({ label, value, mono, warn }: { label: string; value: string; mono?: boolean; warn?: boolean }) {
  return (
    <div className={`report-meta${warn ? ' report-meta--warn' : ''}`}>
      <dt>{label}</dt>
      <dd className={mono ? 'report-meta__mono' : undefined}>{value}</dd>
    </div>
  );
}
