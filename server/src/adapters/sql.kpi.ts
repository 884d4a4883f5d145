/**
 * The alarm store as the KPIs read it, over {@link Sql} (SQLite or PostgreSQL): alarms overlapping
 * a period and their annunciations (`raised` and `reactivated` events), drills left out. The
 * figures themselves are computed from these rows in domain/kpi, so both engines give the same.
 */
import type { Alarm } from '../../../contract/index.ts';
import type { Annunciation, KpiAlarm, KpiPeriod } from '../domain/kpi/index.ts';
import type { KpiAlarmSource } from '../services/kpi.service.ts';
import type { Sql, SqlValue } from './sql.ts';

/** `AND <column> = ?` when one site is asked for: a parameter only compared with NULL has no type on PostgreSQL. */
function ofSite(column: string, siteId: string | null): { clause: string; args: SqlValue[] } {
  return siteId === null ? { clause: '', args: [] } : { clause: ` AND ${column} = ?`, args: [siteId] };
}

export class SqlKpiSource implements KpiAlarmSource {
  constructor(private readonly sql: Sql) {}

  async alarmsOverlapping(period: KpiPeriod, siteId: string | null): Promise<KpiAlarm[]> {
    const site = ofSite('site', siteId);
    const rows = await this.sql.all<{ json: string }>(
      `SELECT json FROM alarm WHERE drill IS NULL AND raised_at < ? AND (closed_at IS NULL OR closed_at >= ?)${site.clause}
       ORDER BY raised_at, id`,
      [period.to, period.from, ...site.args],
    );
    return rows.map((r) => JSON.parse(r.json) as Alarm);
  }

  async annunciations(period: KpiPeriod, siteId: string | null): Promise<Annunciation[]> {
    const site = ofSite('a.site', siteId);
    return this.sql.all<Annunciation>(
      `SELECT e.alarm_id AS "alarmId", e.at AS at FROM alarm_event e JOIN alarm a ON a.id = e.alarm_id
       WHERE e.kind IN ('raised', 'reactivated') AND e.at >= ? AND e.at < ? AND a.drill IS NULL${site.clause}
       ORDER BY e.at, e.seq`,
      [period.from, period.to, ...site.args],
    );
  }
}
