/** Which page is shown, kept in the URL hash so a reload or a bookmark lands on the same page. */
import { useCallback, useEffect, useState } from 'react';
import type { Permission } from '../../../contract/auth.ts';

/** The pages in the header's navigation, in order. */
export const VIEWS = ['console', 'log', 'drills', 'handover', 'actions', 'reports', 'kpis', 'safety', 'audit', 'devices', 'admin'] as const;
export type View = (typeof VIEWS)[number];

/** What a role needs to see a page in the navigation (actions inside ask for more). */
export const VIEW_PERMISSION: Readonly<Record<View, Permission>> = {
  console: 'alarm.view',
  log: 'alarm.view',
  drills: 'alarm.view',
  // Officers hand over and accept shifts; managers read what was handed over.
  handover: 'alarm.view',
  // Every role owns or opens corrective actions; what each may do to one is the server's rule.
  actions: 'alarm.view',
  // Binding devices is editing the facility file: the admin's job.
  devices: 'admin.devices',
  reports: 'report.view',
  // Alarm-system performance: a manager's figures, like the reports.
  kpis: 'report.view',
  // The periodic safety report: signed by the manager.
  safety: 'report.view',
  audit: 'audit.view',
  // Accounts, sessions and credentials: one page, for whoever may manage users.
  admin: 'admin.users',
};

/** A page and, on the drills page, the drill whose report is open. */
export type Route =
  | { view: 'console' }
  | { view: 'log' }
  | { view: 'drills' }
  | { view: 'handover' }
  | { view: 'actions' }
  | { view: 'devices' }
  | { view: 'reports' }
  | { view: 'kpis' }
  | { view: 'safety' }
  | { view: 'audit' }
  | { view: 'admin' }
  | { view: 'drillReport'; drillId: string }
  | { view: 'sensor'; sensorId: string };

/** The header entry a route belongs to: a drill report sits under Drills. */
export function navOf(route: Route): View {
  if (route.view === 'sensor') return 'console'; // a sensor's history page is opened from the console
  return route.view === 'drillReport' ? 'drills' : route.view;
}

/** `#/log`, `#/drills`, `#/drills/<id>`, `#/sensor/<id>`, `#/devices`, `#/reports`, `#/audit`, `#/admin`; anything else is the console. */
export function parseHash(hash: string): Route {
  const path = hash.replace(/^#\/?/, '');
  if (path === 'log') return { view: 'log' };
  if (path === 'drills') return { view: 'drills' };
  if (path === 'handover') return { view: 'handover' };
  if (path === 'actions') return { view: 'actions' };
  if (path === 'devices') return { view: 'devices' };
  if (path === 'reports') return { view: 'reports' };
  if (path === 'kpis') return { view: 'kpis' };
  if (path === 'safety') return { view: 'safety' };
  if (path === 'audit') return { view: 'audit' };
  if (path === 'admin') return { view: 'admin' };
  const report = /^drills\/([^/]+)$/.exec(path);
  if (report?.[1]) {
    try {
      return { view: 'drillReport', drillId: decodeURIComponent(report[1]) };
    } catch {
      return { view: 'drills' }; // a malformed escape: the list is the best guess
    }
  }
  const sensor = /^sensor\/([^/]+)$/.exec(path);
  if (sensor?.[1]) {
    try {
      return { view: 'sensor', sensorId: decodeURIComponent(sensor[1]) };
    } catch {
      return { view: 'console' };
    }
  }
  return { view: 'console' };
}

export function hashOf(route: Route): string {
  switch (route.view) {
    case 'console':
      return '#/';
    case 'log':
      return '#/log';
    case 'drills':
      return '#/drills';
    case 'handover':
      return '#/handover';
    case 'actions':
      return '#/actions';
    case 'devices':
      return '#/devices';
    case 'reports':
      return '#/reports';
    case 'kpis':
      return '#/kpis';
    case 'safety':
      return '#/safety';
    case 'audit':
      return '#/audit';
    case 'admin':
      return '#/admin';
    case 'drillReport':
      return `#/drills/${encodeURIComponent(route.drillId)}`;
    case 'sensor':
      return `#/sensor/${encodeURIComponent(route.sensorId)}`;
  }
}

export function useRoute(): [Route, (route: Route) => void] {
  const [route, setRoute] = useState<Route>(() => parseHash(window.location.hash));
  useEffect(() => {
    const handleHashChange = (): void => setRoute(parseHash(window.location.hash));
    window.addEventListener('hashchange', handleHashChange);
    return () => window.removeEventListener('hashchange', handleHashChange);
  }, []);
  const navigate = useCallback((next: Route) => {
    window.location.hash = hashOf(next);
    setRoute(next);
  }, []);
  return [route, navigate];
}
