/** The KPIs' index on the SQLite alarm store; the reads are sql.kpi.ts. */
import type { SqliteDatabase } from './sqlite.database.ts';

/** The event table holds every change of every alarm; this index makes a period's annunciations a seek. */
export const kpiAnnunciationsMigration = (db: SqliteDatabase): void => {
  db.exec("CREATE INDEX IF NOT EXISTS alarm_event_annunciation ON alarm_event (at) WHERE kind IN ('raised', 'reactivated')");
};
