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
import { afterAll, afterEach, describe } from 'vitest';
import { POSTGRES_MIGRATIONS } from '../../server/src/adapters/postgres.migrations.ts';
import { openPostgres } from '../../server/src/adapters/sql.postgres.ts';
import { SqliteSql } from '../../server/src/adapters/sql.sqlite.ts';
import type { Sql } from '../../server/src/adapters/sql.ts';
import { openDatabase } from '../../server/src/adapters/sqlite.database.ts';
import { MIGRATIONS } from '../../server/src/adapters/sqlite.migrations.ts';
import { postgresServer, type PostgresHandle } from './postgres.ts';

export type StoreEngine = 'sqlite' | 'postgres';

/**
 * Opens a fresh, migrated store; closed (and removed) after the test. `open.again()` is a second
 * connection to the store opened last: another node (PostgreSQL) or another process (SQLite).
 */
export type OpenStore = (() => Promise<Sql>) & { again(): Promise<Sql> };

interface Opened {
  sql: Sql;
  again(): Promise<Sql>;
  dispose(): Promise<void>;
}

/** Per engine: called while a `describe` is collected (it may register hooks); returns the opener. */
const engines: Record<StoreEngine, () => () => Promise<Opened>> = {
  sqlite: () => async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-store-'));
    const connections = [new SqliteSql(openDatabase(dir, MIGRATIONS))];
    return {
      sql: connections[0]!,
      again: async () => {
        const sql = new SqliteSql(openDatabase(dir, MIGRATIONS));
        connections.push(sql);
        return sql;
      },
      dispose: async () => {
        for (const sql of connections) await sql.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  },
  // The run's PostgreSQL server (or, without one, the file's own, started by the first test that
  // asks); a migrated database per test, dropped once the test's connections are closed.
  postgres: () => {
    let server: Promise<PostgresHandle> | undefined;
    afterAll(async () => {
      await (await server)?.stop();
    });
    // 57P01: the server ended a connection the pool was still closing (the database is dropped
    // right after); anything else on an idle connection is a failure of the test.
    const connect = (url: string) =>
      openPostgres(url, POSTGRES_MIGRATIONS, (err) => {
        if ((err as { code?: string }).code !== '57P01') throw err;
      });
    return async () => {
      server ??= postgresServer();
      const handle = await server;
      const url = await handle.createDatabase();
      const connections = [await connect(url)];
      return {
        sql: connections[0]!,
        again: async () => {
          const sql = await connect(url);
          connections.push(sql);
          return sql;
        },
        dispose: async () => {
          for (const sql of connections) await sql.close();
          await handle.dropDatabase(url);
        },
      };
    };
  },
};

/** Registers `body` once per engine, inside `describe('<engine>')`. */
export function eachStore(body: (open: OpenStore, engine: StoreEngine) => void): void {
  for (const engine of Object.keys(engines) as StoreEngine[]) {
    describe(engine, () => {
      const fresh = engines[engine]();
      const opened: Opened[] = [];
      afterEach(async () => {
        for (const o of opened.splice(0)) await o.dispose();
      });
      const open = Object.assign(
        async () => {
          const o = await fresh();
          opened.push(o);
          return o.sql;
        },
        {
          again: () => {
            const last = opened.at(-1);
            if (last === undefined) throw new Error('open.again() before open()');
            return last.again();
          },
        },
      );
      body(open, engine);
    });
  }
}
