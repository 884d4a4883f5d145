import { describe, expect, it } from 'vitest';
import { ROLE_PERMISSIONS } from '../../../contract/auth.ts';
import { hashOf, navOf, parseHash, VIEW_PERMISSION, VIEWS, type Route } from './useView.ts';

describe('page routes in the URL hash', () => {
  it.each<[string, Route]>([
    ['', { view: 'console' }],
    ['#/', { view: 'console' }],
    ['#/log', { view: 'log' }],
    ['#/drills', { view: 'drills' }],
    ['#/handover', { view: 'handover' }],
    ['#/actions', { view: 'actions' }],
    ['#/devices', { view: 'devices' }],
    ['#/reports', { view: 'reports' }],
    ['#/kpis', { view: 'kpis' }],
    ['#/safety', { view: 'safety' }],
    ['#/audit', { view: 'audit' }],
    ['#/admin', { view: 'admin' }],
    ['#/drills/drill-20261127-020000-canteen-gas-leak', { view: 'drillReport', drillId: 'drill-20261127-020000-canteen-gas-leak' }],
    ['#/sensor/T-GAS-01', { view: 'sensor', sensorId: 'T-GAS-01' }],
    ['#/nowhere', { view: 'console' }],
  ])('reads %j', (hash, route) => {
    expect(parseHash(hash)).toEqual(route);
  });

  it('writes what it reads, escaping a drill id', () => {
    for (const route of [
      { view: 'console' },
      { view: 'log' },
      { view: 'drills' },
      { view: 'handover' },
      { view: 'actions' },
      { view: 'devices' },
      { view: 'reports' },
      { view: 'kpis' },
      { view: 'safety' },
      { view: 'audit' },
      { view: 'admin' },
      { view: 'drillReport', drillId: 'drill-a b/c' },
      { view: 'sensor', sensorId: 'gas/1 a' },
    ] as Route[]) {
      expect(parseHash(hashOf(route))).toEqual(route);
    }
    expect(hashOf({ view: 'drillReport', drillId: 'drill-a b/c' })).toBe('#/drills/drill-a%20b%2Fc');
  });

  it('falls back to the drill list for a malformed escape', () => {
    expect(parseHash('#/drills/%E0%A4%A')).toEqual({ view: 'drills' });
  });

  it('offers "Devices found" to admins only: binding a device is editing the facility file', () => {
    expect(VIEW_PERMISSION.devices).toBe('admin.devices');
    expect(ROLE_PERMISSIONS.manager.has(VIEW_PERMISSION.devices)).toBe(false);
    expect(ROLE_PERMISSIONS.admin.has(VIEW_PERMISSION.devices)).toBe(true);
  });

  it('offers Reports and Audit to managers, Administration to admins only', () => {
    const sees = (role: 'officer' | 'manager' | 'admin') => VIEWS.filter((v) => ROLE_PERMISSIONS[role].has(VIEW_PERMISSION[v]));
    expect(sees('officer')).toEqual(['console', 'log', 'drills', 'handover', 'actions']);
    expect(sees('manager')).toEqual(['console', 'log', 'drills', 'handover', 'actions', 'reports', 'kpis', 'safety', 'audit']);
    expect(sees('admin')).toEqual(['console', 'log', 'drills', 'handover', 'actions', 'reports', 'kpis', 'safety', 'audit', 'devices', 'admin']);
  });

  it('keeps a report under Drills in the navigation', () => {
    expect(navOf({ view: 'drillReport', drillId: 'x' })).toBe('drills');
    expect(navOf({ view: 'log' })).toBe('log');
  });
});
