/** Floors of the selected site as tabs, the chosen floor's plan, and counts per zone. */
import type { Sensor, Site } from '../../../contract/facility.ts';
import { attentionCount, countStates, type SensorDisplayState } from '../domain/sensor.status.ts';
import { useI18n } from '../i18n/I18nContext.ts';
import { PlanCanvas } from './PlanCanvas.tsx';
import { StateCounts } from './StateCounts.tsx';
import { StateLegend } from './StateLegend.tsx';

interface FloorPlanViewProps {
  site: Site;
  floorId: string;
  sensorsById: ReadonlyMap<string, Sensor>;
  states: ReadonlyMap<string, SensorDisplayState>;
  drillSensors: ReadonlySet<string>;
  selectedId: string | null;
  stale: boolean;
  onSelectFloor: (floorId: string) => void;
  onSelectSensor: (sensorId: string) => void;
  /** Opens the zone's chart (several sensors of one zone). */
  onSelectZone: (siteId: string, zoneId: string) => void;
}

export function FloorPlanView(props: FloorPlanViewProps) {
  const { site, floorId, sensorsById, states, drillSensors, selectedId, stale, onSelectFloor, onSelectSensor, onSelectZone } = props;
  const { t } = useI18n();
  const floor = site.floors.find((f) => f.id === floorId) ?? site.floors[0];
  if (!floor) return null;

  const sensorsOf = (ids: readonly string[]): Sensor[] => ids.flatMap((id) => sensorsById.get(id) ?? []);
  const statesOf = (ids: readonly string[]): SensorDisplayState[] => ids.map((id) => states.get(id) ?? 'unknown');
  const floorSensors = sensorsOf(floor.zones.flatMap((z) => z.sensorIds));

  return (
    <section className="plan" aria-label={t('plan.title', { floor: floor.name })}>
      <div className="plan__tabs" role="tablist" aria-label={t('plan.floors')}>
        {site.floors.map((f) => {
          const counts = countStates(statesOf(f.zones.flatMap((z) => z.sensorIds)));
          const attention = attentionCount(counts);
          return (
            <button
              key={f.id}
              ref={f.id === floor.id ? scrollIntoView : undefined}
              type="button"
              role="tab"
              aria-selected={f.id === floor.id}
              className={`plan__tab${counts.alarm > 0 ? ' plan__tab--alarm' : ''}`}
              onClick={() => onSelectFloor(f.id)}
            >
              <span className="plan__tab-name">{f.name}</span>
              {attention > 0 ? <span className="plan__tab-badge">{attention}</span> : null}
            </button>
          );
        })}
      </div>

      <div className="plan__body">
        <div className="plan__stage">
          <PlanCanvas
            floor={floor}
            sensors={floorSensors}
            states={states}
            drillSensors={drillSensors}
            selectedId={selectedId}
            stale={stale}
            onSelect={onSelectSensor}
          />
        </div>
        <aside className="plan__side">
          <section className="zones" aria-label={t('plan.zones')}>
            <h3 className="zones__title">{t('plan.zones')}</h3>
            <ul className="zones__list">
              {floor.zones.map((zone) => {
                const counts = countStates(statesOf(zone.sensorIds));
                return (
                  <li key={zone.id} className={`zone${counts.alarm > 0 ? ' zone--alarm' : ''}`}>
                    <div className="zone__head">
                      <button
                        type="button"
                        className="link zone__name"
                        onClick={() => onSelectZone(site.id, zone.id)}
                        title={t('zone.open', { zone: zone.name })}
                      >
                        {zone.name}
                      </button>
                      <span className="zone__total">
                        {t(zone.sensorIds.length === 1 ? 'plan.sensorCount.one' : 'plan.sensorCount.other', { n: zone.sensorIds.length })}
                      </span>
                    </div>
                    <StateCounts counts={counts} />
                  </li>
                );
              })}
            </ul>
          </section>
          <StateLegend />
        </aside>
      </div>
    </section>
  );
}

/** Keeps the selected floor's tab visible when "show on plan" picks a floor off-screen. */
function scrollIntoView(el: HTMLElement | null): void {
  el?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
}
