/**
 * {@link Sql} over PostgreSQL (node-postgres): a pool of connections; a transaction holds one of
 * them for its whole length, and every statement issued inside it (by any adapter) goes there.
 *
 * Every wait on the server is bounded, so a frozen, overloaded or unreachable PostgreSQL fails a
 * request with {@link StoreUnavailableError} (503) instead of leaving it, the alarm engine's commit
 * queue and the pool's connections waiting with no end:
 * - a statement: the server cancels one still running after `statementMs`; one the server does not
 *   answer at all (frozen, network cut) is given up by the client a second later;
 * - a connection: `connectMs` to get one from the pool, free or newly made.
 * A connection whose statement was given up is dropped, never handed to the next user: node-postgres
 * leaves it waiting for the lost answer, and every statement sent on it would queue behind that.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import { systemTimers, type Timers } from '../services/clock.ts';
import { retry } from '../services/retry.ts';
import { StoreUnavailableError } from '../services/store.errors.ts';
import { TransactionAborted, lockKey, numberedPlaceholders, type RunResult, type Sql, type SqlValue } from './sql.ts';

/** Connections per node: alarm commits, requests and background work share them. */
const POOL_SIZE = 10;

export interface PostgresLimits {
  /**
   * How long one statement may run (server-side `statement_timeout`; the client gives up a second
   * later). Vigil's statements take milliseconds; the longest legitimate waits are a KPI query over
   * a long period and the audit append waiting for the chain's lock behind another node's commit,
   * both far below the default. Migrations are not bounded (they run on a connection of their own).
   */
  statementMs?: number;
  /** How long to wait for a connection: a free one from the pool, or a new one made. */
  connectMs?: number;
  /**
   * How many times, in all, a transaction is run when the server aborts it as a deadlock's victim
   * or for a serialisation failure (see {@link CONFLICT_STATES}); 1 never runs it again.
   */
  transactionAttempts?: number;
}

export const DEFAULT_LIMITS: Required<PostgresLimits> = { statementMs: 12_000, connectMs: 5_000, transactionAttempts: 5 };

/**
 * The server aborted the transaction only because of another running at the same time: a deadlock
 * (40P01) or a serialisation failure (40001). Nothing of it was committed and running it again is
 * the remedy PostgreSQL documents. Lock order (docs/architecture.md "Several nodes") keeps Vigil's
 * own transactions out of deadlocks; this covers what is left (a lock another tool takes, a future
 * path taking locks out of order), so an alarm commit that lost such a race still lands.
 */
const CONFLICT_STATES = /^(40P01|40001)$/;

/** Short and jittered: the other transaction holds its locks for milliseconds, and two victims must not meet again. */
const CONFLICT_BACKOFF = { initialMs: 5, maxMs: 100, jitter: 1 };

/** The client's bound past the server's: on a server that answers, its own cancel comes first and the connection stays usable. */
const CLIENT_MARGIN_MS = 1_000;

/**
 * A transaction left open by a node that stopped mid-way (frozen, cut off) holds its locks, the
 * audit chain's among them, until the server ends it. Vigil's transactions do no waiting of their
 * own between statements, so a minute idle is never legitimate.
 */
const IDLE_IN_TRANSACTION_MS = 60_000;

/**
 * The server's errors that say it cannot serve now rather than that the statement is wrong:
 * cancelled by statement_timeout (57014), shutting down or starting (57P01–57P03), the connection
 * failing (class 08), an idle transaction ended (25P03).
 */
const UNAVAILABLE_STATES = /^(57014|57P0[123]|08...|25P03)$/;

/**
 * Whether `err` means the store is unavailable. node-postgres reports its own timeouts ("Query read
 * timeout", "timeout exceeded when trying to connect") and broken connections as plain errors and
 * socket errors; what the server refuses arrives as a DatabaseError with a SQLSTATE.
 */
function unavailable(err: unknown): boolean {
  if (err instanceof pg.DatabaseError) return UNAVAILABLE_STATES.test(err.code ?? '');
  // TypeError and RangeError: a bad call (a value node-postgres cannot send), not the server.
  return err instanceof Error && !(err instanceof TypeError) && !(err instanceof RangeError) && !(err instanceof TransactionAborted);
}

