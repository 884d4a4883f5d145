/**
 * Opens the operational store the environment names: PostgreSQL at DATABASE_URL (shared by every
 * node), else the SQLite file in DATA_DIR; migrated either way. The server (compose/storage.ts) and
 * the command line (cli/context.ts) both open it here, so they always work on the same store.
 */
import type { Logger } from '../logger.ts';
import { POSTGRES_MIGRATIONS } from './postgres.migrations.ts';
import { openPostgres } from './sql.postgres.ts';
import { SqliteSql } from './sql.sqlite.ts';
import type { Sql } from './sql.ts';
import { openDatabase } from './sqlite.database.ts';
import { MIGRATIONS } from './sqlite.migrations.ts';

/** The store DATABASE_URL names (migrated), else the SQLite file in DATA_DIR. */
export async function openStore(config: { DATABASE_URL?: string | undefined; DATA_DIR: string }, logger: Logger): Promise<Sql> {
  if (config.DATABASE_URL === undefined) return new SqliteSql(openDatabase(config.DATA_DIR, MIGRATIONS));
  const log = logger.child({ component: 'postgres' });
  const sql = await openPostgres(config.DATABASE_URL, POSTGRES_MIGRATIONS, (err) =>
    // A pooled connection the server ended while idle: the pool opens another for the next query.
    log.warn({ err: err.message }, 'an idle PostgreSQL connection was closed'),
  );
  log.info({ database: redactedUrl(config.DATABASE_URL) }, 'operational store on PostgreSQL');
  return sql;
}

/** The URL without its password, for logs. */
export function redactedUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

/**
 * Text sorts byte by byte on SQLite; on PostgreSQL by the database's collation. Under another
 * collation than C/POSIX, lists sorted by name or id come out in a different order than on
 * SQLite (and than the tests check), so the operator is told at start and in the health report.
 */
export async function collationWarning(sql: Sql): Promise<string | null> {
  const row = await sql.get<{ collation: string }>('SELECT datcollate AS collation FROM pg_database WHERE datname = current_database()');
  const collation = row?.collation ?? 'unknown';
  if (collation === 'C' || collation === 'POSIX') return null;
  return `the PostgreSQL database's collation is ${collation}, not C: text sorts differently from SQLite (create the database with LC_COLLATE 'C' TEMPLATE template0)`;
}
