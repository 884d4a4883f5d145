// A frozen PostgreSQL must not hang the API (README "Several nodes (high availability)", failure
// modes): every statement and every wait for a connection is bounded (server/src/adapters/sql.postgres.ts),
// the failure is a StoreUnavailableError that the HTTP layer answers 503 STORE_UNAVAILABLE, and a
// connection whose statement was given up is dropped, never handed to the next user. node-postgres
// leaves such a connection waiting for the lost answer; returned to the pool in the middle of a
// transaction, it would take the next user's statements into that transaction once the server
// resumes, and they would never be committed.
//
// A PostgreSQL server of this file's own, frozen with SIGSTOP (the run's shared one would stall the
// other files), and bounds of half a second instead of the 12 s / 5 s defaults.
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openPostgres, type PostgresSql } from '../../server/src/adapters/sql.postgres.ts';
import { POSTGRES_MIGRATIONS } from '../../server/src/adapters/postgres.migrations.ts';
import { answerOf } from '../../server/src/http/errors.middleware.ts';
import { StoreUnavailableError } from '../../server/src/services/store.errors.ts';
import { signalPostgres, startPostgres, type PostgresHandle } from '../support/postgres.ts';

const LIMITS = { statementMs: 500, connectMs: 500 };
/** The statement bound plus the client's margin (1 s) past the server's own, and scheduling slack on a loaded machine. */
const ANSWER_WITHIN_MS = LIMITS.statementMs + 1_000 + 1_500;
/** More than the pool's connections: some of them must wait for one, or make a new one on the frozen server. */
const CONCURRENT = 12;

let server: PostgresHandle | undefined;
let sql: PostgresSql | undefined;
let url = '';
let frozen = false;

beforeAll(async () => {
  server = await startPostgres();
  url = await server.createDatabase();
  sql = await openPostgres(url, POSTGRES_MIGRATIONS, () => undefined, LIMITS);
  await sql.run('CREATE TABLE probe (tag TEXT NOT NULL)');
});

afterAll(async () => {
  if (server && frozen) signalPostgres(server, 'SIGCONT');
  await sql?.close();
  await server?.stop();
});

function freeze(on: boolean): void {
  signalPostgres(server!, on ? 'SIGSTOP' : 'SIGCONT');
  frozen = on;
}

/** How `work` fails, and after how long. */
async function failure(work: Promise<unknown>): Promise<{ err: unknown; ms: number }> {
  const started = Date.now();
  const err = await work.then(
    () => new Error('it succeeded on a frozen server'),
    (e: unknown) => e,
  );
  return { err, ms: Date.now() - started };
}

/** Rows tagged `like`, as a connection of its own sees them: only what was committed. */
async function committed(like: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM probe WHERE tag LIKE $1', [like])).rows[0]!.n);
  } finally {
    await client.end();
  }
}

it('fails statements, waits for a connection and transactions within the bound while PostgreSQL is frozen (503 STORE_UNAVAILABLE), and every connection is sound once it resumes', async () => {
  const s = sql!;
  // Several connections in the pool, idle, before the freeze.
  await Promise.all(Array.from({ length: 4 }, (_, i) => s.run('INSERT INTO probe (tag) VALUES (?)', [`warm-${i}`])));

  freeze(true);
  // A statement of its own, and at the same time more than the pool holds: idle connections time
  // out, new ones are never let in.
  const [statement, ...many] = await Promise.all([
    failure(s.get('SELECT 1')),
    ...Array.from({ length: CONCURRENT }, (_, i) => failure(s.run('INSERT INTO probe (tag) VALUES (?)', [`frozen-${i}`]))),
  ]);
  expect(statement!.err).toBeInstanceOf(StoreUnavailableError);
  expect(statement!.ms).toBeLessThan(ANSWER_WITHIN_MS);
  expect(answerOf(statement!.err)).toMatchObject({ status: 503, code: 'STORE_UNAVAILABLE', retryAfterS: 5 });
  for (const m of many) {
    expect(m.err).toBeInstanceOf(StoreUnavailableError);
    expect(m.ms).toBeLessThan(ANSWER_WITHIN_MS + LIMITS.connectMs);
  }
  freeze(false);

  // A transaction under way when the server freezes: its statement is given up, and its
  // connection must not go back to the pool (the next statements, after the thaw, would take it).
  const inTransaction = await failure(
    s.transaction(async () => {
      await s.run("INSERT INTO probe (tag) VALUES ('tx-before')");
      freeze(true);
      await s.run("INSERT INTO probe (tag) VALUES ('tx-frozen')");
    }),
  );
  expect(inTransaction.err).toBeInstanceOf(StoreUnavailableError);
  expect(inTransaction.ms).toBeLessThan(ANSWER_WITHIN_MS);
  freeze(false);
  process.stdout.write(
    `[postgres frozen] statement ${statement!.ms} ms, ${CONCURRENT} at once within ${Math.max(...many.map((m) => m.ms))} ms, transaction ${inTransaction.ms} ms\n`,
  );

  // Every pooled connection used, and more: each insert must be committed on its own.
  await Promise.all(Array.from({ length: CONCURRENT }, (_, i) => s.run('INSERT INTO probe (tag) VALUES (?)', [`after-${i}`])));
  await s.transaction(async () => {
    await s.run("INSERT INTO probe (tag) VALUES ('after-tx')");
  });
  expect(await committed('after-%')).toBe(CONCURRENT + 1);
  // The frozen transaction was rolled back, its first statement too.
  expect(await committed('tx-%')).toBe(0);
});

// A connection checked out for a transaction has no pool listening to it: when the server ends it
// between two statements (an administrator, a restart, idle_in_transaction_session_timeout),
// node-postgres emits 'error' on it, which would end the process if nobody heard it.
it('survives the server ending a transaction’s connection between two statements: the transaction fails as unavailable, nothing of it is committed', async () => {
  const s = sql!;
  let client: pg.PoolClient | undefined;
  s.pool.once('acquire', (c: pg.PoolClient) => (client = c));
  const ended = s.transaction(async () => {
    await s.run("INSERT INTO probe (tag) VALUES ('ended-tx')");
    const { pid } = (await s.get<{ pid: number }>('SELECT pg_backend_pid() AS pid'))!;
    // node-postgres emits 'error' on the connection before 'end'.
    const gone = new Promise((resolve) => client!.once('end', resolve));
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    // Waits (up to 5 s) until the backend has exited.
    await admin.query('SELECT pg_terminate_backend($1, 5000)', [pid]).finally(() => admin.end());
    await gone;
  });
  await expect(ended).rejects.toBeInstanceOf(StoreUnavailableError);
  expect(await committed('ended-%')).toBe(0);
  await s.run("INSERT INTO probe (tag) VALUES ('ended-after')");
  expect(await committed('ended-after')).toBe(1);
});

// A server that answers cancels a statement past the bound itself (statement_timeout), before the
// client's own bound: its work stops there instead of running on after the client gave up.
it('has a statement past the bound cancelled by the server (57014) before the client gives up, answered 503 too', async () => {
  const slow = await failure(sql!.get('SELECT pg_sleep(5)'));
  expect(slow.err).toBeInstanceOf(StoreUnavailableError);
  expect(((slow.err as Error).cause as { code?: string }).code).toBe('57014');
  expect(slow.ms).toBeLessThan(LIMITS.statementMs + 1_000);
});