/** `err` as the caller should see it: a StoreUnavailableError when the store could not answer. */
function translated(err: unknown): unknown {
  if (err instanceof StoreUnavailableError || !unavailable(err)) return err;
  return new StoreUnavailableError((err as Error).message, { cause: err });
}

/** BIGINT (count, sums, epoch ms) and NUMERIC come back as numbers, as SQLite gives them. */
const TYPES = {
  getTypeParser(oid: number, format?: string): (value: string) => unknown {
    if (oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC) return Number;
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

interface Transaction {
  client: pg.PoolClient;
  open: boolean;
  /** Why the connection can no longer be trusted (a statement given up, the connection failing); it is then dropped. */
  lost?: Error;
  /** A statement in it was aborted for a deadlock or serialisation failure (even if the caller caught it): it may run again. */
  conflict?: Error;
}

/** Whether the server aborted the statement's transaction for a conflict with another ({@link CONFLICT_STATES}). */
function isConflict(err: unknown): boolean {
  return err instanceof pg.DatabaseError && CONFLICT_STATES.test(err.code ?? '');
}

/** Thrown by an attempt whose transaction the server aborted for a conflict, whatever the caller made of the error. */
class ConflictAborted extends Error {}

/** A schema step: SQL run once, in order, each in its own transaction. */
export type PostgresMigration = string;

export class PostgresSql implements Sql {
  readonly dialect = 'postgres';
  private readonly context = new AsyncLocalStorage<Transaction>();
  private readonly text = new Map<string, string>();
  private closed: Promise<void> | undefined;

  constructor(
    readonly pool: pg.Pool,
    private readonly attempts = DEFAULT_LIMITS.transactionAttempts,
    private readonly timers: Timers = systemTimers,
  ) {}

  async all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return (await this.query(sql, params)).rows as T[];
  }

  async get<T>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    return (await this.query(sql, params)).rows[0] as T | undefined;
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<RunResult> {
    return { changes: (await this.query(sql, params)).rowCount ?? 0 };
  }

  /**
   * A transaction started inside another joins it; the outermost one is run again, whole, when the
   * server aborted it for a conflict with another (deadlock, serialisation failure), up to
   * `attempts` times. `fn` must therefore do nothing outside the database that cannot be done
   * twice before it resolves: every body in Vigil only reads and writes the store (the alarm commit's
   * held times are taken again by `RetainedGate.savedWith`, the notification wake-up of a rolled
   * back row finds nothing to claim).
   */
  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    if (this.context.getStore()?.open) return fn();
    return retry(() => this.attempt(fn), {
      timers: this.timers,
      backoff: CONFLICT_BACKOFF,
      maxAttempts: this.attempts,
      shouldRetry: (err) => err instanceof ConflictAborted,
    }).catch((err: unknown) => Promise.reject(err instanceof ConflictAborted ? err.cause : err));
  }

  /** One run of a transaction; rejects with ConflictAborted (the server's error as its cause) when it lost to another. */
  private async attempt<T>(fn: () => Promise<T>): Promise<T> {
    const client = await this.pool.connect().catch((err: unknown) => Promise.reject(translated(err)));
    const tx: Transaction = { client, open: true };
    // A checked-out connection that fails emits 'error' with no pool listening: unheard, it would
    // end the process.
    const onError = (err: Error): void => void (tx.lost ??= err);
    client.on('error', onError);
    try {
      await this.onTransaction(tx, 'BEGIN');
      const result = await this.context.run(tx, fn);
      // The caller caught a lost connection's error: the transaction cannot be committed.
      if (tx.lost) throw translated(tx.lost);
      // After a failed statement (even one whose error the caller caught) PostgreSQL answers
      // COMMIT with ROLLBACK and no error: the transaction must not look committed.
      if ((await this.onTransaction(tx, 'COMMIT')).command !== 'COMMIT') throw new TransactionAborted();
      return result;
    } catch (err) {
      // A lost connection is still waiting for its answer and a ROLLBACK would queue behind it;
      // dropping the connection rolls the transaction back on the server.
      if (!tx.lost) await client.query('ROLLBACK').catch((e: Error) => (tx.lost = e));
      if (tx.conflict && !tx.lost) throw new ConflictAborted(tx.conflict.message, { cause: tx.conflict });
      throw err;
    } finally {
      tx.open = false;
      client.off('error', onError);
      // A connection that was lost or whose rollback failed is in an unknown state: the pool must not reuse it.
      client.release(tx.lost);
    }
  }

  async lockInTransaction(key: string): Promise<void> {
    const tx = this.context.getStore();
    if (!tx?.open) throw new Error(`lockInTransaction('${key}') outside a transaction`);
    await this.onTransaction(tx, 'SELECT pg_advisory_xact_lock($1)', [lockKey(key)]);
  }

  jsonText(column: string, path: readonly string[]): string {
    return `(${column}::jsonb #>> '{${path.join(',')}}')`;
  }

  jsonNumber(column: string, path: readonly string[]): string {
    return `(${this.jsonText(column, path)})::double precision`;
  }

  /** Waits for the transactions in progress (the pool ends once their connections are back); once. */
  close(): Promise<void> {
    this.closed ??= this.pool.end();
    return this.closed;
  }

  private query(sql: string, params: readonly SqlValue[]): Promise<pg.QueryResult> {
    let text = this.text.get(sql);
    if (text === undefined) {
      text = numberedPlaceholders(sql);
      if (this.text.size < 1000) this.text.set(sql, text);
    }
    const tx = this.context.getStore();
    if (tx?.open) return this.onTransaction(tx, text, params);
    // The pool drops the connection of a statement that failed, so one given up is never reused.
    return this.pool.query(text, params as unknown[]).catch((err: unknown) => Promise.reject(translated(err)));
  }

  /** A statement on the transaction's connection; one the store does not answer marks the connection lost. */
  private async onTransaction(tx: Transaction, text: string, params: readonly unknown[] = []): Promise<pg.QueryResult> {
    if (tx.lost) throw translated(tx.lost);
    try {
      return await tx.client.query(text, params as unknown[]);
    } catch (err) {
      if (unavailable(err)) tx.lost ??= err as Error;
      if (isConflict(err)) tx.conflict ??= err as Error;
      throw translated(err);
    }
  }
}

