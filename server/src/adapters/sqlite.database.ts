/**
 * The embedded transactional store (SQLite through better-sqlite3 12.x): operational state that
 * must never be lost or half-written. WAL with synchronous=FULL: a committed transaction
 * survives kill -9 and power loss.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export type SqliteDatabase = Database.Database;

/** Schema migrations, applied in order; the index + 1 is stored as PRAGMA user_version. */
export type Migration = (db: SqliteDatabase) => void;

export function openDatabase(dataDir: string, migrations: readonly Migration[]): SqliteDatabase {
  fs.mkdirSync(dataDir, { recursive: true });
  const db = new Database(path.join(dataDir, 'vigil.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let v = current; v < migrations.length; v++) {
    db.transaction(() => {
      migrations[v]!(db);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  return db;
}
