/**
 * The signed-in screen: header, banners (lost connection, server trouble, sound, drill), then
 * the live console (queue | floor plan | drawer), the alarm log, the drills or one drill's report.
 */
import { lazy, Suspense, useCallback, useMemo, useState } from 'react';
import type { Alarm } from '../../contract/alarm.ts';
import type { Facility } from '../../contract/facility.ts';
import { AlarmConsole } from './components/AlarmConsole.tsx';
import { AlarmDetail } from './components/AlarmDetail.tsx';
import { Annunciator } from './components/Annunciator.tsx';
import { ConnectionBanner } from './components/ConnectionBanner.tsx';
import { DrillBanner } from './components/DrillBanner.tsx';
import { FloorPlanView } from './components/FloorPlanView.tsx';
import { FollowPrompt } from './components/FollowPrompt.tsx';
import { Header } from './components/Header.tsx';
import { SensorPanel } from './components/SensorPanel.tsx';
import { ServerTroubleBanner } from './components/ServerTroubleBanner.tsx';
import { SitesOverview } from './components/SitesOverview.tsx';
import { ZoneView } from './components/ZoneView.tsx';
import { indexFacility } from './domain/facility.index.ts';
import { siteSummaries } from './domain/site.summary.ts';
import { useRunningDrillsSeed } from './drills/useDrills.ts';
import { useFollowAlarms } from './hooks/useFollowAlarms.ts';
import { useHealth } from './hooks/useHealth.ts';
import type { Preferences } from './hooks/usePreferences.ts';
import { useDrillSensors, useSensorDisplayStates } from './hooks/useSensorDisplayStates.ts';
import { navOf, useRoute, type Route, type View } from './hooks/useView.ts';
import type { MessageKey } from './i18n/dictionary.ts';
import { I18nContext, makeI18n } from './i18n/I18nContext.ts';
import { facilityIn } from './i18n/facility.language.ts';
import { useLive } from './live/useLive.ts';
import { AlarmLog } from './log/AlarmLog.tsx';
import { useAlarmSound } from './sound/useAlarmSound.ts';

// Drills are a manager's occasional page: loaded on first visit, not with the wall display's console.
const DrillsPage = lazy(() => import('./drills/DrillsPage.tsx').then((m) => ({ default: m.DrillsPage })));
const DevicesFoundPage = lazy(() => import('./discovery/DevicesFoundPage.tsx').then((m) => ({ default: m.DevicesFoundPage })));
const HandoverPage = lazy(() => import('./handover/HandoverPage.tsx').then((m) => ({ default: m.HandoverPage })));
const DrillReportPage = lazy(() => import('./drills/DrillReportPage.tsx').then((m) => ({ default: m.DrillReportPage })));
// The manager's and the admin's pages, likewise: never on the wall display's first load.
const ReportsPage = lazy(() => import('./reports/ReportsPage.tsx').then((m) => ({ default: m.ReportsPage })));
const KpiPage = lazy(() => import('./kpi/KpiPage.tsx').then((m) => ({ default: m.KpiPage })));
const SafetyReportsPage = lazy(() => import('./safety/SafetyReportsPage.tsx').then((m) => ({ default: m.SafetyReportsPage })));
const OverdueDrills = lazy(() => import('./safety/OverdueDrills.tsx').then((m) => ({ default: m.OverdueDrills })));
const ActionsPage = lazy(() => import('./actions/ActionsPage.tsx').then((m) => ({ default: m.ActionsPage })));
const AuditPage = lazy(() => import('./audit/AuditPage.tsx').then((m) => ({ default: m.AuditPage })));
const AdminPage = lazy(() => import('./admin/AdminPage.tsx').then((m) => ({ default: m.AdminPage })));
const SensorPage = lazy(() => import('./sensor/SensorPage.tsx').then((m) => ({ default: m.SensorPage })));
/** What a lazy page says while its code loads. */
const PAGE_LOADING: Partial<Record<Route['view'], MessageKey>> = {
  drillReport: 'report.loading',
  handover: 'handover.loading',
  devices: 'found.loading',
  reports: 'reports.loading',
  kpis: 'kpi.loading',
  safety: 'safety.loading',
  actions: 'actions.loading',
  audit: 'audit.loading',
  admin: 'admin.loading',
};

interface DashboardProps {
  facility: Facility;
  prefs: Preferences;
  onChangePrefs: (patch: Partial<Preferences>) => void;
}