/**
 * Connects to `url` and brings its schema up to date. Migrations run under an advisory lock, so
 * two nodes starting together apply each step once; on a connection of their own with no statement
 * bound, since a step may rewrite a large table and a node may wait for another's steps.
 */
export async function openPostgres(
  url: string,
  migrations: readonly PostgresMigration[],
  onError: (err: Error) => void,
  limits: PostgresLimits = {},
): Promise<PostgresSql> {
  const { statementMs, connectMs, transactionAttempts } = { ...DEFAULT_LIMITS, ...limits };
  await migrate(new pg.Client({ connectionString: url, connectionTimeoutMillis: connectMs }), migrations);
  const pool = new pg.Pool({
    connectionString: url,
    max: POOL_SIZE,
    types: TYPES,
    connectionTimeoutMillis: connectMs,
    statement_timeout: statementMs,
    query_timeout: statementMs + CLIENT_MARGIN_MS,
    idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_MS,
    // Idle connections to a server that vanished without a word (host down, network cut) are found
    // by the kernel's probes instead of by the next statement sent on them.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  });
  // An idle connection dropped by the server emits here; unhandled, it would end the process.
  pool.on('error', onError);
  return new PostgresSql(pool, transactionAttempts);
}

async function migrate(client: pg.Client, migrations: readonly PostgresMigration[]): Promise<void> {
  // Errors of this connection reach the statement waiting on it; with none waiting there is nothing to do.
  client.on('error', () => undefined);
  await client.connect().catch((err: unknown) => Promise.reject(translated(err)));
  try {
    await client.query('SELECT pg_advisory_lock($1)', [lockKey('vigil.migrate')]);
    await client.query('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
    const row = (await client.query<{ version: number }>('SELECT version FROM schema_version')).rows[0];
    if (row === undefined) await client.query('INSERT INTO schema_version (version) VALUES (0)');
    for (let v = row?.version ?? 0; v < migrations.length; v++) {
      await client.query('BEGIN');
      try {
        await client.query(migrations[v]!);
        await client.query('UPDATE schema_version SET version = $1', [v + 1]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw new Error(`PostgreSQL migration ${v + 1} failed: ${(err as Error).message}`, { cause: err });
      }
    }
  } finally {
    // Ending the session releases its advisory lock too.
    await client.end().catch(() => undefined);
  }
}
