/**
 * A sensor's history: the value line, the min–max band of aggregated buckets, the sensor's
 * thresholds, its alarms, optionally the previous period and drag-to-zoom. Loaded lazily:
 * Recharts is the biggest dependency and only the history views need it.
 */
import { useMemo, useRef, useState, type PointerEvent } from 'react';
import { Area, CartesianGrid, ComposedChart, Line, ReferenceArea, ReferenceDot, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import type { Thresholds } from '../../../contract/facility.ts';
import type { AlarmPeriod } from '../domain/alarm.periods.ts';
import { valueDomain } from '../domain/chart.data.ts';
import type { ChartPoint } from '../hooks/useReadings.ts';
import { useI18n } from '../i18n/I18nContext.ts';
import { timeAxisProps, tooltipFrameProps } from './chart.axes.ts';

export interface HistoryChartProps {
  points: ChartPoint[];
  from: number;
  to: number;
  unit: string;
  thresholds: Thresholds | null;
  /** Shaded bands where the sensor was in alarm. */
  alarmPeriods?: readonly AlarmPeriod[];
  /** The previous period's points, already moved onto [from, to]. */
  compare?: readonly ChartPoint[];
  /** Called with the time range dragged across the chart; without it the chart does not zoom. */
  onZoom?: (from: number, to: number) => void;
  /** Time labels to aim for: more on a wide chart. */
  maxTicks?: number;
}

/** Band colour per priority; drills get a hatched look through a lower opacity and a dashed edge. */
const PERIOD_COLOR = { critical: 'var(--prio-critical)', high: 'var(--prio-high)', medium: 'var(--prio-medium)', low: 'var(--prio-low)' } as const;
const MARGIN = { top: 12, right: 16, bottom: 4, left: 0 };
const Y_AXIS_WIDTH = 48;
/** Few enough points to draw each one: a line through two points of a year says little. */
const DOTS_UP_TO = 60;
/** Markers for clipped values beyond this many would hide the chart; the first ones carry the point. */
const MAX_CLIP_MARKS = 40;
/** A drag shorter than this many pixels is a click, not a zoom. */
const MIN_DRAG_PX = 6;

export default function HistoryChart({ points, from, to, unit, thresholds, alarmPeriods = [], compare, onZoom, maxTicks }: HistoryChartProps) {
  const { t, fmt, timeZone } = useI18n();
  const span = to - from;
  const format = (v: number): string => `${formatValue(v)} ${unit}`;
  const aggregated = points.some((p) => p.band !== undefined);
  const y = useMemo(() => valueDomain(compare ? [...points, ...compare] : points, thresholds), [points, compare, thresholds]);
  const frame = useRef<HTMLDivElement>(null);
  const [drag, setDrag] = useState<{ startPx: number; start: number; end: number } | null>(null);

  /** The time under the pointer: the plot spans the frame minus the value axis and the margins. */
  function timeAt(clientX: number): number {
    const box = frame.current?.getBoundingClientRect();
    if (!box) return from;
    const left = box.left + MARGIN.left + Y_AXIS_WIDTH;
    const width = Math.max(1, box.width - MARGIN.left - Y_AXIS_WIDTH - MARGIN.right);
    const share = Math.min(1, Math.max(0, (clientX - left) / width));
    return from + share * span;
  }
  const zoomHandlers = onZoom
    ? {
        onPointerDown: (e: PointerEvent<HTMLDivElement>) => {
          if (e.button !== 0) return;
          const at = timeAt(e.clientX);
          // A drag that leaves the chart still ends where the button is released, clamped to the range.
          e.currentTarget.setPointerCapture(e.pointerId);
          setDrag({ startPx: e.clientX, start: at, end: at });
        },
        onPointerMove: (e: PointerEvent<HTMLDivElement>) => {
          if (drag) setDrag({ ...drag, end: timeAt(e.clientX) });
        },
        onPointerUp: (e: PointerEvent<HTMLDivElement>) => {
          if (!drag) return;
          const end = timeAt(e.clientX);
          setDrag(null);
          if (Math.abs(e.clientX - drag.startPx) >= MIN_DRAG_PX) onZoom(Math.round(Math.min(drag.start, end)), Math.round(Math.max(drag.start, end)));
        },
        onPointerCancel: () => setDrag(null),
      }
    : {};

  return (
    <div ref={frame} className={onZoom ? 'chart-frame chart-frame--zoom' : 'chart-frame'} style={{ width: '100%', height: '100%' }} {...zoomHandlers}>
      <ComposedChart className="chart" data={points} responsive style={{ width: '100%', height: '100%' }} margin={MARGIN}>
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
        <XAxis {...timeAxisProps(from, to, fmt, timeZone, maxTicks)} />
        <YAxis
          domain={y.domain}
          allowDataOverflow
          stroke="var(--text-muted)"
          tick={{ fill: 'var(--text-muted)' }}
          tickFormatter={formatValue}
          width={Y_AXIS_WIDTH}
        />
        <Tooltip
          {...tooltipFrameProps(fmt)}
          labelStyle={{ color: 'var(--text)' }}
          formatter={(value, name) => [Array.isArray(value) ? value.map((x) => format(Number(x))).join(' – ') : format(Number(value)), name]}
        />
        {aggregated ? <Area dataKey="band" name={t('chart.band')} stroke="none" fill="var(--chart-band)" isAnimationActive={false} activeDot={false} /> : null}
        {compare ? (
          <Line
            data={[...compare]}
            dataKey="value"
            name={t('charts.previous')}
            stroke="var(--text-muted)"
            strokeWidth={1.5}
            strokeDasharray="5 4"
            dot={compare.length <= DOTS_UP_TO ? { r: 2 } : false}
            isAnimationActive={false}
            className="chart__previous"
          />
        ) : null}
        <Line
          dataKey="value"
          name={aggregated ? t('chart.mean') : t('chart.value')}
          stroke="var(--chart-line)"
          strokeWidth={2.5}
          dot={points.length <= DOTS_UP_TO ? { r: 3, fill: 'var(--chart-line)' } : false}
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
              label={{ value: t('chart.low', { v: `${thresholds.low} ${unit}` }), position: 'insideTopLeft', fill: 'var(--state-pre-alarm)' }}
            />
            <ReferenceLine
              y={thresholds.high}
              stroke="var(--state-alarm)"
              strokeDasharray="8 5"
              strokeWidth={2}
              label={{ value: t('chart.high', { v: `${thresholds.high} ${unit}` }), position: 'insideTopLeft', fill: 'var(--state-alarm)' }}
            />
          </>
        ) : null}
        {/* Values beyond the axis (a spike kept from flattening the chart) sit on its edge, labelled with their real value. */}
        {y.clipped.slice(0, MAX_CLIP_MARKS).map((c) => (
          <ReferenceDot
            key={`${c.t}-${c.edge}`}
            x={c.t}
            y={c.edge === 'high' ? y.domain[1] : y.domain[0]}
            r={5}
            fill="var(--state-alarm)"
            stroke="var(--surface)"
            ifOverflow="visible"
            className="chart__clipped"
            label={{
              value: `${c.edge === 'high' ? '▲' : '▼'} ${format(c.value)}`,
              position: c.edge === 'high' ? 'bottom' : 'top',
              fill: 'var(--text)',
              fontSize: '0.8em',
            }}
          />
        ))}
        {drag ? (
          <ReferenceArea
            x1={Math.min(drag.start, drag.end)}
            x2={Math.max(drag.start, drag.end)}
            fill="var(--chart-line)"
            fillOpacity={0.15}
            ifOverflow="hidden"
          />
        ) : null}
      </ComposedChart>
    </div>
  );
}

function formatValue(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2).replace(/\.?0+$/, '') || '0';
}
