// The PostgreSQL store's schema on a real PostgreSQL 15: the migrations run once however many
// nodes start together, and the schema is the one SQLite's migrations make — same tables, columns,
// keys and indexes — so the store adapters' portable SQL reads and writes the same on both
// engines (server/src/adapters/sql.ts). The audit trail is append-only on both.
import { afterEach, describe, expect, it } from 'vitest';
import { POSTGRES_MIGRATIONS } from '../../server/src/adapters/postgres.migrations.ts';
import { openPostgres, type PostgresSql } from '../../server/src/adapters/sql.postgres.ts';
import { MIGRATIONS } from '../../server/src/adapters/sqlite.migrations.ts';
import { postgresDatabases } from '../support/postgres.ts';
import { tempDatabases } from '../support/sqlite.temp.ts';

const database = postgresDatabases();
const sqliteDatabase = tempDatabases('vigil-schema-');

const opened: PostgresSql[] = [];
async function open(url: string): Promise<PostgresSql> {
  // Idle connections see errors only when the database is dropped under them after the test.
  const sql = await openPostgres(url, POSTGRES_MIGRATIONS, () => undefined);
  opened.push(sql);
  return sql;
}

async function closeAll(): Promise<void> {
  await Promise.all(opened.splice(0).map((sql) => sql.close()));
}
afterEach(closeAll);

async function schemaVersion(sql: PostgresSql): Promise<number | undefined> {
  return (await sql.get<{ version: number }>('SELECT version FROM schema_version'))?.version;
}

/** What the adapters rely on, per table: comparable across the two engines. */
interface TableShape {
  /** name type [not null], in order; the primary key's own nullability left out (see below). */
  columns: string[];
  primaryKey: string[];
  /** Column lists of the unique constraints and indexes other than the primary key. */
  unique: string[];
  /** Named indexes: name (columns)[ unique][ partial]. */
  indexes: string[];
  /** column -> table(column) on delete <action>. */
  foreignKeys: string[];
}

const PG_TYPE: Record<string, string> = { INTEGER: 'bigint', REAL: 'double precision', TEXT: 'text', BLOB: 'bytea' };

function sqliteShapes(): Record<string, TableShape> {
  const { db } = sqliteDatabase(MIGRATIONS);
  const shapes: Record<string, TableShape> = {};
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[];
  for (const { name } of tables) {
    const info = db.prepare(`PRAGMA table_info("${name}")`).all() as { name: string; type: string; notnull: number; pk: number }[];
    const shape: TableShape = { columns: [], primaryKey: [], unique: [], indexes: [], foreignKeys: [] };
    // SQLite lets a non-integer primary key column hold NULL (a legacy quirk) and reports it
    // nullable; PostgreSQL's primary keys are NOT NULL. The adapters never store NULL keys.
    for (const c of info) shape.columns.push(`${c.name} ${PG_TYPE[c.type] ?? `?${c.type}`}${c.notnull && !c.pk ? ' not null' : ''}`);
    shape.primaryKey = info
      .filter((c) => c.pk > 0)
      .sort((a, b) => a.pk - b.pk)
      .map((c) => c.name);
    const indexes = db.prepare(`PRAGMA index_list("${name}")`).all() as { name: string; unique: number; origin: string; partial: number }[];
    for (const index of indexes) {
      const columns = (db.prepare(`PRAGMA index_info("${index.name}")`).all() as { seqno: number; name: string }[])
        .sort((a, b) => a.seqno - b.seqno)
        .map((c) => c.name)
        .join(', ');
      if (index.origin === 'pk') continue;
      if (index.unique) shape.unique.push(columns);
      if (index.origin === 'c') shape.indexes.push(`${index.name} (${columns})${index.unique ? ' unique' : ''}${index.partial ? ' partial' : ''}`);
    }
    const foreignKeys = db.prepare(`PRAGMA foreign_key_list("${name}")`).all() as { from: string; table: string; to: string; on_delete: string }[];
    for (const fk of foreignKeys) shape.foreignKeys.push(`${fk.from} -> ${fk.table}(${fk.to}) on delete ${fk.on_delete.toLowerCase()}`);
    shapes[name] = normalise(shape);
  }
  return shapes;
}

