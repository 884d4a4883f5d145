/**
 * Kept safety reports in SQLite: one row per site, period kind and period start (a scheduled run
 * repeated after a restart, or by a second server on the same database, keeps nothing twice), the
 * report as JSON as it was made: a signed report must read the same when opened again.
 */
import type { SafetyReport, SafetyReportEntry, SafetyReportPeriod } from '../../../contract/index.ts';
import type { SafetyReportStore } from '../services/safety-report.service.ts';
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

interface Row {
  id: number;
  site: string;
  period: SafetyReportPeriod;
  period_from: number;
  period_to: number;
  generated_at: number;
  generated_by: string;
  json: string;
}

export class SqliteSafetyReports implements SafetyReportStore {
  constructor(private readonly db: SqliteDatabase) {}

  insert(r: SafetyReport, kept: (id: number) => void): number | null {
    return this.db.transaction(() => {
      const result = this.db
        .prepare(
          `INSERT INTO safety_report (site, period, period_from, period_to, generated_at, generated_by, json)
           VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (site, period, period_from) DO NOTHING`,
        )
        .run(r.siteId, r.period, r.from, r.to, r.generatedAt, r.generatedBy, JSON.stringify(r));
      if (result.changes === 0) return null;
      const id = Number(result.lastInsertRowid);
      kept(id);
      return id;
    })();
  }

  get(id: number): SafetyReport | undefined {
    const row = this.db.prepare('SELECT json FROM safety_report WHERE id = ?').get(id) as Pick<Row, 'json'> | undefined;
    return row ? (JSON.parse(row.json) as SafetyReport) : undefined;
  }

  has(siteId: string, period: SafetyReportPeriod, from: number): boolean {
    return this.db.prepare('SELECT 1 FROM safety_report WHERE site = ? AND period = ? AND period_from = ?').get(siteId, period, from) !== undefined;
  }

  list(f: { siteId?: string; period?: SafetyReportPeriod; limit: number }): SafetyReportEntry[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM safety_report WHERE (@site IS NULL OR site = @site) AND (@period IS NULL OR period = @period)
         ORDER BY period_from DESC, id DESC LIMIT @limit`,
      )
      .all({ site: f.siteId ?? null, period: f.period ?? null, limit: f.limit }) as Row[];
    return rows.map((r) => {
      const report = JSON.parse(r.json) as SafetyReport;
      return {
        id: r.id,
        siteId: r.site,
        period: r.period,
        from: r.period_from,
        to: r.period_to,
        generatedAt: r.generated_at,
        generatedBy: r.generated_by,
        alarms: report.alarms.total.current,
        overdueDrills: report.drills.overdue,
      };
    });
  }
}
