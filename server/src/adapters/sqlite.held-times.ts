/** The SQLite schema of the held times (domain/retained.ts); the store itself is sql.held-times.ts, over either engine. */
import type { SqliteDatabase } from './sqlite.database.ts';

/** `drill` is '' for real traffic: a primary key column cannot usefully hold NULL. */
export const heldTimesMigration = (db: SqliteDatabase): void => {
  db.exec(`
    CREATE TABLE held_time (
      sensor TEXT NOT NULL, channel TEXT NOT NULL, drill TEXT NOT NULL DEFAULT '', ts INTEGER NOT NULL,
      PRIMARY KEY (sensor, channel, drill)
    ) WITHOUT ROWID;
  `);
};