/** What the drawer beside the plan shows: one sensor, one alarm, or one zone's chart. */
export type Drawer =
  { kind: 'sensor'; sensorId: string } | { kind: 'alarm'; alarmId: string; sensorId: string } | { kind: 'zone'; siteId: string; zoneId: string } | null;

export function Dashboard({ facility: fileFacility, prefs, onChangePrefs }: DashboardProps) {
  // Names (and procedures) in the viewer's language wherever the facility file gives them.
  const facility = useMemo(() => facilityIn(fileFacility, prefs.locale), [fileFacility, prefs.locale]);
  const index = useMemo(() => indexFacility(facility), [facility]);
  const [siteId, setSiteId] = useState(() => facility.sites[0]?.id ?? '');
  const [floorBySite, setFloorBySite] = useState<Readonly<Record<string, string>>>({});
  const [drawer, setDrawer] = useState<Drawer>(null);
  const [route, navigate] = useRoute();
  const health = useHealth();
  useRunningDrillsSeed();
  const sound = useAlarmSound();
  const displayStates = useSensorDisplayStates(facility);
  const drillSensors = useDrillSensors();
  const sensorStates = useLive((s) => s.sensors);
  const stale = useLive((s) => !s.synced && s.lostSince !== null);
  const site = index.sitesById.get(siteId) ?? facility.sites[0];
  const i18n = useMemo(() => makeI18n(prefs.locale, site?.timezone ?? 'UTC', fileFacility), [prefs.locale, site?.timezone, fileFacility]);
  const selectedSensorId = drawer?.kind === 'sensor' || drawer?.kind === 'alarm' ? drawer.sensorId : null;
  const selected = drawer?.kind === 'sensor' ? index.sensorsById.get(drawer.sensorId) : undefined;
  const liveAlarms = useLive((s) => s.alarms);
  const summaries = useMemo(() => siteSummaries(facility, liveAlarms.values(), displayStates), [facility, liveAlarms, displayStates]);
  const unackedBySite = useMemo(() => new Map(summaries.map((s) => [s.siteId, s.unacked])), [summaries]);

  const handleSelectFloor = useCallback((floorId: string) => setFloorBySite((prev) => ({ ...prev, [siteId]: floorId })), [siteId]);
  const handleSelectSensor = useCallback(
    (sensorId: string) => setDrawer((prev) => (prev?.kind === 'sensor' && prev.sensorId === sensorId ? null : { kind: 'sensor', sensorId })),
    [],
  );
  const handleSelectZone = useCallback((zoneSiteId: string, zoneId: string) => setDrawer({ kind: 'zone', siteId: zoneSiteId, zoneId }), []);
  const handleCloseDrawer = useCallback(() => setDrawer(null), []);
  const handleSelectView = useCallback((view: View) => navigate({ view }), [navigate]);
  const handleOpenReport = useCallback((drillId: string) => navigate({ view: 'drillReport', drillId }), [navigate]);
  const handleBackToDrills = useCallback(() => navigate({ view: 'drills' }), [navigate]);
  const showOnPlan = useCallback(
    (sensorId: string) => {
      const sensor = index.sensorsById.get(sensorId);
      if (!sensor) return;
      setSiteId(sensor.siteId);
      setFloorBySite((prev) => ({ ...prev, [sensor.siteId]: sensor.floorId }));
    },
    [index],
  );
  const handleLocate = useCallback(
    (alarm: Alarm) => {
      if (!index.sensorsById.has(alarm.sensorId)) return;
      showOnPlan(alarm.sensorId);
      setDrawer({ kind: 'sensor', sensorId: alarm.sensorId });
    },
    [index, showOnPlan],
  );
  const handleOpenAlarm = useCallback(
    (alarm: Alarm) => {
      showOnPlan(alarm.sensorId);
      setDrawer({ kind: 'alarm', alarmId: alarm.id, sensorId: alarm.sensorId });
    },
    [showOnPlan],
  );
  // The plan follows new alarms of the highest priority present (or offers to: domain/follow.ts).
  const isPlaced = useCallback((sensorId: string) => index.sensorsById.has(sensorId), [index]);
  const goToAlarm = useCallback((alarm: Alarm) => showOnPlan(alarm.sensorId), [showOnPlan]);
  const follow = useFollowAlarms(prefs.followAlarms, isPlaced, goToAlarm);
  const handleToggleFollow = useCallback((on: boolean) => onChangePrefs({ followAlarms: on }), [onChangePrefs]);

  if (!site) return null;
  const floorId = floorBySite[site.id] ?? site.floors[0]?.id ?? '';

  return (
    <I18nContext.Provider value={i18n}>
      <div className="app">
        <Header
          facility={facility}
          siteId={site.id}
          health={health}
          prefs={prefs}
          view={navOf(route)}
          sound={sound}
          onSelectView={handleSelectView}
          onSelectSite={setSiteId}
          unackedBySite={unackedBySite}
          onChangePrefs={onChangePrefs}
        />
        <ConnectionBanner />
        <ServerTroubleBanner health={health} />
        <Annunciator sound={sound} />
        <DrillBanner onOpenAlarm={route.view === 'console' ? handleOpenAlarm : undefined} />
        {route.view === 'log' ? <AlarmLog facility={facility} index={index} /> : null}
        <Suspense fallback={<p className="log__message">{i18n.t(PAGE_LOADING[route.view] ?? 'drills.loading')}</p>}>
          {route.view === 'drills' ? <DrillsPage facility={facility} index={index} siteId={site.id} onOpenReport={handleOpenReport} /> : null}
          {route.view === 'handover' ? <HandoverPage index={index} siteId={site.id} /> : null}
          {route.view === 'drillReport' ? (
            <DrillReportPage key={route.drillId} drillId={route.drillId} facility={facility} index={index} onBack={handleBackToDrills} />
          ) : null}
          {route.view === 'devices' ? <DevicesFoundPage /> : null}
          {route.view === 'reports' ? <ReportsPage facility={facility} index={index} /> : null}
          {route.view === 'kpis' ? <KpiPage facility={facility} index={index} extraSections={<OverdueDrills facility={facility} />} /> : null}
          {route.view === 'safety' ? <SafetyReportsPage facility={facility} siteId={site.id} /> : null}
          {route.view === 'actions' ? <ActionsPage facility={facility} index={index} /> : null}
          {route.view === 'audit' ? <AuditPage /> : null}
          {route.view === 'admin' ? <AdminPage facility={facility} /> : null}
          {route.view === 'sensor' ? <SensorPage key={route.sensorId} sensorId={route.sensorId} index={index} /> : null}
        </Suspense>
        {route.view === 'console' ? (
          <main className="layout">
            <AlarmConsole
              index={index}
              siteId={site.id}
              selectedAlarmId={drawer?.kind === 'alarm' ? drawer.alarmId : null}
              onLocate={handleLocate}
              onOpen={handleOpenAlarm}
            />
            <div className="layout__plan">
              {follow.prompt ? <FollowPrompt alarm={follow.prompt} index={index} onGo={follow.acceptPrompt} onDismiss={follow.dismissPrompt} /> : null}
              <FloorPlanView
                site={site}
                floorId={floorId}
                sensorsById={index.sensorsById}
                states={displayStates}
                drillSensors={drillSensors}
                selectedId={selectedSensorId}
                highlightId={follow.highlightId}
                stale={stale}
                follow={prefs.followAlarms}
                onToggleFollow={handleToggleFollow}
                header={
                  facility.sites.length > 1 ? (
                    <SitesOverview sites={facility.sites} summaries={summaries} selectedSiteId={site.id} onSelectSite={setSiteId} />
                  ) : null
                }
                onSelectFloor={handleSelectFloor}
                onSelectSensor={handleSelectSensor}
                onSelectZone={handleSelectZone}
              />
              {drawer?.kind === 'alarm' ? (
                <AlarmDetail key={drawer.alarmId} alarmId={drawer.alarmId} index={index} onLocate={showOnPlan} onClose={handleCloseDrawer} />
              ) : null}
              {drawer?.kind === 'zone' ? (
                <ZoneView key={`${drawer.siteId}/${drawer.zoneId}`} siteId={drawer.siteId} zoneId={drawer.zoneId} index={index} onClose={handleCloseDrawer} />
              ) : null}
              {selected ? (
                <SensorPanel
                  sensor={selected}
                  state={sensorStates.get(selected.id)}
                  displayState={displayStates.get(selected.id) ?? 'unknown'}
                  index={index}
                  stale={stale}
                  onClose={handleCloseDrawer}
                />
              ) : null}
            </div>
          </main>
        ) : null}
      </div>
    </I18nContext.Provider>
  );
}
