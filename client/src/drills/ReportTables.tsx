/** The drill report's tables: one row per expected alarm, then the alarms nobody expected. */
import type { Alarm } from '../../../contract/alarm.ts';
import type { DrillReport } from '../../../contract/drill.ts';
import { PriorityBadge } from '../components/PriorityBadge.tsx';
import type { FacilityIndex } from '../domain/facility.index.ts';
import { conditionLabel } from '../i18n/alarm.labels.ts';
import { useI18n } from '../i18n/I18nContext.ts';
import { formatSeconds, formatTarget, MARK_SYMBOL, reportRows, unexpectedRows, type Mark, type ReportRow } from './drill.report.ts';

export function ExpectedAlarmsTable({ report, index }: { report: DrillReport; index: FacilityIndex }) {
  const { t, locale } = useI18n();
  const rows = reportRows(report, index, locale);
  return (
    <div className="report__table-wrap">
      <table className="report-table" data-testid="report-expected">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">{t('report.col.where')}</th>
            <th scope="col">{t('report.col.condition')}</th>
            <th scope="col">{t('report.col.priority')}</th>
            <th scope="col">{t('report.col.outcome')}</th>
            <th scope="col">{t('report.col.display', { s: formatTarget(report.targets.displayS, t) })}</th>
            <th scope="col">{t('report.col.ack')}</th>
            <th scope="col">{t('report.col.resolution')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <ExpectedRow key={row.key} n={i + 1} row={row} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ExpectedRow({ n, row }: { n: number; row: ReportRow }) {
  const { t, locale } = useI18n();
  const sensorId = row.where.kind === 'sensor' ? row.where.id : undefined;
  return (
    <tr
      className={`report-table__row${row.outcome === 'missed' ? ' report-table__row--missed' : ''}`}
      data-outcome={row.outcome}
      data-condition={row.condition}
      data-sensor-id={sensorId}
      data-display={row.display.mark}
      data-ack={row.ack.mark}
    >
      <td className="report-table__n">{n}</td>
      <td>
        {row.where.kind === 'sensor' ? (
          <>
            <span className="report-table__strong">{row.where.name}</span>
            <span className="report-table__sub">{[row.where.id, row.where.zone].filter(Boolean).join(' · ')}</span>
          </>
        ) : (
          <span className="report-table__strong">{t('report.zone', { zone: row.where.zone })}</span>
        )}
      </td>
      <td>{conditionLabel(row.condition, locale)}</td>
      <td>
        {row.priority ? <PriorityBadge priority={row.priority} /> : '—'}
        {row.expectedPriority ? <span className="report-table__sub">{t('report.expectedPriority', { p: t(`priority.${row.expectedPriority}`) })}</span> : null}
      </td>
      <td>
        <Outcome row={row} />
      </td>
      <td>{row.raised ? <Figure seconds={row.display.seconds} mark={row.display.mark} /> : '—'}</td>
      <td>
        {row.raised ? (
          <>
            <AckFigure row={row} />
            <span className="report-table__sub">
              {[row.ack.by ? t('report.by', { who: row.ack.by }) : null, t('report.ackTarget', { s: formatTarget(row.ack.targetS, t) })]
                .filter(Boolean)
                .join(' · ')}
            </span>
          </>
        ) : (
          '—'
        )}
      </td>
      <td className="report-table__num">
        {!row.raised
          ? '—'
          : row.closedByDrillEnd
            ? t('report.closedByDrillEnd')
            : row.resolvedS === null
              ? t('report.notResolved')
              : formatSeconds(row.resolvedS, t)}
      </td>
    </tr>
  );
}

/** Raised, missed, pending (the drill runs, its time has not come) or not played (the drill ended first). */
function Outcome({ row }: { row: ReportRow }) {
  const { t, fmt } = useI18n();
  switch (row.outcome) {
    case 'raised':
      return (
        <span className="report-outcome report-outcome--raised">
          {MARK_SYMBOL.pass} {t('report.outcome.raised', { time: row.raisedAt === null ? '—' : fmt.time(row.raisedAt) })}
        </span>
      );
    case 'missed':
      return (
        <span className="report-outcome report-outcome--missed">
          {MARK_SYMBOL.fail} {t('report.outcome.missed')}
        </span>
      );
    case 'pending':
      return (
        <span className="report-outcome report-outcome--pending">
          {MARK_SYMBOL.none} {t('report.outcome.pending', { time: row.dueAt === null ? '—' : fmt.time(row.dueAt) })}
        </span>
      );
    case 'not_played':
      return (
        <span className="report-outcome report-outcome--not-played">
          {MARK_SYMBOL.none} {t('report.outcome.notPlayed')}
        </span>
      );
    default:
      return row.outcome satisfies never;
  }
}

/** An acknowledgement is judged only once its target has passed: until then it is pending, not "not acknowledged". */
function AckFigure({ row }: { row: ReportRow }) {
  const { t } = useI18n();
  switch (row.ack.outcome) {
    case 'pending':
      return <MarkText mark="none" text={t('report.ackPending')} />;
    case 'not_played':
      return <MarkText mark="none" text={t('report.ackNotPlayed')} />;
    case 'not_acked':
      return <MarkText mark="fail" text={t('report.notAcked')} />;
    case 'in_time':
    case 'late':
    case null:
      return <Figure seconds={row.ack.seconds} mark={row.ack.mark} />;
    default:
      return row.ack.outcome satisfies never;
  }
}

/** A time and its mark in words: "0.4 s ✓ within target". */
function Figure({ seconds, mark }: { seconds: number | null; mark: Mark }) {
  const { t } = useI18n();
  if (seconds === null) return <span className="report-mark report-mark--none">{t('report.notMeasured')}</span>;
  return (
    <span className="report-figure">
      <span className="report-table__num">{formatSeconds(seconds, t)}</span> {mark === 'none' ? null : <MarkText mark={mark} text={t(`report.mark.${mark}`)} />}
    </span>
  );
}

function MarkText({ mark, text }: { mark: Mark; text: string }) {
  return (
    <span className={`report-mark report-mark--${mark}`} data-mark={mark}>
      {MARK_SYMBOL[mark]} {text}
    </span>
  );
}

export function UnexpectedAlarmsTable({ alarms, index }: { alarms: readonly Alarm[]; index: FacilityIndex }) {
  const { t, fmt, locale } = useI18n();
  return (
    <div className="report__table-wrap">
      <table className="report-table" data-testid="report-unexpected">
        <thead>
          <tr>
            <th scope="col">{t('report.col.raisedAt')}</th>
            <th scope="col">{t('report.col.where')}</th>
            <th scope="col">{t('report.col.condition')}</th>
            <th scope="col">{t('report.col.priority')}</th>
            <th scope="col">{t('report.col.acked')}</th>
          </tr>
        </thead>
        <tbody>
          {unexpectedRows(alarms, index, locale).map((row) => (
            <tr key={row.id} className="report-table__row" data-condition={row.condition}>
              <td className="report-table__num">{fmt.time(row.raisedAt)}</td>
              <td>{row.where}</td>
              <td>{conditionLabel(row.condition, locale)}</td>
              <td>
                <PriorityBadge priority={row.priority} />
              </td>
              <td>{row.ackS === null ? t('report.notAcked') : `${formatSeconds(row.ackS, t)} · ${t('report.by', { who: row.ackedBy ?? '—' })}`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
