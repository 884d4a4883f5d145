/** The SQLite schema of kept safety reports and their schedule's claims; the store is sql.safety-reports.ts. */
import type { SqliteDatabase } from './sqlite.database.ts';

export const safetyReportsMigration = (db: SqliteDatabase): void => {
  db.exec(`
    CREATE TABLE safety_report (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      site TEXT NOT NULL,
      period TEXT NOT NULL CHECK (period IN ('week', 'month')),
      period_from INTEGER NOT NULL,
      period_to INTEGER NOT NULL,
      generated_at INTEGER NOT NULL,
      generated_by TEXT NOT NULL,
      json TEXT NOT NULL,
      UNIQUE (site, period, period_from)
    );
    CREATE INDEX safety_report_recent ON safety_report (generated_at DESC);
  `);
};

/** Which scheduled run is making a period's report, and since when: two servers on one store make it once. */
export const safetyReportClaimsMigration = (db: SqliteDatabase): void => {
  db.exec(`
    CREATE TABLE safety_report_claim (
      site TEXT NOT NULL,
      period TEXT NOT NULL,
      period_from INTEGER NOT NULL,
      claimed_at INTEGER NOT NULL,
      PRIMARY KEY (site, period, period_from)
    );
  `);
};
