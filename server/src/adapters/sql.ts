/**
 * One asynchronous SQL connection for every store adapter, over either engine Vigil keeps its
 * operational state in: SQLite (embedded, the default, one node) or PostgreSQL (`DATABASE_URL`,
 * two or more nodes). The adapters are written once, in the SQL both engines read the same way,
 * so the same contract tests hold for both (docs/decisions/0007-postgresql-and-several-nodes.md).
 *
 * Portable SQL, as the adapters write it:
 * - `?` placeholders (turned into `$1, $2, …` for PostgreSQL);
 * - `INSERT … ON CONFLICT (…) DO UPDATE SET x = excluded.x` / `DO NOTHING`, and `RETURNING`;
 * - integers for times and flags (epoch ms, 0/1), TEXT for JSON documents;
 * - engine differences only through this interface: {@link Sql.jsonText}, {@link Sql.jsonNumber}.
 *
 * Transactions: `transaction(fn)` runs `fn` with every statement it issues — through any adapter
 * sharing this connection — inside one transaction; a transaction started inside another joins it.
 * Statements issued outside it wait until it ends, so concurrent work never lands in (or rolls
 * back with) someone else's transaction.
 */

export type SqlValue = string | number | null | Buffer;

export interface RunResult {
  /** Rows inserted, updated or deleted. */
  changes: number;
}

export interface Sql {
  readonly dialect: 'sqlite' | 'postgres';
  /** Every row of a query. */
  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /** The first row of a query, if any. */
  get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  /** A statement that returns no rows (use `get`/`all` with `RETURNING` for those that do). */
  run(sql: string, params?: readonly SqlValue[]): Promise<RunResult>;
  /**
   * Runs `fn` in one transaction: all of it is committed, or none (it throws; {@link TransactionAborted}
   * when a statement in it failed and `fn` caught the error). PostgreSQL may run `fn` more than once:
   * a transaction the server aborted as a deadlock's victim is run again, whole, so `fn` must do
   * nothing outside the database that a second run would repeat.
   */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * Serialises `fn` against every other holder of the same `key` on any node sharing this store,
   * for the rest of the current transaction (call it inside `transaction`). The audit chain's
   * appends use it: two nodes must never both extend the same head.
   */
  lockInTransaction(key: string): Promise<void>;
  /** A SQL expression for the text at `path` in the JSON document in `column` (NULL when absent). */
  jsonText(column: string, path: readonly string[]): string;
  /** The same for a number: compares and orders as a number on both engines. */
  jsonNumber(column: string, path: readonly string[]): string;
  close(): Promise<void>;
}

/**
 * A statement failed inside the transaction, so none of it was committed — on both engines, even
 * when the caller caught that statement's error (PostgreSQL cannot go on after one).
 */
export class TransactionAborted extends Error {
  constructor() {
    super('the transaction was rolled back: a statement in it failed');
  }
}

/** A stable 32-bit key for a lock name (PostgreSQL advisory locks take integers). */
export function lockKey(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

/** `?` → `$1, $2, …`, leaving quoted strings and identifiers alone. */
export function numberedPlaceholders(sql: string): string {
  let out = '';
  let n = 0;
  let quote: string | null = null;
  for (const ch of sql) {
    if (quote !== null) {
      if (ch === quote) quote = null;
      out += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      out += ch;
    } else if (ch === '?') {
      out += `$${++n}`;
    } else {
      out += ch;
    }
  }
  return out;
}
