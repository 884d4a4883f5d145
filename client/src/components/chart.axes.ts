/** The time axis and tooltip frame every chart shares, so the sensor and zone charts read alike. */
import type { CSSProperties } from 'react';
import type { XAxisProps } from 'recharts';
import type { TimeFormatters } from '../format/time.format.ts';

/** Rows keyed by `t` (epoch ms) on a time scale fixed to [from, to], ticks labelled for the span. */
export function timeAxisProps(from: number, to: number, fmt: TimeFormatters): XAxisProps {
  const span = to - from;
  return {
    dataKey: 't',
    type: 'number',
    scale: 'time',
    domain: [from, to],
    allowDataOverflow: true,
    tickFormatter: (v: number) => fmt.tick(v, span),
    stroke: 'var(--text-muted)',
    tick: { fill: 'var(--text-muted)' },
    minTickGap: 40,
  };
}

/** The themed tooltip box, headed by the point's date and time in the site's zone. */
export function tooltipFrameProps(fmt: TimeFormatters): { contentStyle: CSSProperties; labelFormatter: (label: unknown) => string } {
  return {
    contentStyle: { background: 'var(--surface-2)', border: '1px solid var(--border)', color: 'var(--text)' },
    labelFormatter: (v) => (typeof v === 'number' ? fmt.dateTime(v) : String(v)),
  };
}
