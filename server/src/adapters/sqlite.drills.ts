/** The SQLite schema of drill records; the store is sql.drills.ts. */
import type { SqliteDatabase } from './sqlite.database.ts';

export const drillsMigration = (db: SqliteDatabase): void => {
  db.exec(`
    CREATE TABLE drill (
      id TEXT PRIMARY KEY, scenario TEXT NOT NULL, site TEXT NOT NULL, started_by TEXT NOT NULL,
      started_at INTEGER NOT NULL, ended_at INTEGER, expected TEXT NOT NULL
    );
  `);
};

/** The scenario's title and the speed a drill ran at (its expected alarms' deadlines depend on it). */
export const drillSpeedMigration = (db: SqliteDatabase): void => {
  db.exec(`
    ALTER TABLE drill ADD COLUMN title TEXT;
    ALTER TABLE drill ADD COLUMN speed REAL NOT NULL DEFAULT 1;
  `);
};
