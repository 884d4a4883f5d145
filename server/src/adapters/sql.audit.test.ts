// The audit trail's read side on a real SQLite file: each filter of `GET /api/audit` narrows the
// answer, pages follow `before`, and the verification says when it walked the chain.
import { describe, expect, it } from 'vitest';
import { tempDatabases } from '../../../test/support/sqlite.temp.ts';
import { SqlAuditLog } from './sql.audit.ts';
import { SqliteSql } from './sql.sqlite.ts';

const open = tempDatabases('vigil-audit-');
const T0 = Date.parse('2026-12-01T08:00:00Z');

async function trail() {
  const log = new SqlAuditLog(new SqliteSql(open().db), () => T0 + 999_000);
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

describe('audit trail queries', async () => {
  it('lists newest first, and narrows by actor, exact action, target and action family', async () => {
    const log = await trail();
    expect(ids(await log.list(all))).toEqual([6, 5, 4, 3, 2, 1]);
    expect(ids(await log.list({ ...all, actor: 'ann' }))).toEqual([3]);
    expect(ids(await log.list({ ...all, action: 'alarm.ack' }))).toEqual([4, 3]);
    expect(ids(await log.list({ ...all, target: 'alarm:al_2' }))).toEqual([4]);
    expect(ids(await log.list({ ...all, action: 'user.*' }))).toEqual([2, 1]);
    expect(ids(await log.list({ ...all, actor: 'admin1', action: 'user.*', target: 'user:ann' }))).toEqual([2, 1]);
  });

  it('pages with before (entries older than the last one shown) and keeps the time window', async () => {
    const log = await trail();
    expect(ids(await log.list({ ...all, limit: 2 }))).toEqual([6, 5]);
    expect(ids(await log.list({ ...all, limit: 2, before: 5 }))).toEqual([4, 3]);
    expect(ids(await log.list({ ...all, from: T0 + 2, to: T0 + 4 }))).toEqual([4, 3, 2]);
  });

  it('verification reports the entries walked and when', async () => {
    expect(await (await trail()).verify()).toEqual({ ok: true, entries: 6, checkedAt: T0 + 999_000 });
  });
});
