// Held times on every store engine. They must survive a restart (kill -9 included) or a restart
// replays retained smoke events into the alarm engine (services/retained.gate.ts); and they are
// written in the alarm commit's transaction, so they go with it when it rolls back.
import { expect, it } from 'vitest';
import { SqlHeldTimes } from '../../server/src/adapters/sql.held-times.ts';
import type { HeldTime } from '../../server/src/domain/retained.ts';
import { eachStore } from '../support/stores.ts';

const byTime = (rows: HeldTime[]) => [...rows].sort((a, b) => a.ts - b.ts);

eachStore((open) => {
  it('keeps held times for the next run, real and drill traffic apart; the newer time wins; deletes remove', async () => {
    const sql = await open();
    const store = new SqlHeldTimes(sql);
    await store.save({
      upserts: [
        { sensorId: 'GAS-1', channel: 'reading', drill: null, ts: 2000 },
        { sensorId: 'GAS-1', channel: 'reading', drill: 'd1', ts: 3000 },
        { sensorId: 'U-1', channel: 'event', drill: null, ts: 1000 },
      ],
      deletes: [],
    });
    // A save retried after a failure may carry an older time than one saved since.
    await store.save({
      upserts: [{ sensorId: 'GAS-1', channel: 'reading', drill: null, ts: 1500 }],
      deletes: [{ sensorId: 'U-1', channel: 'event', drill: null }],
    });
    await store.save({ upserts: [{ sensorId: 'GAS-1', channel: 'reading', drill: 'd1', ts: 3500 }], deletes: [] });

    // The next run's adapter: nothing is cached in the one that wrote.
    expect(byTime(await new SqlHeldTimes(sql).load())).toEqual([
      { sensorId: 'GAS-1', channel: 'reading', drill: null, ts: 2000 },
      { sensorId: 'GAS-1', channel: 'reading', drill: 'd1', ts: 3500 },
    ]);
  });

  it('writes inside a caller transaction and goes with it when that rolls back (the alarm commit)', async () => {
    const sql = await open();
    const store = new SqlHeldTimes(sql);
    await expect(
      sql.transaction(async () => {
        await store.save({ upserts: [{ sensorId: 'SMK-1', channel: 'event', drill: null, ts: 5 }], deletes: [] });
        throw new Error('alarm commit failed');
      }),
    ).rejects.toThrow('alarm commit failed');
    expect(await store.load()).toEqual([]);
    await sql.transaction(() => store.save({ upserts: [{ sensorId: 'SMK-1', channel: 'event', drill: null, ts: 5 }], deletes: [] }));
    expect(await store.load()).toEqual([{ sensorId: 'SMK-1', channel: 'event', drill: null, ts: 5 }]);
  });

  it('saves many sensors at once (every sensor heard since the last save), a key given twice keeping its newer time', async () => {
    const sql = await open();
    const store = new SqlHeldTimes(sql);
    const many = Array.from({ length: 301 }, (_, i) => ({ sensorId: `B-${i}`, channel: 'reading' as const, drill: null, ts: 1000 + i }));
    const twice = [
      { sensorId: 'B-7', channel: 'reading' as const, drill: null, ts: 5 },
      { sensorId: 'B-8', channel: 'reading' as const, drill: null, ts: 9999 },
    ];
    await store.save({ upserts: [...many.slice(0, 10), ...twice, ...many.slice(10)], deletes: [] });
    const held = new Map((await store.load()).map((h) => [h.sensorId, h.ts]));
    expect(held.size).toBe(301);
    expect([held.get('B-0'), held.get('B-7'), held.get('B-8'), held.get('B-300')]).toEqual([1000, 1007, 9999, 1300]);
  });

  it('writes all of a save or none of it', async () => {
    const sql = await open();
    const store = new SqlHeldTimes(sql);
    await store.save({ upserts: [{ sensorId: 'GAS-1', channel: 'reading', drill: null, ts: 10 }], deletes: [] });
    // A time that is not a number fails the second upsert: the delete before it must not stay.
    const bad = { sensorId: 'GAS-2', channel: 'reading', drill: null, ts: null as unknown as number } as const;
    await expect(store.save({ upserts: [bad], deletes: [{ sensorId: 'GAS-1', channel: 'reading', drill: null }] })).rejects.toThrow();
    expect(await store.load()).toEqual([{ sensorId: 'GAS-1', channel: 'reading', drill: null, ts: 10 }]);
  });
});
