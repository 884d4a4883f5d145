/** The zone's sensors on one time axis, one value axis per unit. Loaded lazily with Recharts. */
import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { Sensor } from '../../../contract/facility.ts';
import type { ZoneChartData } from '../domain/zone.series.ts';
import { useI18n } from '../i18n/I18nContext.ts';
import { timeAxisProps, tooltipFrameProps } from './chart.axes.ts';

/** Distinct hues that stay apart on both themes; the legend names each line in text. */
const LINE_COLORS = ['var(--chart-line)', '#e8a33d', '#c678dd', '#3fc1a5', '#ef6f6c', '#9aa5b8', '#f2d15c', '#6c8cff'];

interface ZoneChartProps {
  data: ZoneChartData;
  sensors: ReadonlyMap<string, Sensor>;
  from: number;
  to: number;
}

export default function ZoneChart({ data, sensors, from, to }: ZoneChartProps) {
  const { fmt, timeZone } = useI18n();
  const ids = data.axes.flatMap((a) => a.sensorIds);
  return (
    <LineChart className="chart" data={data.rows} responsive style={{ width: '100%', height: '100%' }} margin={{ top: 12, right: 8, bottom: 4, left: 0 }}>
      <CartesianGrid stroke="var(--chart-grid)" strokeDasharray="3 4" />
      <XAxis {...timeAxisProps(from, to, fmt, timeZone)} />
      {data.axes.map((axis, i) => (
        <YAxis
          key={axis.axisId}
          yAxisId={axis.axisId}
          orientation={i % 2 === 0 ? 'left' : 'right'}
          hide={i > 1}
          stroke="var(--text-muted)"
          tick={{ fill: 'var(--text-muted)' }}
          width={56}
          label={{ value: axis.unit, angle: -90, position: i % 2 === 0 ? 'insideLeft' : 'insideRight', fill: 'var(--text-muted)' }}
        />
      ))}
      <Tooltip
        {...tooltipFrameProps(fmt)}
        formatter={(value, _name, item) => {
          const sensor = sensors.get(String(item.dataKey));
          return [`${Number(value)} ${sensor?.unit ?? ''}`, sensor?.name ?? String(item.dataKey)];
        }}
      />
      <Legend formatter={(id: string) => sensors.get(id)?.name ?? id} />
      {data.axes.flatMap((axis) =>
        axis.sensorIds.map((id) => (
          <Line
            key={id}
            yAxisId={axis.axisId}
            dataKey={id}
            name={id}
            stroke={LINE_COLORS[ids.indexOf(id) % LINE_COLORS.length]}
            strokeWidth={2.25}
            dot={false}
            connectNulls
            isAnimationActive={false}
          />
        )),
      )}
    </LineChart>
  );
}
