/**
 * {@link Sql} over PostgreSQL (node-postgres): a pool of connections; a transaction holds one of
 * them for its whole length, and every statement issued inside it (by any adapter) goes there.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import { TransactionAborted, lockKey, numberedPlaceholders, type RunResult, type Sql, type SqlValue } from './sql.ts';

/** Connections per node: alarm commits, requests and background work share them. */
const POOL_SIZE = 10;

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
}

/** A schema step: SQL run once, in order, each in its own transaction. */
export type PostgresMigration = string;

export class PostgresSql implements Sql {
  readonly dialect = 'postgres';
  private readonly context = new AsyncLocalStorage<Transaction>();
  private readonly text = new Map<string, string>();
  private closed: Promise<void> | undefined;

  constructor(readonly pool: pg.Pool) {}

  async all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return (await this.query(sql, params)).rows as T[];
  }

  async get<T>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    return (await this.query(sql, params)).rows[0] as T | undefined;
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<RunResult> {
    return { changes: (await this.query(sql, params)).rowCount ?? 0 };
  }

  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    if (this.context.getStore()?.open) return fn();
    const client = await this.pool.connect();
    const tx: Transaction = { client, open: true };
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await this.context.run(tx, fn);
      // After a failed statement (even one whose error the caller caught) PostgreSQL answers
      // COMMIT with ROLLBACK and no error: the transaction must not look committed.
      if ((await client.query('COMMIT')).command !== 'COMMIT') throw new TransactionAborted();
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch((e: Error) => (broken = e));
      throw err;
    } finally {
      tx.open = false;
      // A connection whose rollback failed is in an unknown state: the pool must not reuse it.
      client.release(broken);
    }
  }

  async lockInTransaction(key: string): Promise<void> {
    const tx = this.context.getStore();
    if (!tx?.open) throw new Error(`lockInTransaction('${key}') outside a transaction`);
    await tx.client.query('SELECT pg_advisory_xact_lock($1)', [lockKey(key)]);
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
    return (tx?.open ? tx.client : this.pool).query(text, params as unknown[]);
  }
}

/**
 * Connects to `url` and brings its schema up to date. Migrations run under an advisory lock, so
 * two nodes starting together apply each step once.
 */
export async function openPostgres(url: string, migrations: readonly PostgresMigration[], onError: (err: Error) => void): Promise<PostgresSql> {
  const pool = new pg.Pool({ connectionString: url, max: POOL_SIZE, types: TYPES });
  // An idle connection dropped by the server emits here; unhandled, it would end the process.
  pool.on('error', onError);
  const client = await pool.connect();
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
    await client.query('SELECT pg_advisory_unlock($1)', [lockKey('vigil.migrate')]).catch(() => undefined);
    client.release();
  }
  return new PostgresSql(pool);
}
