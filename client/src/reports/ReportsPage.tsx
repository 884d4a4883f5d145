/**
 * Reports (managers): alarm statistics per zone and per alarm type over a period, drills never
 * counted (`GET /api/reports/alarms`). The figure columns come from report.columns.ts, so a new
 * figure is added there, not here.
 */
import type { AlarmStatsResponse, AlarmStatsRow } from '../../../contract/api.ts';
import type { Facility } from '../../../contract/facility.ts';
import { fetchAlarmStats } from '../api/report.api.ts';
import { PageShell } from '../components/PageShell.tsx';
import type { FacilityIndex } from '../domain/facility.index.ts';
import { conditionLabel } from '../i18n/alarm.labels.ts';
import { useI18n } from '../i18n/I18nContext.ts';
import { cellText, COLUMNS } from './report.columns.ts';
import { ReportFilters } from './ReportFilters.tsx';
import { useRangedReport } from './useRangedReport.ts';

export function ReportsPage({ facility, index }: { facility: Facility; index: FacilityIndex }) {
  const { t, fmt, locale } = useI18n();
  const { range, setRange, site, setSite, load, reload } = useRangedReport('30d', fetchAlarmStats);

  const zoneName = (row: AlarmStatsRow): string => {
    const zone = index.zoneOf(row.siteId, row.zoneId)?.zone.name ?? row.zoneId;
    return facility.sites.length > 1 ? `${index.sitesById.get(row.siteId)?.name ?? row.siteId} · ${zone}` : zone;
  };
  const sensorName = (id: string): string => index.sensorsById.get(id)?.name ?? id;

  return (
    <PageShell
      className="admin-page"
      label={t('nav.reports')}
      testId="reports-page"
      title={t('reports.title')}
      refresh={{ label: t('reports.refresh'), onRefresh: reload }}
      intro={t('reports.intro')}
    >
      <ReportFilters facility={facility} range={range} onRange={setRange} site={site} onSite={setSite} />
      {load.kind === 'loading' ? <p className="log__message">{t('reports.loading')}</p> : null}
      {load.kind === 'error' ? <p className="log__message detail__error">{t('reports.error', { msg: load.message })}</p> : null}
      {load.kind === 'ready' ? (
        <>
          <p className="drills__muted" data-testid="reports-period">
            {t('reports.period', { from: fmt.dateTime(load.value.from), to: fmt.dateTime(load.value.to) })}
          </p>
          {load.value.total.alarms === 0 ? <p className="log__message">{t('reports.empty')}</p> : null}
          <StatsTable
            title={t('reports.byZone')}
            firstColumn={t('reports.col.zone')}
            rows={[...load.value.byZone.map((r) => ({ key: `${r.siteId}/${r.zoneId}`, label: zoneName(r), row: r })), totalRow(load.value, t('reports.total'))]}
            testId="reports-by-zone"
          />
          <StatsTable
            title={t('reports.byCondition')}
            firstColumn={t('reports.col.condition')}
            rows={load.value.byCondition.map((r) => ({ key: r.condition, label: conditionLabel(r.condition, locale), row: r }))}
            testId="reports-by-condition"
          />
          {load.value.byClass ? (
            <StatsTable
              title={t('reports.byClass')}
              firstColumn={t('reports.col.class')}
              rows={load.value.byClass.map((r) => ({ key: r.class, label: t(`class.${r.class}`), row: r }))}
              testId="reports-by-class"
            />
          ) : null}
          <div className="admin-page__pair">
            <CountTable
              title={t('reports.topSensors')}
              column={t('reports.col.alarms')}
              rows={load.value.topSensors.map((s) => ({ key: s.sensorId, label: sensorName(s.sensorId), n: s.alarms }))}
            />
            <CountTable
              title={t('reports.offlineSensors')}
              column={t('reports.col.times')}
              rows={load.value.offlineSensors.map((s) => ({ key: s.sensorId, label: sensorName(s.sensorId), n: s.times }))}
            />
          </div>
        </>
      ) : null}
    </PageShell>
  );
}

interface LabelledRow {
  key: string;
  label: string;
  row: AlarmStatsRow;
}

/** The period's totals as the last row of the zone table. */
function totalRow(body: AlarmStatsResponse, label: string): LabelledRow {
  return { key: '*', label, row: body.total };
}

function StatsTable({ title, firstColumn, rows, testId }: { title: string; firstColumn: string; rows: LabelledRow[]; testId: string }) {
  const { t, duration } = useI18n();
  return (
    <section className="admin-page__section" aria-label={title}>
      <h3 className="admin-page__heading">{title}</h3>
      <div className="log__table-wrap">
        <table className="log-table admin-table" data-testid={testId}>
          <thead>
            <tr>
              <th scope="col">{firstColumn}</th>
              {COLUMNS.map((c) => (
                <th key={c.label} scope="col" title={t(c.hint)} className="admin-table__num">
                  {t(c.label)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map(({ key, label, row }) => (
              <tr key={key} className={key === '*' ? 'admin-table__total' : undefined}>
                <th scope="row">{label}</th>
                {COLUMNS.map((c) => (
                  <td key={c.label} className="admin-table__num">
                    {cellText(c, row, duration)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function CountTable({ title, column, rows }: { title: string; column: string; rows: { key: string; label: string; n: number }[] }) {
  const { t } = useI18n();
  return (
    <section className="admin-page__section" aria-label={title}>
      <h3 className="admin-page__heading">{title}</h3>
      {rows.length === 0 ? (
        <p className="drills__muted">{t('admin.empty')}</p>
      ) : (
        <table className="log-table admin-table">
          <thead>
            <tr>
              <th scope="col">{t('reports.col.sensor')}</th>
              <th scope="col" className="admin-table__num">
                {column}
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.key}>
                <th scope="row">
                  {r.label}
                  {r.label !== r.key ? <span className="log-table__sensor">{r.key}</span> : null}
                </th>
                <td className="admin-table__num">{r.n}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
