/**
 * {@link Sql} over better-sqlite3: the statements run synchronously on the one connection, so a
 * transaction that awaits in between must keep everyone else's statements out of it until it
 * ends (the connection is shared by every adapter and every request).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type Database from 'better-sqlite3';
import type { SqliteDatabase } from './sqlite.database.ts';
import { TransactionAborted, type RunResult, type Sql, type SqlValue } from './sql.ts';

/** Prepared statements kept; the adapters write a few hundred distinct ones at most. */
const STATEMENT_CACHE = 500;

interface Transaction {
  open: boolean;
  /** A statement in it failed: it is rolled back, as PostgreSQL does, even if the caller caught the error. */
  failed: boolean;
}

export class SqliteSql implements Sql {
  readonly dialect = 'sqlite';
  private readonly statements = new Map<string, Database.Statement>();
  private readonly context = new AsyncLocalStorage<Transaction>();
  /** Settles when the transaction in progress ends; null when there is none. */
  private current: Promise<void> | null = null;

  constructor(readonly db: SqliteDatabase) {}

  async all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    while (this.mustWait()) await this.current;
    return this.guard(() => this.statement(sql).all(...params) as T[]);
  }

  async get<T>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    while (this.mustWait()) await this.current;
    return this.guard(() => this.statement(sql).get(...params) as T | undefined);
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<RunResult> {
    while (this.mustWait()) await this.current;
    return this.guard(() => ({ changes: this.statement(sql).run(...params).changes }));
  }

  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    if (this.context.getStore()?.open) return fn();
    // Checked again after every wait, in this function: whoever resumes first takes the turn. A
    // synchronous better-sqlite3 transaction still open (code not yet on this interface) has
    // ended by the next microtask.
    while (this.current !== null || this.db.inTransaction) await this.current;
    let release!: () => void;
    this.current = new Promise((resolve) => (release = resolve));
    const tx: Transaction = { open: true, failed: false };
    try {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const result = await this.context.run(tx, fn);
        if (tx.failed) throw new TransactionAborted();
        this.db.exec('COMMIT');
        return result;
      } catch (err) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw err;
      }
    } finally {
      tx.open = false;
      this.current = null;
      release();
    }
  }

  /** One node, and BEGIN IMMEDIATE already makes writers take turns. */
  async lockInTransaction(): Promise<void> {}

  jsonText(column: string, path: readonly string[]): string {
    return `json_extract(${column}, '$.${path.join('.')}')`;
  }

  jsonNumber(column: string, path: readonly string[]): string {
    return this.jsonText(column, path);
  }

  async close(): Promise<void> {
    // A request still being handled when the server stops may be inside a transaction, awaiting:
    // it ends (commits or rolls back) before the connection does, as PostgreSQL's pool waits for it.
    while (this.current !== null) await this.current;
    if (this.db.open) this.db.close();
  }

  /** Runs a statement; one that fails inside a transaction marks the transaction failed. */
  private guard<T>(statement: () => T): T {
    try {
      return statement();
    } catch (err) {
      const tx = this.context.getStore();
      if (tx?.open) tx.failed = true;
      throw err;
    }
  }

  /** Another caller's transaction is open: statements from outside it wait until it ends. */
  private mustWait(): boolean {
    return this.current !== null && !this.context.getStore()?.open;
  }

  private statement(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (s === undefined) {
      s = this.db.prepare(sql);
      if (this.statements.size >= STATEMENT_CACHE) this.statements.delete(this.statements.keys().next().value!);
      this.statements.set(sql, s);
    }
    return s;
  }
}
