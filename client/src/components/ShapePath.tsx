/**
 * The shapes that, with colour and a text label, tell states and priorities apart. Drawn
 * centred on (0, 0) with radius 1; callers scale them.
 */
import type { StateShape } from '../domain/sensor.status.ts';
import type { PriorityIcon } from '../domain/priority.style.ts';

export type Shape = StateShape | PriorityIcon;

const OCTAGON = Array.from({ length: 8 }, (_, i) => {
  const a = Math.PI / 8 + (i * Math.PI) / 4;
  return `${(Math.cos(a) * 1.05).toFixed(3)},${(Math.sin(a) * 1.05).toFixed(3)}`;
}).join(' ');
const HEXAGON = Array.from({ length: 6 }, (_, i) => {
  const a = (i * Math.PI) / 3;
  return `${Math.cos(a).toFixed(3)},${Math.sin(a).toFixed(3)}`;
}).join(' ');

interface ShapePathProps {
  shape: Shape;
  fill: string;
  stroke: string;
  strokeWidth: number;
  className?: string;
}

export function ShapePath({ shape, fill, stroke, strokeWidth, className }: ShapePathProps) {
  const common = { fill, stroke, strokeWidth, className, vectorEffect: 'non-scaling-stroke' as const };
  switch (shape) {
    case 'octagon':
      return <polygon points={OCTAGON} {...common} />;
    case 'triangle':
      return <polygon points="0,-1.12 1.1,0.86 -1.1,0.86" {...common} strokeLinejoin="round" />;
    case 'diamond':
      return <polygon points="0,-1.12 1.12,0 0,1.12 -1.12,0" {...common} />;
    case 'hexagon':
      return <polygon points={HEXAGON} {...common} />;
    case 'circle':
      return <circle r={0.95} {...common} />;
    case 'dashed-circle':
      return <circle r={0.95} {...common} strokeDasharray="3 2.5" />;
    case 'square':
      return <rect x={-0.85} y={-0.85} width={1.7} height={1.7} rx={0.25} {...common} />;
    case 'slashed-square':
      return (
        <g className={className}>
          <rect x={-0.85} y={-0.85} width={1.7} height={1.7} fill={fill} stroke={stroke} strokeWidth={strokeWidth} vectorEffect="non-scaling-stroke" />
          <line x1={-0.85} y1={0.85} x2={0.85} y2={-0.85} stroke={stroke} strokeWidth={strokeWidth * 1.5} vectorEffect="non-scaling-stroke" />
        </g>
      );
  }
}

interface ShapeIconProps {
  shape: Shape;
  color: string;
  /** Size in CSS pixels (or em when given as a string). */
  size?: number | string;
  glyph?: string;
  label?: string;
}

/** A standalone icon (legend, badges, queue rows). Decorative unless `label` is given. */
export function ShapeIcon({ shape, color, size = '1.2em', glyph, label }: ShapeIconProps) {
  const hollow = shape === 'dashed-circle' || shape === 'slashed-square' || shape === 'hexagon';
  return (
    <svg
      className="shape-icon"
      viewBox="-1.25 -1.25 2.5 2.5"
      width={size}
      height={size}
      role={label ? 'img' : undefined}
      aria-label={label}
      aria-hidden={label ? undefined : true}
    >
      <ShapePath shape={shape} fill={hollow ? 'none' : color} stroke={color} strokeWidth={2} />
      {glyph ? (
        <text className="shape-icon__glyph" x={0} y={shape === 'triangle' ? 0.5 : 0.38} textAnchor="middle" fontSize={1.1}>
          {glyph}
        </text>
      ) : null}
    </svg>
  );
}
