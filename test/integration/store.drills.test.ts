// Drill records on every store engine: kept as given (title, fractional speed, expected alarms),
// listed latest first in a fixed order, registered and ended once even when two servers do it
// at the same moment.
import { expect, it } from 'vitest';
import type { Drill } from '../../contract/index.ts';
import { SqlDrillStore } from '../../server/src/adapters/sql.drills.ts';
import { eachStore } from '../support/stores.ts';

const T0 = Date.parse('2026-12-01T08:00:00Z');
const drill = (id: string, startedAt: number, more: Partial<Drill> = {}): Drill => ({
  id,
  scenario: 'canteen-gas-leak',
  title: 'Canteen gas leak',
  speed: 2.5,
  siteId: 'hq',
  startedBy: 'mgr.chen',
  startedAt,
  endedAt: null,
  state: 'running',
  expected: [{ sensorId: 'CAN-GAS-01', condition: 'gas', priority: 'high', withinS: 100 }],
  ...more,
});

eachStore((open, engine) => {
  it('keeps a drill as given and reads it back', async () => {
    const store = new SqlDrillStore(await open());
    expect(await store.insert(drill('d1', T0))).toBe(true);
    expect(await store.get('d1')).toEqual(drill('d1', T0));
    expect(await store.get('d2')).toBeUndefined();
  });

  it('lists the latest first; drills started in the same millisecond by id, latest first; up to the limit', async () => {
    const store = new SqlDrillStore(await open());
    for (const [id, at] of [
      ['d-a', T0],
      ['d-b', T0 + 1000],
      ['d-c', T0 + 1000],
      ['d-d', T0 - 1000],
    ] as const)
      await store.insert(drill(id, at));
    expect((await store.list(10)).map((d) => d.id)).toEqual(['d-c', 'd-b', 'd-a', 'd-d']);
    expect((await store.list(2)).map((d) => d.id)).toEqual(['d-c', 'd-b']);
  });

  it('ends a drill once: the first end keeps its time, a later one changes nothing', async () => {
    const store = new SqlDrillStore(await open());
    await store.insert(drill('d1', T0));
    expect(await store.end('d1', T0 + 5000)).toBe(true);
    expect(await store.end('d1', T0 + 9000)).toBe(false);
    expect(await store.end('nope', T0)).toBe(false);
    expect(await store.get('d1')).toMatchObject({ endedAt: T0 + 5000, state: 'ended' });
  });

  // PostgreSQL: two connections, as two servers have. SQLite: one connection shared by both.
  it('the same drill registered or ended by two servers at once: one of them does it', async () => {
    const one = new SqlDrillStore(await open());
    const two = engine === 'postgres' ? new SqlDrillStore(await open.again()) : one;
    expect((await Promise.all([one.insert(drill('d1', T0)), two.insert(drill('d1', T0, { startedBy: 'other' }))])).sort()).toEqual([false, true]);
    expect((await Promise.all([one.end('d1', T0 + 1), two.end('d1', T0 + 2)])).sort()).toEqual([false, true]);
    expect(await one.list(10)).toHaveLength(1);
  });
});
