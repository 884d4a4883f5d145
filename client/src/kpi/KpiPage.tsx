/**
 * Alarm-system performance (managers): the ISA-18.2 / EEMUA 191 KPIs of `GET /api/reports/kpis`
 * for one site or all, over a period, with the benchmarks beside the figures and drawn on the
 * chart; sensors link to their history page. Definitions: docs/kpis.md.
 */
import type { ReactNode } from 'react';
import { CartesianGrid, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import type { Facility } from '../../../contract/facility.ts';
import {
  ACCEPTABLE_AVG_PER_10_MIN,
  ACCEPTABLE_PEAK_PER_10_MIN,
  RECOMMENDED_PRIORITY_SHARE,
  type KpiFrequentAlarm,
  type KpiLongAlarm,
  type KpiReport,
  type KpiResponseTime,
} from '../../../contract/kpi.ts';
import { AdminTable } from '../admin/admin.kit.tsx';
import { ClassChip } from '../components/ClassChip.tsx';
import { fetchKpis } from '../api/kpi.api.ts';
import { timeAxisProps, tooltipFrameProps } from '../components/chart.axes.ts';
import { PageShell } from '../components/PageShell.tsx';
import { PriorityBadge } from '../components/PriorityBadge.tsx';
import type { FacilityIndex } from '../domain/facility.index.ts';
import { downloadCsv } from '../format/download.ts';
import { conditionLabel } from '../i18n/alarm.labels.ts';
import type { MessageKey } from '../i18n/dictionary.ts';
import { useI18n } from '../i18n/I18nContext.ts';
import { pluralOf } from '../i18n/messages.queue.ts';
import { ReportFilters } from '../reports/ReportFilters.tsx';
import { useRangedReport } from '../reports/useRangedReport.ts';
import { kpiCsv } from './kpi.csv.ts';
import '../styles/kpi.css';

interface KpiPageProps {
  facility: Facility;
  index: FacilityIndex;
  /** Sections other reports add below the KPIs (the safety report's overdue drills). */
  extraSections?: ReactNode;
}

const pct = (share: number | null): string => (share === null ? '–' : `${Math.round(share * 1000) / 10} %`);

export function KpiPage({ facility, index, extraSections }: KpiPageProps) {
  const { t, fmt, duration, locale } = useI18n();
  const { range, setRange, site, setSite, load, reload } = useRangedReport('7d', fetchKpis);
  const k = load.kind === 'ready' ? load.value : null;

  return (
    <PageShell
      className="admin-page"
      label={t('nav.kpis')}
      testId="kpi-page"
      title={t('kpi.title')}
      refresh={{ label: t('kpi.refresh'), onRefresh: reload }}
      intro={t('kpi.intro')}
    >
      <ReportFilters facility={facility} range={range} onRange={setRange} site={site} onSite={setSite} siteTestId="kpi-site">
        <button
          type="button"
          className="btn"
          disabled={k === null}
          onClick={() => k && downloadCsv(kpiCsv(k), `vigil-kpis-${k.siteId ?? 'all'}-${new Date(k.from).toISOString().slice(0, 10)}.csv`)}
        >
          {t('kpi.csv')}
        </button>
      </ReportFilters>
      {load.kind === 'loading' ? <p className="log__message">{t('kpi.loading')}</p> : null}
      {load.kind === 'error' ? <p className="log__message detail__error">{t('kpi.error', { msg: load.message })}</p> : null}
      {k ? (
        <>
          <p className="drills__muted" data-testid="kpi-period">
            {t(`kpi.period.${pluralOf(locale, k.positions)}`, { from: fmt.dateTime(k.from), to: fmt.dateTime(k.to), n: k.positions })}
          </p>
          <RateSection k={k} siteName={(id) => index.sitesById.get(id)?.name ?? id} />
          <div className="admin-page__pair">
            <FrequentTable title={t('kpi.top')} rows={k.topAlarms} testId="kpi-top" index={index} />
            <FrequentTable title={t('kpi.chattering')} rows={k.chattering} testId="kpi-chattering" index={index} />
          </div>
          <div className="admin-page__pair">
            <LongTable title={t('kpi.standing')} rows={k.standing} testId="kpi-standing" index={index} />
            <LongTable title={t('kpi.stale')} rows={k.stale} testId="kpi-stale" index={index} />
          </div>
          <div className="admin-page__pair">
            <KpiTable
              title={t('kpi.shelved')}
              testId="kpi-shelved"
              head={['kpi.col.sensor', 'kpi.col.condition', 'kpi.col.by', 'kpi.col.reason', 'kpi.col.until']}
              rows={k.shelved.map((s) => ({
                key: s.alarmId,
                cells: [
                  <SensorLink key="s" id={s.sensorId} index={index} />,
                  <Condition key="c" condition={s.condition} />,
                  s.by,
                  s.reason,
                  fmt.dateTime(s.until),
                ],
              }))}
            />
            <KpiTable
              title={t('kpi.outOfService')}
              testId="kpi-out-of-service"
              head={['kpi.col.sensor', 'kpi.col.by', 'kpi.col.reason', 'kpi.col.since', 'kpi.col.until']}
              rows={k.outOfService.map((s) => ({
                key: s.sensorId,
                cells: [
                  <SensorLink key="s" id={s.sensorId} index={index} />,
                  s.by,
                  s.reason,
                  fmt.dateTime(s.since),
                  s.until === null ? t('kpi.noEnd') : fmt.dateTime(s.until),
                ],
              }))}
            />
          </div>
          <div className="admin-page__pair">
            <TimesTable title={t('kpi.ack')} rows={k.ack} testId="kpi-ack" />
            <TimesTable title={t('kpi.resolve')} rows={k.resolve} testId="kpi-resolve" />
          </div>
          <PrioritySection k={k} />
          <KpiTable
            title={t('reports.byClass')}
            testId="kpi-classes"
            head={['reports.col.class', 'kpi.col.count', 'kpi.col.share']}
            rows={k.classes.map((c) => ({ key: c.class, cells: [<ClassChip key="c" signal={c.class} />, c.count, pct(c.share)] }))}
          />
          <KpiTable
            title={t('kpi.availability')}
            testId="kpi-availability"
            head={['kpi.col.sensor', 'kpi.col.available', 'kpi.col.down']}
            rows={k.availability.map((a) => ({
              key: a.sensorId,
              cells: [<SensorLink key="s" id={a.sensorId} index={index} />, pct(a.available), a.unavailableS === 0 ? '–' : duration(a.unavailableS * 1000)],
            }))}
          />
        </>
      ) : null}
      {extraSections === undefined ? null : <div data-testid="kpi-extra">{extraSections}</div>}
    </PageShell>
  );
}

function RateSection({ k, siteName }: { k: KpiReport; siteName: (id: string) => string }) {
  const { t, fmt, timeZone, duration } = useI18n();
  const r = k.rate;
  const verdict = (ok: boolean) => <span className={ok ? 'kpi__ok' : 'kpi__over'}>{t(ok ? 'kpi.bench.ok' : 'kpi.bench.over')}</span>;
  return (
    <section className="admin-page__section" aria-label={t('kpi.rate')}>
      <h3 className="admin-page__heading">{t('kpi.rate')}</h3>
      <dl className="kpi__figures" data-testid="kpi-rate">
        <div>
          <dt>{t('kpi.rate.avg10')}</dt>
          <dd data-testid="kpi-avg10">{r.avgPer10Min}</dd>
          <dd title={t('kpi.bench.avg', { n: ACCEPTABLE_AVG_PER_10_MIN })}>{verdict(r.avgPer10Min <= ACCEPTABLE_AVG_PER_10_MIN)}</dd>
        </div>
        <div>
          <dt>{t('kpi.rate.peak10')}</dt>
          <dd data-testid="kpi-peak10">{r.peakPer10Min}</dd>
          <dd title={t('kpi.bench.peak', { n: ACCEPTABLE_PEAK_PER_10_MIN })}>{verdict(r.peakPer10Min <= ACCEPTABLE_PEAK_PER_10_MIN)}</dd>
        </div>
        <div>
          <dt>{t('kpi.rate.avgHour')}</dt>
          <dd>{r.avgPerHour}</dd>
        </div>
        <div>
          <dt>{t('kpi.rate.peakHour')}</dt>
          <dd>{r.peakPerHour}</dd>
        </div>
        <div>
          <dt>{t('kpi.rate.flood')}</dt>
          <dd data-testid="kpi-flood">{pct(r.floodShare)}</dd>
        </div>
        <div>
          <dt>{t('kpi.rate.alarms')}</dt>
          <dd data-testid="kpi-alarms">{r.alarms}</dd>
        </div>
      </dl>
      <p className="drills__muted">
        {t('kpi.bench.avg', { n: ACCEPTABLE_AVG_PER_10_MIN })} · {t('kpi.bench.peak', { n: ACCEPTABLE_PEAK_PER_10_MIN })}
      </p>
      <h4 className="admin-page__heading">{t('kpi.chart', { step: duration(k.seriesStepMs) })}</h4>
      <div className="kpi__chart" data-testid="kpi-chart">
        <LineChart data={k.series} responsive style={{ width: '100%', height: '100%' }} margin={{ top: 12, right: 8, bottom: 4, left: 0 }}>
          <CartesianGrid stroke="var(--chart-grid)" strokeDasharray="3 4" />
          <XAxis {...timeAxisProps(k.from, k.to, fmt, timeZone)} padding={{ left: 6, right: 6 }} />
          <YAxis
            allowDecimals={false}
            stroke="var(--text-muted)"
            tick={{ fill: 'var(--text-muted)' }}
            width={40}
            domain={[0, (max: number) => Math.max(max, ACCEPTABLE_PEAK_PER_10_MIN + 1)]}
          />
          <Tooltip {...tooltipFrameProps(fmt)} formatter={(v) => [String(v), t('kpi.chart.peak')]} />
          <ReferenceLine
            y={ACCEPTABLE_AVG_PER_10_MIN}
            stroke="var(--state-normal)"
            strokeDasharray="6 3"
            label={{ value: t('kpi.chart.avgLine'), position: 'insideTopLeft' }}
          />
          <ReferenceLine
            y={ACCEPTABLE_PEAK_PER_10_MIN}
            stroke="var(--state-alarm)"
            strokeDasharray="6 3"
            label={{ value: t('kpi.chart.peakLine'), position: 'insideTopLeft' }}
          />
          {/* A step line, not bars: it shares the history charts' Recharts code, which keeps the
              dashboard's JavaScript within its budget (test/e2e/figures.real.test.ts). */}
          <Line type="stepAfter" dataKey="peakPer10Min" name={t('kpi.chart.peak')} stroke="var(--chart-line)" dot={false} isAnimationActive={false} />
        </LineChart>
      </div>
      {k.sites.length > 1 ? (
        <KpiTable
          title={t('kpi.sites')}
          testId="kpi-sites"
          head={['kpi.col.site', 'kpi.rate.alarms', 'kpi.rate.avg10', 'kpi.rate.peak10', 'kpi.rate.avgHour', 'kpi.rate.peakHour', 'kpi.rate.flood']}
          rows={k.sites.map((s) => ({
            key: s.siteId,
            cells: [siteName(s.siteId), s.alarms, s.avgPer10Min, s.peakPer10Min, s.avgPerHour, s.peakPerHour, pct(s.floodShare)],
          }))}
        />
      ) : null}
    </section>
  );
}

function PrioritySection({ k }: { k: KpiReport }) {
  const { t } = useI18n();
  const share = (p: string) => k.priorities.find((x) => x.priority === p);
  const lower = (share('medium')?.share ?? 0) + (share('low')?.share ?? 0);
  const lowerCount = (share('medium')?.count ?? 0) + (share('low')?.count ?? 0);
  const rows = [
    {
      key: 'critical',
      label: <PriorityBadge priority="critical" />,
      count: share('critical')?.count ?? 0,
      share: share('critical')?.share ?? 0,
      rec: RECOMMENDED_PRIORITY_SHARE.critical,
    },
    {
      key: 'high',
      label: <PriorityBadge priority="high" />,
      count: share('high')?.count ?? 0,
      share: share('high')?.share ?? 0,
      rec: RECOMMENDED_PRIORITY_SHARE.high,
    },
    { key: 'lower', label: t('kpi.priorities.lower'), count: lowerCount, share: lower, rec: RECOMMENDED_PRIORITY_SHARE.lower },
  ];
  return (
    <KpiTable
      title={t('kpi.priorities')}
      testId="kpi-priorities"
      head={['kpi.col.priority', 'kpi.col.count', 'kpi.col.share', 'kpi.col.recommended']}
      rows={rows.map((r) => ({ key: r.key, cells: [r.label, r.count, pct(r.share), pct(r.rec)] }))}
    />
  );
}

function SensorLink({ id, index }: { id: string; index: FacilityIndex }) {
  const { t } = useI18n();
  const name = index.sensorsById.get(id)?.name ?? id;
  return (
    <a href={`#/sensor/${encodeURIComponent(id)}`} title={t('kpi.history', { name })}>
      {name}
      {name !== id ? <span className="log-table__sensor">{id}</span> : null}
    </a>
  );
}

function Condition({ condition }: { condition: string }) {
  const { locale } = useI18n();
  return <>{conditionLabel(condition, locale)}</>;
}

function FrequentTable({ title, rows, testId, index }: { title: string; rows: KpiFrequentAlarm[]; testId: string; index: FacilityIndex }) {
  return (
    <KpiTable
      title={title}
      testId={testId}
      head={['kpi.col.sensor', 'kpi.col.condition', 'kpi.col.priority', 'kpi.col.count', 'kpi.col.perMinute']}
      rows={rows.map((a) => ({
        key: `${a.sensorId}/${a.condition}`,
        cells: [
          <SensorLink key="s" id={a.sensorId} index={index} />,
          <Condition key="c" condition={a.condition} />,
          <PriorityBadge key="p" priority={a.priority} />,
          a.count,
          a.maxPerMinute,
        ],
      }))}
    />
  );
}

function LongTable({ title, rows, testId, index }: { title: string; rows: KpiLongAlarm[]; testId: string; index: FacilityIndex }) {
  const { fmt, duration } = useI18n();
  return (
    <KpiTable
      title={title}
      testId={testId}
      head={['kpi.col.sensor', 'kpi.col.condition', 'kpi.col.priority', 'kpi.col.since', 'kpi.col.duration']}
      rows={rows.map((a) => ({
        key: a.alarmId,
        cells: [
          <SensorLink key="s" id={a.sensorId} index={index} />,
          <Condition key="c" condition={a.condition} />,
          <PriorityBadge key="p" priority={a.priority} />,
          fmt.dateTime(a.since),
          duration(a.durationS * 1000),
        ],
      }))}
    />
  );
}

function TimesTable({ title, rows, testId }: { title: string; rows: KpiResponseTime[]; testId: string }) {
  const { duration } = useI18n();
  const secs = (s: number | null) => (s === null ? '–' : duration(s * 1000));
  return (
    <KpiTable
      title={title}
      testId={testId}
      head={['kpi.col.priority', 'kpi.col.count', 'kpi.col.median', 'kpi.col.p90', 'kpi.col.target', 'kpi.col.within']}
      rows={rows.map((r) => ({
        key: r.priority,
        cells: [<PriorityBadge key="p" priority={r.priority} />, r.count, secs(r.medianS), secs(r.p90S), secs(r.targetS), pct(r.withinTarget)],
      }))}
    />
  );
}

/** A titled table of the page; "None." when empty. The first cell of a row is its heading, the others figures. */
function KpiTable({ title, testId, head, rows }: { title: string; testId: string; head: MessageKey[]; rows: { key: string; cells: ReactNode[] }[] }) {
  const { t } = useI18n();
  return (
    <section className="admin-page__section" aria-label={title} data-testid={testId}>
      <h3 className="admin-page__heading">{title}</h3>
      {rows.length === 0 ? (
        <p className="drills__muted">{t('kpi.none')}</p>
      ) : (
        <AdminTable columns={head.map((key, i) => (i === 0 ? key : { key, className: 'admin-table__num' }))}>
          {rows.map((r) => (
            <tr key={r.key}>
              {r.cells.map((c, i) =>
                i === 0 ? (
                  <th key={i} scope="row">
                    {c}
                  </th>
                ) : (
                  <td key={i} className="admin-table__num">
                    {c}
                  </td>
                ),
              )}
            </tr>
          ))}
        </AdminTable>
      )}
    </section>
  );
}
