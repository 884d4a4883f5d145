/**
 * The alarm store as the KPIs read it: alarms overlapping a period and their annunciations
 * (`raised` and `reactivated` events), drills left out.
 */
import type { Alarm } from '../../../contract/index.ts';
import type { Annunciation, KpiAlarm, KpiPeriod } from '../domain/kpi/index.ts';
import type { KpiAlarmSource } from '../services/kpi.service.ts';
import type { SqliteDatabase } from './sqlite.database.ts';

/** The event table holds every change of every alarm; this index makes a period's annunciations a seek. */
export const kpiAnnunciationsMigration = (db: SqliteDatabase): void => {
  db.exec("CREATE INDEX IF NOT EXISTS alarm_event_annunciation ON alarm_event (at) WHERE kind IN ('raised', 'reactivated')");
};

export class SqliteKpiSource implements KpiAlarmSource {
  constructor(private readonly db: SqliteDatabase) {}

  alarmsOverlapping(period: KpiPeriod, siteId: string | null): KpiAlarm[] {
    const rows = this.db
      .prepare(
        `SELECT json FROM alarm WHERE drill IS NULL AND raised_at < @to AND (closed_at IS NULL OR closed_at >= @from)
         AND (@site IS NULL OR site = @site)`,
      )
      .all({ from: period.from, to: period.to, site: siteId }) as { json: string }[];
    return rows.map((r) => JSON.parse(r.json) as Alarm);
  }

  annunciations(period: KpiPeriod, siteId: string | null): Annunciation[] {
    return this.db
      .prepare(
        `SELECT e.alarm_id AS alarmId, e.at AS at FROM alarm_event e JOIN alarm a ON a.id = e.alarm_id
         WHERE e.kind IN ('raised', 'reactivated') AND e.at >= @from AND e.at < @to AND a.drill IS NULL
         AND (@site IS NULL OR a.site = @site) ORDER BY e.at`,
      )
      .all({ from: period.from, to: period.to, site: siteId }) as Annunciation[];
  }
}
