/** Floors of the selected site as tabs, the chosen floor's plan, and counts per zone. */
import { useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import type { Floor, Sensor, Site } from '../../../contract/facility.ts';
import { splitTabs } from '../domain/floor.tabs.ts';
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
  /** The sensor the plan just went to for a new alarm. */
  highlightId?: string | null;
  stale: boolean;
  /** Whether the plan follows new alarms, and the switch for it. */
  follow?: boolean;
  onToggleFollow?: (follow: boolean) => void;
  /** Shown above the floor tabs (the all-sites overview). */
  header?: ReactNode;
  onSelectFloor: (floorId: string) => void;
  onSelectSensor: (sensorId: string) => void;
  /** Opens the zone's chart (several sensors of one zone). */
  onSelectZone: (siteId: string, zoneId: string) => void;
}

export function FloorPlanView(props: FloorPlanViewProps) {
  const { site, floorId, sensorsById, states, drillSensors, selectedId, highlightId = null, stale, follow, onToggleFollow, header } = props;
  const { onSelectFloor, onSelectSensor, onSelectZone } = props;
  const { t } = useI18n();
  const floor = site.floors.find((f) => f.id === floorId) ?? site.floors[0];
  if (!floor) return null;

  const sensorsOf = (ids: readonly string[]): Sensor[] => ids.flatMap((id) => sensorsById.get(id) ?? []);
  const statesOf = (ids: readonly string[]): SensorDisplayState[] => ids.map((id) => states.get(id) ?? 'unknown');
  const floorSensors = sensorsOf(floor.zones.flatMap((z) => z.sensorIds));

  return (
    <section className="plan" aria-label={t('plan.title', { floor: floor.name })}>
      {header}
      <div className="plan__tabbar">
        <FloorTabs
          floors={site.floors}
          selected={floor.id}
          countsOf={(f) => countStates(statesOf(f.zones.flatMap((z) => z.sensorIds)))}
          onSelect={onSelectFloor}
        />
        {onToggleFollow ? (
          <label className="plan__follow" title={t('follow.toggleHint')}>
            <input type="checkbox" checked={follow ?? false} onChange={(e) => onToggleFollow(e.target.checked)} />
            {t('follow.toggle')}
          </label>
        ) : null}
      </div>

      <div className="plan__body">
        <div className="plan__stage">
          <PlanCanvas
            floor={floor}
            sensors={floorSensors}
            states={states}
            drillSensors={drillSensors}
            selectedId={selectedId}
            highlightId={highlightId}
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

interface FloorTabsProps {
  floors: readonly Floor[];
  selected: string;
  countsOf: (floor: Floor) => ReturnType<typeof countStates>;
  onSelect: (floorId: string) => void;
}

/**
 * The floor tabs that fit, then a "More floors" menu for the rest. The menu button carries the
 * hidden floors' attention count (and the alarm colour when one of them has an alarm), the menu
 * each floor's, so a badge is never out of sight however narrow the screen.
 */
export function FloorTabs({ floors, selected, countsOf, onSelect }: FloorTabsProps) {
  const { t } = useI18n();
  const rowRef = useRef<HTMLDivElement>(null);
  const measureRef = useRef<HTMLDivElement>(null);
  const [visible, setVisible] = useState<readonly number[] | null>(null);
  const [menuOpen, setMenuOpen] = useState(false);
  const selectedIndex = floors.findIndex((f) => f.id === selected);
  const counts = floors.map(countsOf);
  const badges = counts.map(attentionCount);

  // Measure every tab (in a hidden copy of the row) against the row's width; again when it resizes.
  useLayoutEffect(() => {
    const row = rowRef.current;
    const measure = measureRef.current;
    if (!row || !measure) return;
    const fit = (): void => {
      const items = [...measure.children] as HTMLElement[];
      const more = items.pop();
      const style = getComputedStyle(measure);
      const gap = parseFloat(style.columnGap) || 0;
      const padding = (parseFloat(style.paddingLeft) || 0) + (parseFloat(style.paddingRight) || 0);
      const split = splitTabs(
        items.map((el) => el.offsetWidth + gap),
        row.clientWidth - padding,
        (more?.offsetWidth ?? 0) + gap,
        selectedIndex,
      );
      setVisible((prev) => (prev !== null && prev.length === split.visible.length && prev.every((v, i) => v === split.visible[i]) ? prev : split.visible));
    };
    fit();
    const observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(fit);
    observer?.observe(row);
    return () => observer?.disconnect();
  });

  const shown = visible ?? floors.map((_, i) => i);
  const hidden = floors.map((_, i) => i).filter((i) => !shown.includes(i));
  const hiddenAttention = hidden.reduce((sum, i) => sum + (badges[i] ?? 0), 0);
  const hiddenAlarm = hidden.some((i) => (counts[i]?.alarm ?? 0) > 0);

  const tab = (f: Floor, i: number, measuring: boolean) => (
    <button
      key={f.id}
      type="button"
      role={measuring ? undefined : 'tab'}
      tabIndex={measuring ? -1 : undefined}
      aria-selected={measuring ? undefined : f.id === selected}
      className={`plan__tab${(counts[i]?.alarm ?? 0) > 0 ? ' plan__tab--alarm' : ''}`}
      onClick={measuring ? undefined : () => onSelect(f.id)}
      data-floor-id={measuring ? undefined : f.id}
      data-attention={measuring ? undefined : (badges[i] ?? 0)}
    >
      <span className="plan__tab-name">{f.name}</span>
      {(badges[i] ?? 0) > 0 ? <span className="plan__tab-badge">{badges[i]}</span> : null}
    </button>
  );

  return (
    <div className="plan__tabs-wrap" ref={rowRef}>
      <div className="plan__tabs" role="tablist" aria-label={t('plan.floors')}>
        {shown.map((i) => {
          const f = floors[i];
          return f ? tab(f, i, false) : null;
        })}
        {hidden.length > 0 ? (
          <div className="plan__more">
            <button
              type="button"
              className={`plan__tab plan__more-button${hiddenAlarm ? ' plan__tab--alarm' : ''}`}
              aria-haspopup="menu"
              aria-expanded={menuOpen}
              aria-label={t('plan.moreFloorsLabel', { n: hidden.length, attention: hiddenAttention })}
              data-attention={hiddenAttention}
              onClick={() => setMenuOpen((open) => !open)}
            >
              <span className="plan__tab-name">{t('plan.moreFloors')} ▾</span>
              {hiddenAttention > 0 ? <span className="plan__tab-badge">{hiddenAttention}</span> : null}
            </button>
            {menuOpen ? (
              <ul className="plan__more-menu" role="menu" aria-label={t('plan.moreFloors')}>
                {hidden.map((i) => {
                  const f = floors[i];
                  if (!f) return null;
                  return (
                    <li key={f.id} role="none">
                      <button
                        type="button"
                        role="menuitem"
                        className={`plan__more-item${(counts[i]?.alarm ?? 0) > 0 ? ' plan__tab--alarm' : ''}`}
                        data-floor-id={f.id}
                        data-attention={badges[i] ?? 0}
                        onClick={() => {
                          setMenuOpen(false);
                          onSelect(f.id);
                        }}
                      >
                        <span className="plan__tab-name">{f.name}</span>
                        {(badges[i] ?? 0) > 0 ? <span className="plan__tab-badge">{badges[i]}</span> : null}
                      </button>
                    </li>
                  );
                })}
              </ul>
            ) : null}
          </div>
        ) : null}
      </div>
      {/* Every tab at its natural width, out of sight, to decide what fits. */}
      <div className="plan__tabs plan__tabs--measure" ref={measureRef} aria-hidden="true" inert>
        {floors.map((f, i) => tab(f, i, true))}
        <button type="button" tabIndex={-1} className="plan__tab">
          <span className="plan__tab-name">{t('plan.moreFloors')} ▾</span>
          <span className="plan__tab-badge">{hiddenAttention > 0 ? hiddenAttention : 0}</span>
        </button>
      </div>
    </div>
  );
}
