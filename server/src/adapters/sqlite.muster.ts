/** The SQLite schema of presence kept with alarms and muster ticks (the store itself: sql.muster.ts). */
import type { SqliteDatabase } from './sqlite.database.ts';

export const musterMigration = (db: SqliteDatabase): void => {
  db.exec(`
    CREATE TABLE alarm_presence (
      alarm_id TEXT PRIMARY KEY, site_id TEXT NOT NULL, zone_id TEXT NOT NULL, building TEXT NOT NULL,
      drill TEXT, at INTEGER NOT NULL, window_hours REAL NOT NULL, zone_people TEXT NOT NULL, building_people TEXT NOT NULL
    );
    CREATE TABLE muster_tick (
      alarm_id TEXT NOT NULL, person_key TEXT NOT NULL, at INTEGER NOT NULL, actor TEXT NOT NULL,
      PRIMARY KEY (alarm_id, person_key)
    ) WITHOUT ROWID;
  `);
};
