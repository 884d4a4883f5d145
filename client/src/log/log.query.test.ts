import { describe, expect, it } from 'vitest';
import { DEFAULT_SORT, defaultFilter, logQuery, nextSort, pageInfo } from './log.query.ts';

const NOW = Date.UTC(2026, 10, 27, 10);

describe('alarm log query (GET /api/alarms, contract/api.ts)', () => {
  it('sends the range and paging, and leaves unset filters out', () => {
    expect(Object.fromEntries(logQuery(defaultFilter(NOW), DEFAULT_SORT, 0))).toEqual({
      from: String(NOW - 7 * 86_400_000),
      to: String(NOW),
      limit: '50',
      offset: '0',
    });
  });
  it('sends every filter that is set; a zone only with its site', () => {
    const q = logQuery(
      { ...defaultFilter(NOW), site: 'hq', zone: 'hot-kitchen', sensor: 'KIT-GAS-01', kind: 'gas', priority: 'critical', state: 'open', drill: 'exclude' },
      DEFAULT_SORT,
      100,
      25,
    );
    expect(Object.fromEntries(q)).toMatchObject({
      site: 'hq',
      zone: 'hot-kitchen',
      sensor: 'KIT-GAS-01',
      kind: 'gas',
      priority: 'critical',
      state: 'open',
      drill: 'exclude',
      limit: '25',
      offset: '100',
    });
    expect(logQuery({ ...defaultFilter(NOW), zone: 'hot-kitchen' }, DEFAULT_SORT, 0).has('zone')).toBe(false);
  });
  it('asks the server for the chosen order, so it covers every page and the export', () => {
    expect(Object.fromEntries(logQuery(defaultFilter(NOW), { column: 'priority', dir: 'desc' }, 50))).toMatchObject({
      sort: 'priority',
      order: 'desc',
      offset: '50',
    });
    expect(Object.fromEntries(logQuery(defaultFilter(NOW), { column: 'raised', dir: 'asc' }, 0))).toMatchObject({ sort: 'raised', order: 'asc' });
  });
  it('flips the direction on the same column, starts a new one descending', () => {
    expect(nextSort(DEFAULT_SORT, 'raised')).toEqual({ column: 'raised', dir: 'asc' });
    expect(nextSort({ column: 'raised', dir: 'asc' }, 'cause')).toEqual({ column: 'cause', dir: 'desc' });
  });
  it('numbers the rows shown and says whether there is more', () => {
    expect(pageInfo(0, 50, 120)).toEqual({ first: 1, last: 50, hasPrev: false, hasNext: true });
    expect(pageInfo(100, 20, 120)).toEqual({ first: 101, last: 120, hasPrev: true, hasNext: false });
    expect(pageInfo(0, 0, 0)).toEqual({ first: 0, last: 0, hasPrev: false, hasNext: false });
  });
});
