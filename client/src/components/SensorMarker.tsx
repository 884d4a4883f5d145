import { memo, type KeyboardEvent } from 'react';
import type { Sensor } from '../../../contract/facility.ts';
import { STATE_STYLES, type SensorDisplayState } from '../domain/sensor.status.ts';
import { useI18n } from '../i18n/I18nContext.ts';
import { KindGlyph } from './KindGlyph.tsx';
import { ShapePath } from './ShapePath.tsx';

interface SensorMarkerProps {
  sensor: Sensor;
  state: SensorDisplayState;
  /** Marker radius in plan (viewBox) units. */
  radius: number;
  /** Its alarms come from a drill: labelled DRILL on the plan too. */
  drill?: boolean;
  selected: boolean;
  /** The plan went here for a new alarm (follow alarms): a wide ring around the marker. */
  highlighted?: boolean;
  stale: boolean;
  onSelect: (sensorId: string) => void;
}

const HOLLOW: ReadonlySet<SensorDisplayState> = new Set(['offline', 'out_of_service', 'unknown']);

/** Memoised: a live update re-renders only the markers whose state changed. */
export const SensorMarker = memo(function SensorMarker({
  sensor,
  state,
  radius,
  drill = false,
  selected,
  highlighted = false,
  stale,
  onSelect,
}: SensorMarkerProps) {
  const { t } = useI18n();
  const style = STATE_STYLES[state];
  const color = `var(${style.colorVar})`;
  const hollow = HOLLOW.has(state);
  const label = `${drill ? `${t('queue.drill')} — ` : ''}${sensor.name} (${sensor.id}) — ${t(`kind.${sensor.kind}`)} — ${t(style.labelKey)}${highlighted ? ` — ${t('follow.followed')}` : ''}${stale ? ` — ${t('plan.stale')}` : ''}`;

  function handleKeyDown(event: KeyboardEvent<SVGGElement>) {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      onSelect(sensor.id);
    }
  }

  return (
    <g
      className={`marker marker--${state}${selected ? ' marker--selected' : ''}${highlighted ? ' marker--followed' : ''}${stale ? ' marker--stale' : ''}`}
      transform={`translate(${sensor.x} ${sensor.y}) scale(${radius})`}
      role="button"
      tabIndex={0}
      aria-label={label}
      aria-pressed={selected}
      data-sensor-id={sensor.id}
      data-state={state}
      data-drill={drill ? 'true' : undefined}
      data-followed={highlighted ? 'true' : undefined}
      onClick={() => onSelect(sensor.id)}
      onKeyDown={handleKeyDown}
    >
      <title>{label}</title>
      {/* A larger transparent disc: easier to hit with a finger on a tablet. */}
      <circle r={1.7} fill="transparent" />
      {highlighted ? <circle className="marker__followed" r={2.3} fill="none" stroke={color} strokeWidth={4} vectorEffect="non-scaling-stroke" /> : null}
      {selected ? <circle className="marker__selection" r={1.75} fill="none" strokeWidth={3} vectorEffect="non-scaling-stroke" /> : null}
      {state === 'alarm' ? <circle className="marker__pulse" r={1.2} fill="none" stroke={color} strokeWidth={3} vectorEffect="non-scaling-stroke" /> : null}
      <ShapePath
        shape={style.shape}
        fill={hollow ? 'var(--marker-hollow)' : color}
        stroke={hollow ? color : 'var(--marker-outline)'}
        strokeWidth={hollow ? 2.5 : 1.5}
      />
      <KindGlyph kind={sensor.kind} color={hollow ? color : 'var(--marker-glyph)'} />
      {drill ? (
        <g className="marker__drill" transform="translate(0 -2.05)">
          <rect x={-1.45} y={-0.48} width={2.9} height={0.96} rx={0.2} />
          <text y={0.3} textAnchor="middle" fontSize={0.72} fontWeight={800}>
            {t('queue.drill')}
          </text>
        </g>
      ) : null}
    </g>
  );
});
