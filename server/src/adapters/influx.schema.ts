/**
 * Creates, idempotently at every start, the database, its retention policies and the
 * continuous queries that roll readings up so a year of history charts fast:
 *   raw        — every point, RAW_RETENTION_DAYS (default policy)
 *   rollup_1m  — mean/min/max/count per minute, 400 days
 *   rollup_1h  — mean/min/max/count per hour, kept forever
 * Every write and every query names its policy: `raw` is the default only once this has run, and
 * Vigil writes while it runs (influx.history.ts). The default matters only to people querying by hand.
 */
import type { InfluxClient } from './influx.client.ts';

export const RP = { raw: 'raw', minute: 'rollup_1m', hour: 'rollup_1h' } as const;

interface PolicyRow {
  name: string;
  duration: string;
  default: boolean;
}

function minuteRollup(db: string, where: string): string {
  return `SELECT mean(value) AS mean, min(value) AS min, max(value) AS max, count(value) AS n INTO "${db}"."${RP.minute}"."reading" FROM "${db}"."${RP.raw}"."reading" ${where} GROUP BY time(1m), *`;
}
function hourRollup(db: string, where: string): string {
  return `SELECT mean(mean) AS mean, min(min) AS min, max(max) AS max, sum(n) AS n INTO "${db}"."${RP.hour}"."reading" FROM "${db}"."${RP.minute}"."reading" ${where} GROUP BY time(1h), *`;
}

export async function ensureSchema(influx: InfluxClient, rawRetentionDays: number): Promise<void> {
  const db = influx.options.db;
  await influx.query(`CREATE DATABASE "${db}"`);
  const [existing = []] = await influx.query(`SHOW RETENTION POLICIES ON "${db}"`);
  const rows: PolicyRow[] = (existing[0]?.values ?? []).map((v) => ({ name: String(v[0]), duration: String(v[1]), default: v[4] === true }));
  const want = [
    { name: RP.raw, duration: `${rawRetentionDays}d`, isDefault: true },
    { name: RP.minute, duration: '400d', isDefault: false },
    { name: RP.hour, duration: 'INF', isDefault: false },
  ];
  for (const p of want) {
    const verb = rows.some((r) => r.name === p.name) ? 'ALTER' : 'CREATE';
    await influx.query(`${verb} RETENTION POLICY "${p.name}" ON "${db}" DURATION ${p.duration} REPLICATION 1${p.isDefault ? ' DEFAULT' : ''}`);
  }
  const [cqs = []] = await influx.query('SHOW CONTINUOUS QUERIES');
  const have = new Set(cqs.filter((s) => s.name === db).flatMap((s) => (s.values ?? []).map((v) => String(v[0]))));
  // RESAMPLE … FOR covers points that arrive a few minutes late; outbox replays after longer
  // outages are backfilled explicitly (backfillRollups).
  if (!have.has('cq_reading_1m')) {
    await influx.query(`CREATE CONTINUOUS QUERY "cq_reading_1m" ON "${db}" RESAMPLE EVERY 1m FOR 5m BEGIN ${minuteRollup(db, '')} END`);
  }
  if (!have.has('cq_reading_1h')) {
    await influx.query(`CREATE CONTINUOUS QUERY "cq_reading_1h" ON "${db}" RESAMPLE EVERY 1h FOR 2h BEGIN ${hourRollup(db, '')} END`);
  }
}

/** Recomputes the roll-ups over [fromMs, toMs], e.g. after the outbox replayed old points. */
export async function backfillRollups(influx: InfluxClient, fromMs: number, toMs: number): Promise<void> {
  const db = influx.options.db;
  const minuteFrom = Math.floor(fromMs / 60_000) * 60_000;
  const hourFrom = Math.floor(fromMs / 3_600_000) * 3_600_000;
  const hourTo = Math.ceil((toMs + 1) / 3_600_000) * 3_600_000;
  await influx.query(minuteRollup(db, `WHERE time >= ${minuteFrom}ms AND time < ${hourTo}ms`));
  await influx.query(hourRollup(db, `WHERE time >= ${hourFrom}ms AND time < ${hourTo}ms`));
}
