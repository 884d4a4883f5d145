/**
 * A sensor's history: the value line, the min–max band of aggregated buckets, and the
 * sensor's thresholds. Loaded lazily: Recharts is the biggest dependency and only the sensor
 * panel needs it.
 */
import { Area, CartesianGrid, ComposedChart, Line, ReferenceArea, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import type { Thresholds } from '../../../contract/facility.ts';
import type { AlarmPeriod } from '../domain/alarm.periods.ts';
import type { ChartPoint } from '../hooks/useReadings.ts';
import { useI18n } from '../i18n/I18nContext.ts';
import { timeAxisProps, tooltipFrameProps } from './chart.axes.ts';

export interface HistoryChartProps {
  points: ChartPoint[];
  from: number;
  to: number;
  unit: string;
  thresholds: Thresholds | null;
  aggregated: boolean;
  /** Shaded bands where the sensor was in alarm. */
  alarmPeriods?: readonly AlarmPeriod[];
}

/** Band colour per priority; drills get a hatched look through a lower opacity and a dashed edge. */
const PERIOD_COLOR = { critical: 'var(--prio-critical)', high: 'var(--prio-high)', medium: 'var(--prio-medium)', low: 'var(--prio-low)' } as const;

export default function HistoryChart({ points, from, to, unit, thresholds, aggregated, alarmPeriods = [] }: HistoryChartProps) {
  const { t, fmt } = useI18n();
  const span = to - from;
  const format = (v: number): string => `${formatValue(v)} ${unit}`;

  return (
    <ComposedChart className="chart" data={points} responsive style={{ width: '100%', height: '100%' }} margin={{ top: 12, right: 16, bottom: 4, left: 0 }}>
      <CartesianGrid stroke="var(--chart-grid)" strokeDasharray="3 4" />
      {alarmPeriods.map((p) => (
        <ReferenceArea
          key={p.id}
          x1={p.from}
          x2={Math.max(p.to, p.from + span / 400)}
          fill={PERIOD_COLOR[p.priority]}
          fillOpacity={p.drill ? 0.12 : 0.22}
          stroke={PERIOD_COLOR[p.priority]}
          strokeOpacity={0.7}
          strokeDasharray={p.drill ? '4 4' : undefined}
          ifOverflow="hidden"
          className="chart__alarm-period"
          label={{
            value: p.drill ? `${t('queue.drill')} ${t('chart.alarm')}` : t('chart.alarm'),
            position: 'insideTop',
            fill: 'var(--text)',
            fontSize: '0.8em',
          }}
        />
      ))}
      <XAxis {...timeAxisProps(from, to, fmt)} />
      <YAxis
        domain={[(min: number) => Math.min(0, Math.floor(min)), 'auto']}
        stroke="var(--text-muted)"
        tick={{ fill: 'var(--text-muted)' }}
        tickFormatter={formatValue}
        width={48}
      />
      <Tooltip
        {...tooltipFrameProps(fmt)}
        labelStyle={{ color: 'var(--text)' }}
        formatter={(value, name) => [Array.isArray(value) ? value.map((x) => format(Number(x))).join(' – ') : format(Number(value)), name]}
      />
      {aggregated ? <Area dataKey="band" name={t('chart.band')} stroke="none" fill="var(--chart-band)" isAnimationActive={false} activeDot={false} /> : null}
      <Line
        dataKey="value"
        name={aggregated ? t('chart.mean') : t('chart.value')}
        stroke="var(--chart-line)"
        strokeWidth={2.5}
        dot={false}
        isAnimationActive={false}
        connectNulls={false}
      />
      {thresholds ? (
        <>
          <ReferenceLine
            y={thresholds.low}
            stroke="var(--state-pre-alarm)"
            strokeDasharray="8 5"
            strokeWidth={2}
            ifOverflow="extendDomain"
            label={{ value: t('chart.low', { v: `${thresholds.low} ${unit}` }), position: 'insideTopLeft', fill: 'var(--state-pre-alarm)' }}
          />
          <ReferenceLine
            y={thresholds.high}
            stroke="var(--state-alarm)"
            strokeDasharray="8 5"
            strokeWidth={2}
            ifOverflow="extendDomain"
            label={{ value: t('chart.high', { v: `${thresholds.high} ${unit}` }), position: 'insideTopLeft', fill: 'var(--state-alarm)' }}
          />
        </>
      ) : null}
    </ComposedChart>
  );
}

function formatValue(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2).replace(/\.?0+$/, '') || '0';
}
