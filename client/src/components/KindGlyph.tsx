/** What kind of sensor an icon is, drawn inside its state shape (box -1…1). */
import type { SensorKind } from '../../../contract/facility.ts';

interface KindGlyphProps {
  kind: SensorKind;
  color: string;
}

export function KindGlyph({ kind, color }: KindGlyphProps) {
  switch (kind) {
    case 'gas':
      // A flame.
      return (
        <path
          d="M0,-0.62 C0.32,-0.28 0.5,0 0.42,0.26 C0.34,0.56 -0.34,0.56 -0.42,0.26 C-0.5,0 -0.24,-0.14 -0.12,-0.38 C-0.02,-0.2 0.06,-0.12 0.12,-0.1 C0.12,-0.3 0.06,-0.46 0,-0.62 Z"
          fill={color}
        />
      );
    case 'co':
      return (
        <text x={0} y={0.25} textAnchor="middle" fontSize={0.72} fontWeight={800} fill={color}>
          CO
        </text>
      );
    case 'smoke':
      // Three rising wisps.
      return (
        <path
          d="M-0.4,0.5 C-0.6,0.2 -0.2,0 -0.4,-0.5 M0,0.5 C-0.2,0.2 0.2,0 0,-0.5 M0.4,0.5 C0.2,0.2 0.6,0 0.4,-0.5"
          fill="none"
          stroke={color}
          strokeWidth={0.16}
          strokeLinecap="round"
        />
      );
    case 'door':
      return (
        <g>
          <path d="M-0.36,0.55 V-0.55 H0.36 V0.55" fill="none" stroke={color} strokeWidth={0.16} strokeLinejoin="round" />
          <circle cx={0.16} cy={0.05} r={0.09} fill={color} />
        </g>
      );
    case 'leak':
      // A drop above a puddle's ripple.
      return (
        <g>
          <path d="M0,-0.62 C0.18,-0.34 0.3,-0.18 0.3,0 C0.3,0.17 0.16,0.3 0,0.3 C-0.16,0.3 -0.3,0.17 -0.3,0 C-0.3,-0.18 -0.18,-0.34 0,-0.62 Z" fill={color} />
          <path
            d="M-0.55,0.52 C-0.4,0.42 -0.28,0.42 -0.14,0.52 C0,0.62 0.12,0.62 0.26,0.52 C0.38,0.44 0.48,0.44 0.55,0.5"
            fill="none"
            stroke={color}
            strokeWidth={0.12}
            strokeLinecap="round"
          />
        </g>
      );
    case 'waterflow':
      // A sprinkler head: the deflector over three spray lines.
      return (
        <g>
          <path d="M-0.2,-0.6 H0.2 M0,-0.6 V-0.25 M-0.42,-0.25 H0.42" fill="none" stroke={color} strokeWidth={0.14} strokeLinecap="round" />
          <path
            d="M0,-0.1 V0.55 M-0.15,-0.1 L-0.5,0.5 M0.15,-0.1 L0.5,0.5"
            fill="none"
            stroke={color}
            strokeWidth={0.11}
            strokeLinecap="round"
            strokeDasharray="0.14 0.1"
          />
        </g>
      );
    case 'valve':
      // A gate valve: two triangles meeting at the stem, and its handwheel.
      return (
        <g>
          <path d="M-0.55,-0.05 L0,0.25 L-0.55,0.55 Z M0.55,-0.05 L0,0.25 L0.55,0.55 Z" fill={color} />
          <path d="M0,0.25 V-0.38 M-0.3,-0.45 H0.3" fill="none" stroke={color} strokeWidth={0.13} strokeLinecap="round" />
        </g>
      );
    case 'pump':
      // A pump's casing (circle) with its outlet.
      return (
        <g>
          <circle cx={-0.08} cy={0.08} r={0.4} fill="none" stroke={color} strokeWidth={0.14} />
          <path d="M-0.08,-0.32 H0.55 V-0.08" fill="none" stroke={color} strokeWidth={0.14} strokeLinejoin="round" />
          <circle cx={-0.08} cy={0.08} r={0.1} fill={color} />
        </g>
      );
    case 'pressure':
      // A gauge: the dial and its needle.
      return (
        <g>
          <circle cx={0} cy={0.05} r={0.5} fill="none" stroke={color} strokeWidth={0.12} />
          <path d="M0,0.05 L0.28,-0.24" stroke={color} strokeWidth={0.12} strokeLinecap="round" />
          <circle cx={0} cy={0.05} r={0.08} fill={color} />
        </g>
      );
  }
}
