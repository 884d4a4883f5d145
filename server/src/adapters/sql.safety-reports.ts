/**
 * Kept safety reports over {@link Sql} (SQLite or PostgreSQL): one row per site, period kind and
 * period start (a scheduled run repeated after a restart, or by a second server on the same
 * database, keeps nothing twice), the report as JSON as it was made: a signed report must read the
 * same when opened again.
 *
 * Claims: before the schedule makes a report it claims the period with one atomic statement, so of
 * two servers sharing the store only one makes it (and announces it). A claim lasts a lease: a run
 * that stopped without keeping its report or giving its claim up (the process was killed) holds
 * the period only until then.
 */
import type { SafetyReport, SafetyReportEntry, SafetyReportPeriod } from '../../../contract/index.ts';
import type { SafetyReportStore } from '../services/safety-report.service.ts';
import type { Sql, SqlValue } from './sql.ts';

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

export class SqlSafetyReports implements SafetyReportStore {
  constructor(private readonly sql: Sql) {}

  async insert(r: SafetyReport, kept: (id: number) => Promise<void>): Promise<number | null> {
    return this.sql.transaction(async () => {
      const row = await this.sql.get<{ id: number }>(
        `INSERT INTO safety_report (site, period, period_from, period_to, generated_at, generated_by, json)
         VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (site, period, period_from) DO NOTHING RETURNING id`,
        [r.siteId, r.period, r.from, r.to, r.generatedAt, r.generatedBy, JSON.stringify(r)],
      );
      if (row === undefined) return null;
      await kept(row.id);
      return row.id;
    });
  }

  async get(id: number): Promise<SafetyReport | undefined> {
    const row = await this.sql.get<Pick<Row, 'json'>>('SELECT json FROM safety_report WHERE id = ?', [id]);
    return row ? (JSON.parse(row.json) as SafetyReport) : undefined;
  }

  async has(siteId: string, period: SafetyReportPeriod, from: number): Promise<boolean> {
    return (await this.sql.get('SELECT 1 AS kept FROM safety_report WHERE site = ? AND period = ? AND period_from = ?', [siteId, period, from])) !== undefined;
  }

  async list(f: { siteId?: string; period?: SafetyReportPeriod; limit: number }): Promise<SafetyReportEntry[]> {
    const where: string[] = [];
    const args: SqlValue[] = [];
    // Only the filters given: PostgreSQL cannot type a parameter that is only compared with NULL.
    if (f.siteId !== undefined) {
      where.push('site = ?');
      args.push(f.siteId);
    }
    if (f.period !== undefined) {
      where.push('period = ?');
      args.push(f.period);
    }
    const rows = await this.sql.all<Row>(
      `SELECT * FROM safety_report ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY period_from DESC, id DESC LIMIT ?`,
      [...args, f.limit],
    );
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

  async claim(siteId: string, period: SafetyReportPeriod, from: number, at: number, leaseMs: number): Promise<boolean> {
    // One statement: of callers racing for the same period, on any node, exactly one gets a row back.
    const row = await this.sql.get(
      `INSERT INTO safety_report_claim (site, period, period_from, claimed_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (site, period, period_from) DO UPDATE SET claimed_at = excluded.claimed_at
       WHERE safety_report_claim.claimed_at <= ? RETURNING claimed_at`,
      [siteId, period, from, at, at - leaseMs],
    );
    return row !== undefined;
  }

  async release(siteId: string, period: SafetyReportPeriod, from: number, at: number): Promise<void> {
    // Only the claim made at `at`: one taken over since (the lease ran out) is someone else's.
    await this.sql.run('DELETE FROM safety_report_claim WHERE site = ? AND period = ? AND period_from = ? AND claimed_at = ?', [siteId, period, from, at]);
  }
}
