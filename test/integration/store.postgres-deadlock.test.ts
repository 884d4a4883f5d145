// Two nodes on one PostgreSQL must not lose an alarm commit to a deadlock (docs/architecture.md
// "Several nodes", lock order). Two guarantees, each with the interleaving that used to fail forced
// by promises the test holds, not by timing:
// - the held times written inside an alarm commit and by the periodic save (on this node or
//   another) lock their rows in one order, so the two wait for each other instead of deadlocking;
// - a transaction PostgreSQL still aborts as a deadlock's victim (40P01) is run again, whole, and
//   lands once (server/src/adapters/sql.postgres.ts).
// The database's deadlock_timeout is 50 ms instead of 1 s: a deadlock is found, and the test ends, sooner.
import pg from 'pg';
import { afterEach, expect, it } from 'vitest';
import { POSTGRES_MIGRATIONS } from '../../server/src/adapters/postgres.migrations.ts';
import { SqlAlarmStore } from '../../server/src/adapters/sql.alarms.ts';
import { SqlAuditLog } from '../../server/src/adapters/sql.audit.ts';
import { SqlHeldTimes } from '../../server/src/adapters/sql.held-times.ts';
import { openPostgres, type PostgresLimits, type PostgresSql } from '../../server/src/adapters/sql.postgres.ts';
import type { Sql } from '../../server/src/adapters/sql.ts';
import type { HeldTime } from '../../server/src/domain/retained.ts';
import { postgresDatabases } from '../support/postgres.ts';

const database = postgresDatabases();
const opened: PostgresSql[] = [];

afterEach(async () => {
  for (const sql of opened.splice(0)) await sql.close();
});

/** Two connections ("nodes") to a fresh database whose deadlocks are found after 50 ms. */
async function twoNodes(limits: PostgresLimits = {}): Promise<{ url: string; a: PostgresSql; b: PostgresSql }> {
  const url = await database();
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`ALTER DATABASE "${new URL(url).pathname.slice(1)}" SET deadlock_timeout = '50ms'`);
  await admin.end();
  const a = await openPostgres(url, POSTGRES_MIGRATIONS, () => undefined, limits);
  const b = await openPostgres(url, POSTGRES_MIGRATIONS, () => undefined, limits);
  opened.push(a, b);
  return { url, a, b };
}

/** Settles once some statement on the database at `url` waits for a lock another transaction holds. */
async function someoneWaitsForALock(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const deadline = Date.now() + 5_000;
    for (;;) {
      const { rows } = await client.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
      );
      if (rows[0]!.n > 0) return;
      if (Date.now() > deadline) throw new Error('no statement came to wait for a lock');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  } finally {
    await client.end();
  }
}

/** A promise the test resolves. */
function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** `sql`, with its `n`-th statement held back until `release` settles; `reached` settles when it is. */
function pausedBefore(sql: Sql, n: number, release: Promise<void>): { sql: Sql; reached: Promise<void> } {
  const at = gate();
  let count = 0;
  const paused = new Proxy(sql, {
    get(target, name, receiver) {
      if (name !== 'run') return Reflect.get(target, name, receiver) as unknown;
      return async (text: string, params?: never[]) => {
        if (++count === n) {
          at.open();
          await release;
        }
        return target.run(text, params);
      };
    },
  });
  return { sql: paused, reached: at.promise };
}

it('the alarm commit’s held times and the periodic save lock their rows in one order: both commit, no deadlock', async () => {
  // No second run: a deadlock would show here as the failure it is.
  const { url, a, b } = await twoNodes({ transactionAttempts: 1 });
  // More than one statement's batch (128 rows): a save spans two statements, and holds the first's
  // rows while it sends the second.
  const keys = Array.from({ length: 129 }, (_, i) => `GAS-${String(i).padStart(3, '0')}`);
  const times = (ts: number, order: string[]): HeldTime[] => order.map((sensorId) => ({ sensorId, channel: 'reading', drill: null, ts }));
  await new SqlHeldTimes(a).save({ upserts: times(1, keys), deletes: [] });

  // Node A's save, the sensors in the order they were last heard (the newest first), stops between
  // its two statements; node B's, in another order, starts then.
  const release = gate();
  const first = pausedBefore(a, 2, release.promise);
  const saveA = new SqlHeldTimes(first.sql).save({ upserts: times(2, [...keys].reverse()), deletes: [] });
  await first.reached;
  const saveB = new SqlHeldTimes(b).save({ upserts: times(3, keys), deletes: [] });
  await someoneWaitsForALock(url);
  release.open();

  const outcomes = await Promise.allSettled([saveA, saveB]);
  expect(outcomes.map((o) => (o.status === 'rejected' ? String((o.reason as Error).message) : 'committed'))).toEqual(['committed', 'committed']);
  // B waited for A: its times are the last written, on every row.
  expect(new Set((await new SqlHeldTimes(b).load()).map((h) => h.ts))).toEqual(new Set([3]));
});

it('a transaction PostgreSQL aborts as a deadlock’s victim (40P01) is run again, whole, and lands once', async () => {
  const { a, b } = await twoNodes();
  const stores = { a: { alarms: new SqlAlarmStore(a), audit: new SqlAuditLog(a) }, b: { alarms: new SqlAlarmStore(b), audit: new SqlAuditLog(b) } };

  // The two locks of an alarm commit, taken in opposite orders (no Vigil path does; a deadlock is
  // forced here to see what becomes of its victim): A numbers its event (the `event_seq` row) then
  // appends to the audit chain (`vigil.audit`); B appends first, then numbers. Each, on its first
  // run only, waits after its first lock until the other holds its own.
  const runs = { a: 0, b: 0 };
  const holding = { a: gate(), b: gate() };
  const commit = (me: 'a' | 'b') =>
    (me === 'a' ? a : b).transaction(async () => {
      runs[me]++;
      const steps = [() => stores[me].alarms.takeSeq(1), () => stores[me].audit.append({ actor: me, action: 'alarm.raised', target: `alarm:${me}` })];
      if (me === 'b') steps.reverse();
      await steps[0]!();
      if (runs[me] === 1) {
        holding[me].open();
        await holding[me === 'a' ? 'b' : 'a'].promise;
      }
      await steps[1]!();
    });
  const outcomes = await Promise.allSettled([commit('a'), commit('b')]);

  expect(outcomes.map((o) => (o.status === 'rejected' ? String((o.reason as Error).message) : 'committed'))).toEqual(['committed', 'committed']);
  // One of them ran twice: the deadlock happened, and its first run left nothing behind.
  expect(runs.a + runs.b).toBe(3);
  expect(await a.get('SELECT seq FROM event_seq WHERE id = 1')).toEqual({ seq: 2 });
  expect(await stores.a.audit.verify()).toMatchObject({ ok: true, entries: 2 });
});
