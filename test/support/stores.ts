/**
 * The operational store on every engine Vigil supports, for contract tests: the same test body runs
 * against SQLite (a fresh file) and PostgreSQL (a fresh, migrated database on the test server).
 *
 * @example
 *   eachStore((open) => {
 *     it('keeps what it is given', async () => {
 *       const store = new SqlThingStore(await open());
 *       ...
 *     });
 *   });
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe } from 'vitest';
import { SqliteSql } from '../../server/src/adapters/sql.sqlite.ts';
import type { Sql } from '../../server/src/adapters/sql.ts';
import { openDatabase } from '../../server/src/adapters/sqlite.database.ts';
import { MIGRATIONS } from '../../server/src/adapters/sqlite.migrations.ts';

export type StoreEngine = 'sqlite' | 'postgres';

/** Opens a fresh, migrated store; closed (and removed) after the test. */
export type OpenStore = () => Promise<Sql>;

const engines: Record<StoreEngine, () => Promise<{ sql: Sql; dispose: () => Promise<void> }>> = {
  sqlite: async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-store-'));
    const sql = new SqliteSql(openDatabase(dir, MIGRATIONS));
    return {
      sql,
      dispose: async () => {
        await sql.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  },
  postgres: async () => {
    const { freshPostgresStore } = await import('./postgres.store.ts');
    return freshPostgresStore();
  },
};

/** Registers `body` once per engine, inside `describe('<engine>')`. */
export function eachStore(body: (open: OpenStore, engine: StoreEngine) => void): void {
  for (const engine of Object.keys(engines) as StoreEngine[]) {
    describe(engine, () => {
      const opened: (() => Promise<void>)[] = [];
      afterEach(async () => {
        for (const dispose of opened.splice(0)) await dispose();
      });
      body(async () => {
        const { sql, dispose } = await engines[engine]();
        opened.push(dispose);
        return sql;
      }, engine);
    });
  }
}
