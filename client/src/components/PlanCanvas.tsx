/**
 * A floor plan with its sensors. The plan SVG is shown through <img> (it comes from a config
 * file and is never inlined), its texts drawn over it in screen pixels (PlanLabels.tsx); an SVG overlay with the same viewBox and the same aspect-ratio
 * rules places the sensors, and tints the outline of every zone that needs attention.
 */
import type { CSSProperties } from 'react';
import type { Floor, Sensor } from '../../../contract/facility.ts';
import { STATE_STYLES, worstState, type SensorDisplayState } from '../domain/sensor.status.ts';
import { usePlanGeometry } from '../hooks/usePlanGeometry.ts';
import { useI18n } from '../i18n/I18nContext.ts';
import { PlanLabels } from './PlanLabels.tsx';
import { SensorMarker } from './SensorMarker.tsx';

interface PlanCanvasProps {
  floor: Floor;
  sensors: readonly Sensor[];
  states: ReadonlyMap<string, SensorDisplayState>;
  drillSensors: ReadonlySet<string>;
  selectedId: string | null;
  /** The sensor the plan just went to for a new alarm: drawn with a ring that draws the eye. */
  highlightId?: string | null;
  stale: boolean;
  onSelect: (sensorId: string) => void;
}

/** Marker radius as a share of the plan's longer side: legible from 2 m, not cluttered. */
const MARKER_SCALE = 0.021;
/** Zone states worth a tint on the plan; the rest would only add noise. */
const TINTED: ReadonlySet<SensorDisplayState> = new Set(['alarm', 'pre_alarm', 'trouble', 'offline']);

export function PlanCanvas({ floor, sensors, states, drillSensors, selectedId, highlightId = null, stale, onSelect }: PlanCanvasProps) {
  const { t } = useI18n();
  const geometry = usePlanGeometry(floor.planUrl);

  if (geometry.kind === 'error') return <p className="plan__message plan__message--error">{t('plan.error')}</p>;
  if (geometry.kind === 'loading') return <p className="plan__message">{t('plan.loading')}</p>;

  const { viewBox, zones, labels, imageUrl } = geometry.plan;
  const radius = Math.max(viewBox.width, viewBox.height) * MARKER_SCALE;
  // Draw the worst states last so they sit on top where markers overlap.
  // The followed sensor goes on top of all.
  const ordered = [...sensors].sort(
    (a, b) => drawOrder(states.get(a.id)) + (a.id === highlightId ? 100 : 0) - drawOrder(states.get(b.id)) - (b.id === highlightId ? 100 : 0),
  );

  return (
    <div className="plan__canvas" style={{ '--plan-ratio': viewBox.width / viewBox.height } as CSSProperties}>
      <img className="plan__image" src={imageUrl} alt={t('plan.title', { floor: floor.name })} draggable={false} />
      <PlanLabels viewBox={viewBox} labels={labels} />
      <svg className="plan__overlay" viewBox={`${viewBox.x} ${viewBox.y} ${viewBox.width} ${viewBox.height}`} preserveAspectRatio="xMidYMid meet">
        {floor.zones.map((zone) => {
          const box = zones.get(zone.id);
          const state = worstState(zone.sensorIds.map((id) => states.get(id) ?? 'unknown'));
          if (!box || !TINTED.has(state)) return null;
          return (
            <rect
              key={zone.id}
              className={`plan__zone plan__zone--${state}`}
              x={box.x}
              y={box.y}
              width={box.width}
              height={box.height}
              style={{ '--zone-color': `var(${STATE_STYLES[state].colorVar})` } as CSSProperties}
            />
          );
        })}
        {ordered.map((sensor) => (
          <SensorMarker
            key={sensor.id}
            sensor={sensor}
            state={states.get(sensor.id) ?? 'unknown'}
            radius={radius}
            drill={drillSensors.has(sensor.id)}
            selected={sensor.id === selectedId}
            highlighted={sensor.id === highlightId}
            stale={stale}
            onSelect={onSelect}
          />
        ))}
      </svg>
    </div>
  );
}

const DRAW_ORDER: Record<SensorDisplayState, number> = {
  normal: 0,
  unknown: 1,
  out_of_service: 2,
  shelved: 3,
  offline: 4,
  trouble: 5,
  pre_alarm: 6,
  alarm: 7,
};

function drawOrder(state: SensorDisplayState | undefined): number {
  return DRAW_ORDER[state ?? 'unknown'];
}