async function postgresShapes(sql: PostgresSql): Promise<Record<string, TableShape>> {
  const shapes: Record<string, TableShape> = {};
  const columns = await sql.all<{ table_name: string; column_name: string; data_type: string; is_nullable: string }>(
    "SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> 'schema_version' ORDER BY table_name, ordinal_position",
  );
  const indexes = await sql.all<{ table_name: string; index_name: string; columns: string; is_unique: boolean; is_primary: boolean; is_partial: boolean }>(
    `SELECT t.relname AS table_name, i.relname AS index_name, ix.indisunique AS is_unique,
            ix.indisprimary AS is_primary, ix.indpred IS NOT NULL AS is_partial,
            (SELECT string_agg(a.attname, ', ' ORDER BY k.ord)
               FROM unnest(ix.indkey) WITH ORDINALITY AS k (attnum, ord)
               JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum) AS columns
       FROM pg_index ix
       JOIN pg_class i ON i.oid = ix.indexrelid
       JOIN pg_class t ON t.oid = ix.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = 'public' AND t.relname <> 'schema_version'`,
  );
  const foreignKeys = await sql.all<{ table_name: string; fk: string }>(
    `SELECT t.relname AS table_name,
            CASE WHEN cardinality(c.conkey) > 1 THEN 'composite, first column ' ELSE '' END ||
            a.attname || ' -> ' || rt.relname || '(' || ra.attname || ') on delete ' ||
              CASE c.confdeltype WHEN 'a' THEN 'no action' WHEN 'r' THEN 'restrict' WHEN 'c' THEN 'cascade'
                                 WHEN 'n' THEN 'set null' ELSE 'set default' END AS fk
       FROM pg_constraint c
       JOIN pg_class t ON t.oid = c.conrelid
       JOIN pg_class rt ON rt.oid = c.confrelid
       JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
       JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = c.confkey[1]
       JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE c.contype = 'f' AND n.nspname = 'public'`,
  );
  const shape = (table: string): TableShape => (shapes[table] ??= { columns: [], primaryKey: [], unique: [], indexes: [], foreignKeys: [] });
  const primaryKeys = new Map<string, Set<string>>();
  for (const index of indexes) if (index.is_primary) primaryKeys.set(index.table_name, new Set(index.columns.split(', ')));
  for (const c of columns) {
    const inKey = primaryKeys.get(c.table_name)?.has(c.column_name) ?? false;
    shape(c.table_name).columns.push(`${c.column_name} ${c.data_type}${c.is_nullable === 'NO' && !inKey ? ' not null' : ''}`);
  }
  for (const index of indexes) {
    const s = shape(index.table_name);
    if (index.is_primary) s.primaryKey = index.columns.split(', ');
    else if (index.is_unique) s.unique.push(index.columns);
    // Constraint-made indexes are named by each engine its own way; only named ones compare.
    const madeByConstraint =
      index.is_primary || (await sql.get('SELECT 1 FROM pg_constraint WHERE conname = ? AND contype = ?', [index.index_name, 'u'])) !== undefined;
    if (!madeByConstraint) s.indexes.push(`${index.index_name} (${index.columns})${index.is_unique ? ' unique' : ''}${index.is_partial ? ' partial' : ''}`);
  }
  // SQLite's schema has no composite foreign key; one added would show here as a difference.
  for (const { table_name, fk } of foreignKeys) shape(table_name).foreignKeys.push(fk);
  for (const table of Object.keys(shapes)) shapes[table] = normalise(shapes[table]!);
  return shapes;
}

function normalise(shape: TableShape): TableShape {
  return { ...shape, unique: [...shape.unique].sort(), indexes: [...shape.indexes].sort(), foreignKeys: [...shape.foreignKeys].sort() };
}

describe('PostgreSQL schema (POSTGRES_MIGRATIONS)', () => {
  it('migrates a fresh database, and opening it again runs nothing', async () => {
    const url = await database({ empty: true });
    const first = await open(url);
    expect(await schemaVersion(first)).toBe(POSTGRES_MIGRATIONS.length);
    await first.run('INSERT INTO rule_state (key, json) VALUES (?, ?)', ['r1', '{}']);
    await closeAll();

    // A step run twice would fail (its tables exist) or, if idempotent, still must not touch data.
    const again = await open(url);
    expect(await schemaVersion(again)).toBe(POSTGRES_MIGRATIONS.length);
    expect(await again.all('SELECT key FROM rule_state')).toEqual([{ key: 'r1' }]);
  });

  it('two nodes opening a fresh database together apply each step once (advisory lock)', async () => {
    const url = await database({ empty: true });
    const [a, b] = await Promise.all([open(url), open(url)]);
    expect(await schemaVersion(a)).toBe(POSTGRES_MIGRATIONS.length);
    expect(await b.get<{ n: number }>('SELECT count(*) AS n FROM schema_version')).toEqual({ n: 1 });
  });

  it('has every table, column, primary key, unique constraint, index and foreign key of the SQLite schema (a store change adds a step to both lists)', async () => {
    const sql = await open(await database());
    const sqlite = sqliteShapes();
    const postgres = await postgresShapes(sql);
    expect(Object.keys(postgres).sort()).toEqual(Object.keys(sqlite).sort());
    for (const table of Object.keys(sqlite)) expect({ table, ...postgres[table] }).toEqual({ table, ...sqlite[table] });
  });

  it('keeps the audit trail append-only: UPDATE, DELETE and TRUNCATE are refused', async () => {
    const sql = await open(await database());
    await sql.run('INSERT INTO audit (id, at, actor, action, target, detail, hash) VALUES (?, ?, ?, ?, ?, ?, ?)', [
      1,
      1,
      'ann',
      'alarm.ack',
      'alarm:a1',
      '{}',
      'h1',
    ]);
    await expect(sql.run("UPDATE audit SET actor = 'mallory' WHERE id = 1")).rejects.toThrow(/append-only/);
    await expect(sql.run('DELETE FROM audit WHERE id = 1')).rejects.toThrow(/append-only/);
    await expect(sql.run('TRUNCATE audit')).rejects.toThrow(/append-only/);
    expect(await sql.all('SELECT id, actor FROM audit')).toEqual([{ id: 1, actor: 'ann' }]);
  });
});
