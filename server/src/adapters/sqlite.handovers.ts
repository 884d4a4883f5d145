/** The SQLite schema of shift handovers (the store itself: sql.handovers.ts). */
import type { SqliteDatabase } from './sqlite.database.ts';

export const handoversMigration = (db: SqliteDatabase): void => {
  db.exec(`
    CREATE TABLE handover (
      id TEXT PRIMARY KEY, site TEXT NOT NULL, state TEXT NOT NULL,
      opened_at INTEGER NOT NULL, opened_by TEXT NOT NULL, notes TEXT NOT NULL,
      handed_over_at INTEGER, handed_over_by TEXT, accepted_at INTEGER, accepted_by TEXT, remarks TEXT,
      snapshot TEXT
    );
    CREATE INDEX handover_site_opened ON handover (site, opened_at);
    CREATE INDEX handover_handed_over ON handover (handed_over_at);
  `);
};
