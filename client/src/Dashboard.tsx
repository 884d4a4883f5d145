/** The signed-in screen: header, lost-connection banner, alarm queue, floor plan, sensor panel. */
import { useCallback, useMemo, useState } from 'react';
import type { Alarm } from '../../contract/alarm.ts';
import type { Facility } from '../../contract/facility.ts';
import { AlarmConsole } from './components/AlarmConsole.tsx';
import { ConnectionBanner } from './components/ConnectionBanner.tsx';
import { DrillBanner } from './components/DrillBanner.tsx';
import { FloorPlanView } from './components/FloorPlanView.tsx';
import { Header } from './components/Header.tsx';
import { SensorPanel } from './components/SensorPanel.tsx';
import { indexFacility } from './domain/facility.index.ts';
import { useHealth } from './hooks/useHealth.ts';
import type { Preferences } from './hooks/usePreferences.ts';
import { useSensorDisplayStates } from './hooks/useSensorDisplayStates.ts';
import { I18nContext, makeI18n } from './i18n/I18nContext.ts';
import { useLive } from './live/useLive.ts';

interface DashboardProps {
  facility: Facility;
  prefs: Preferences;
  onChangePrefs: (patch: Partial<Preferences>) => void;
}

export function Dashboard({ facility, prefs, onChangePrefs }: DashboardProps) {
  const index = useMemo(() => indexFacility(facility), [facility]);
  const [siteId, setSiteId] = useState(() => facility.sites[0]?.id ?? '');
  const [floorBySite, setFloorBySite] = useState<Readonly<Record<string, string>>>({});
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const health = useHealth();
  const displayStates = useSensorDisplayStates(facility);
  const sensorStates = useLive((s) => s.sensors);
  const stale = useLive((s) => !s.synced && s.lostSince !== null);

  const site = index.sitesById.get(siteId) ?? facility.sites[0];
  const i18n = useMemo(() => makeI18n(prefs.locale, site?.timezone ?? 'UTC'), [prefs.locale, site?.timezone]);
  const selected = selectedId ? index.sensorsById.get(selectedId) : undefined;

  const handleSelectFloor = useCallback(
    (floorId: string) => setFloorBySite((prev) => ({ ...prev, [siteId]: floorId })),
    [siteId],
  );
  const handleSelectSensor = useCallback((sensorId: string) => setSelectedId((prev) => (prev === sensorId ? null : sensorId)), []);
  const handleClosePanel = useCallback(() => setSelectedId(null), []);
  const handleLocate = useCallback(
    (alarm: Alarm) => {
      const sensor = index.sensorsById.get(alarm.sensorId);
      if (!sensor) return;
      setSiteId(sensor.siteId);
      setFloorBySite((prev) => ({ ...prev, [sensor.siteId]: sensor.floorId }));
      setSelectedId(sensor.id);
    },
    [index],
  );

  if (!site) return null;
  const floorId = floorBySite[site.id] ?? site.floors[0]?.id ?? '';

  return (
    <I18nContext.Provider value={i18n}>
      <div className="app">
        <Header facility={facility} siteId={site.id} health={health} prefs={prefs} onSelectSite={setSiteId} onChangePrefs={onChangePrefs} />
        <ConnectionBanner />
        <DrillBanner />
        <main className="layout">
          <AlarmConsole index={index} onLocate={handleLocate} />
          <div className="layout__plan">
            <FloorPlanView
              site={site}
              floorId={floorId}
              sensorsById={index.sensorsById}
              states={displayStates}
              selectedId={selectedId}
              stale={stale}
              onSelectFloor={handleSelectFloor}
              onSelectSensor={handleSelectSensor}
            />
            {selected ? (
              <SensorPanel
                sensor={selected}
                state={sensorStates.get(selected.id)}
                displayState={displayStates.get(selected.id) ?? 'unknown'}
                index={index}
                stale={stale}
                onClose={handleClosePanel}
              />
            ) : null}
          </div>
        </main>
      </div>
    </I18nContext.Provider>
  );
}
