/**
 * Whether each sensor stored anything, per bucket, for sensor availability (docs/kpis.md): one
 * count over the raw readings, events and status points, drills left out (an untagged point has
 * `drill` = '' in InfluxQL).
 */
import type { KpiPeriod } from '../domain/kpi/index.ts';
import type { KpiPresenceQuery } from '../services/kpi.service.ts';
import type { InfluxClient } from './influx.client.ts';
import { quoteTag } from './influx.history.ts';
import { MEASUREMENTS } from './influx.line-protocol.ts';
import { RP } from './influx.schema.ts';

export class InfluxPresence implements KpiPresenceQuery {
  constructor(private readonly influx: InfluxClient) {}

  async presence(period: KpiPeriod, bucketMs: number, siteId: string | null): Promise<Map<string, number[]>> {
    const db = this.influx.options.db;
    const from = [MEASUREMENTS.reading, MEASUREMENTS.event, MEASUREMENTS.status].map((m) => `"${db}"."${RP.raw}"."${m}"`).join(', ');
    const site = siteId === null ? '' : ` AND "site" = ${quoteTag(siteId)}`;
    const [series = []] = await this.influx.query(
      `SELECT count(*) FROM ${from} WHERE time >= ${period.from}ms AND time < ${period.to}ms AND "drill" = ''${site} GROUP BY time(${bucketMs / 1000}s), "sensor" fill(none)`,
    );
    const out = new Map<string, Set<number>>();
    for (const s of series) {
      const sensor = s.tags?.sensor;
      if (sensor === undefined) continue;
      const times = out.get(sensor) ?? new Set<number>();
      for (const row of s.values) if (row.slice(1).some((n) => typeof n === 'number' && n > 0)) times.add(Number(row[0]));
      out.set(sensor, times);
    }
    return new Map([...out].map(([k, v]) => [k, [...v].sort((a, b) => a - b)]));
  }
}
