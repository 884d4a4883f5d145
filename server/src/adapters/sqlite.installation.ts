/**
 * The installation time, written once by its migration: the first start of a new data directory,
 * or the upgrade of an existing one (no report was promised before Vigil could make it). Read
 * through sql.installation.ts.
 */
import type { SqliteDatabase } from './sqlite.database.ts';

export const installationMigration = (db: SqliteDatabase): void => {
  db.exec(`CREATE TABLE installation (id INTEGER PRIMARY KEY CHECK (id = 1), installed_at INTEGER NOT NULL)`);
  db.prepare('INSERT INTO installation (id, installed_at) VALUES (1, ?)').run(Date.now());
};
