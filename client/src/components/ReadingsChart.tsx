/** A sensor's fetched readings as a chart, or the message that stands in for one while there is none. */
import { lazy, Suspense } from 'react';
import type { Thresholds } from '../../../contract/facility.ts';
import type { AlarmPeriod } from '../domain/alarm.periods.ts';
import type { ChartPoint, ReadingsState } from '../hooks/useReadings.ts';
import { useI18n } from '../i18n/I18nContext.ts';

// Recharts is the biggest dependency: loaded only when a chart is first shown.
const HistoryChart = lazy(() => import('./HistoryChart.tsx'));

interface ReadingsChartProps {
  readings: ReadingsState;
  unit: string;
  thresholds: Thresholds | null;
  alarmPeriods: readonly AlarmPeriod[];
  /** The previous period's points on this period's time axis. */
  compare?: readonly ChartPoint[];
  onZoom?: (from: number, to: number) => void;
  maxTicks?: number;
}

export function ReadingsChart({ readings, unit, thresholds, alarmPeriods, compare, onZoom, maxTicks }: ReadingsChartProps) {
  const { t } = useI18n();
  return (
    <>
      {readings.kind === 'loading' ? <p className="history__message">{t('chart.loading')}</p> : null}
      {readings.kind === 'error' ? <p className="history__message history__message--error">{t('chart.error', { msg: readings.message })}</p> : null}
      {readings.kind === 'ready' && readings.points.length === 0 ? <p className="history__message">{t('chart.empty')}</p> : null}
      {readings.kind === 'ready' && readings.points.length > 0 ? (
        <Suspense fallback={<p className="history__message">{t('chart.loading')}</p>}>
          <HistoryChart
            points={readings.points}
            from={readings.from}
            to={readings.to}
            unit={unit}
            thresholds={thresholds}
            alarmPeriods={alarmPeriods}
            compare={compare}
            onZoom={onZoom}
            maxTicks={maxTicks}
          />
        </Suspense>
      ) : null}
    </>
  );
}
