import { describe, expect, it } from 'vitest';
import { hashOf, navOf, parseHash, type Route } from './useView.ts';

describe('page routes in the URL hash', () => {
  it.each<[string, Route]>([
    ['', { view: 'console' }],
    ['#/', { view: 'console' }],
    ['#/log', { view: 'log' }],
    ['#/drills', { view: 'drills' }],
    ['#/drills/drill-20261127-020000-canteen-gas-leak', { view: 'drillReport', drillId: 'drill-20261127-020000-canteen-gas-leak' }],
    ['#/nowhere', { view: 'console' }],
  ])('reads %j', (hash, route) => {
    expect(parseHash(hash)).toEqual(route);
  });

  it('writes what it reads, escaping a drill id', () => {
    for (const route of [{ view: 'console' }, { view: 'log' }, { view: 'drills' }, { view: 'drillReport', drillId: 'drill-a b/c' }] as Route[]) {
      expect(parseHash(hashOf(route))).toEqual(route);
    }
    expect(hashOf({ view: 'drillReport', drillId: 'drill-a b/c' })).toBe('#/drills/drill-a%20b%2Fc');
  });

  it('falls back to the drill list for a malformed escape', () => {
    expect(parseHash('#/drills/%E0%A4%A')).toEqual({ view: 'drills' });
  });

  it('keeps a report under Drills in the navigation', () => {
    expect(navOf({ view: 'drillReport', drillId: 'x' })).toBe('drills');
    expect(navOf({ view: 'log' })).toBe('log');
  });
});
