// The audit trail on every store engine: each filter of `GET /api/audit` narrows the answer, pages
// follow `before`, the verification says when it walked the chain, and concurrent appends — two
// nodes on one PostgreSQL — still make one unbroken chain.
import { expect, it } from 'vitest';
import { SqlAuditLog } from '../../server/src/adapters/sql.audit.ts';
import { eachStore, type OpenStore } from '../support/stores.ts';

const T0 = Date.parse('2026-12-01T08:00:00Z');

async function trail(open: OpenStore) {
  const log = new SqlAuditLog(await open(), () => T0 + 999_000);
  await log.append({ actor: 'admin1', action: 'user.create', target: 'user:ann', at: T0 + 1 });
  await log.append({ actor: 'admin1', action: 'user.reset_password', target: 'user:ann', at: T0 + 2 });
  await log.append({ actor: 'ann', action: 'alarm.ack', target: 'alarm:al_1', at: T0 + 3 });
  await log.append({ actor: 'bob', action: 'alarm.ack', target: 'alarm:al_2', at: T0 + 4 });
  await log.append({ actor: 'admin1', action: 'apikey.create', target: 'apikey:vk_1', at: T0 + 5 });
  // Not in the `user.*` family: the family is its prefix with the dot.
  await log.append({ actor: 'admin1', action: 'userx.create', target: 'thing:1', at: T0 + 6 });
  return log;
}
const all = { from: 0, to: T0 + 10_000, limit: 100 };
const ids = (entries: { id: number }[]) => entries.map((e) => e.id);

eachStore((open, engine) => {
  it('lists newest first, and narrows by actor, exact action, target and action family', async () => {
    const log = await trail(open);
    expect(ids(await log.list(all))).toEqual([6, 5, 4, 3, 2, 1]);
    expect(ids(await log.list({ ...all, actor: 'ann' }))).toEqual([3]);
    expect(ids(await log.list({ ...all, action: 'alarm.ack' }))).toEqual([4, 3]);
    expect(ids(await log.list({ ...all, target: 'alarm:al_2' }))).toEqual([4]);
    expect(ids(await log.list({ ...all, action: 'user.*' }))).toEqual([2, 1]);
    expect(ids(await log.list({ ...all, actor: 'admin1', action: 'user.*', target: 'user:ann' }))).toEqual([2, 1]);
  });

  it('pages with before (entries older than the last one shown) and keeps the time window', async () => {
    const log = await trail(open);
    expect(ids(await log.list({ ...all, limit: 2 }))).toEqual([6, 5]);
    expect(ids(await log.list({ ...all, limit: 2, before: 5 }))).toEqual([4, 3]);
    expect(ids(await log.list({ ...all, from: T0 + 2, to: T0 + 4 }))).toEqual([4, 3, 2]);
  });

  it('verification reports the entries walked and when', async () => {
    expect(await (await trail(open)).verify()).toEqual({ ok: true, entries: 6, checkedAt: T0 + 999_000 });
  });

  // PostgreSQL: two connections, as two nodes have. SQLite: one connection shared by concurrent
  // requests (a second connection in the same process would wait on the first synchronously).
  it('appends made at once still make one unbroken chain', async () => {
    const a = new SqlAuditLog(await open());
    const b = engine === 'postgres' ? new SqlAuditLog(await open.again()) : a;
    const appends = Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).append({ actor: `n${i % 2}`, action: 'alarm.ack', target: `alarm:al_${i}` }));
    await Promise.all(appends);
    expect(await a.verify()).toMatchObject({ ok: true, entries: 40 });
  });

  it('an entry appended in a transaction that rolls back goes with it, and the chain stays whole', async () => {
    const sql = await open();
    const log = new SqlAuditLog(sql);
    await log.append({ actor: 'ann', action: 'alarm.ack', target: 'alarm:al_1' });
    await expect(
      sql.transaction(async () => {
        await log.append({ actor: 'ann', action: 'alarm.reset', target: 'alarm:al_1' });
        throw new Error('the change it records failed');
      }),
    ).rejects.toThrow('the change it records failed');
    await log.append({ actor: 'bob', action: 'alarm.ack', target: 'alarm:al_2' });
    expect((await log.list({ from: 0, to: Date.now() + 60_000, limit: 10 })).map((e) => e.action)).toEqual(['alarm.ack', 'alarm.ack']);
    expect(await log.verify()).toMatchObject({ ok: true, entries: 2 });
  });
});
