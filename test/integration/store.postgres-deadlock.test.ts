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
  const { url, a, b } = await twoNodes();
  await a.run('CREATE TABLE tally (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)');
  await a.run('INSERT INTO tally (id, n) VALUES (1, 0), (2, 0)');

  // Each takes one row, then (first run only) waits until the other has its row too, then takes
  // the other's row: a deadlock, and PostgreSQL aborts one of them.
  const runs = { a: 0, b: 0 };
  const holding = { a: gate(), b: gate() };
  const crossing = (sql: PostgresSql, me: 'a' | 'b', mine: number, theirs: number) =>
    sql.transaction(async () => {
      runs[me]++;
      await sql.run('UPDATE tally SET n = n + 1 WHERE id = ?', [mine]);
      if (runs[me] === 1) {
        holding[me].open();
        await holding[me === 'a' ? 'b' : 'a'].promise;
      }
      await sql.run('UPDATE tally SET n = n + 1 WHERE id = ?', [theirs]);
    });
  const outcomes = await Promise.allSettled([crossing(a, 'a', 1, 2), crossing(b, 'b', 2, 1)]);

  expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled']);
  // One of them ran twice: the deadlock happened, and its first run left nothing.
  expect(runs.a + runs.b).toBe(3);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query<{ id: number; n: number }>('SELECT id, n FROM tally ORDER BY id');
  await client.end();
  expect(rows).toEqual([
    { id: 1, n: 2 },
    { id: 2, n: 2 },
  ]);
});
