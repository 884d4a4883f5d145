/** Real SQLite files for the SQLite adapters' tests, each in a fresh temporary directory. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { openDatabase, type SqliteDatabase } from '../../server/src/adapters/sqlite.database.ts';
import { MIGRATIONS } from '../../server/src/adapters/sqlite.migrations.ts';

/**
 * Returns `open(migrations, dir)`: opens a database in `dir` (a new temporary directory named
 * `prefix…` unless given, so a test can reopen the same files) with `migrations`. Every database
 * opened is closed and every directory removed after each test.
 */
export function tempDatabases(prefix: string) {
  const dirs: string[] = [];
  const dbs: SqliteDatabase[] = [];
  afterEach(() => {
    for (const db of dbs.splice(0)) if (db.open) db.close();
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });
  return function open(migrations = MIGRATIONS, dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))): { db: SqliteDatabase; dir: string } {
    dirs.push(dir);
    const db = openDatabase(dir, migrations);
    dbs.push(db);
    return { db, dir };
  };
}
