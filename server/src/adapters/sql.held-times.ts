/** Held times (domain/retained.ts) over {@link Sql}: the newest observation time Vigil accepted per sensor, channel and drill. */
import type { Channel } from '../../../contract/index.ts';
import type { HeldChanges, HeldTime } from '../domain/retained.ts';
import type { HeldTimesStore } from '../services/retained.gate.ts';
import type { Sql, SqlValue } from './sql.ts';

interface Row {
  sensor: string;
  channel: Channel;
  drill: string;
  ts: number;
}

/**
 * Rows per upsert statement. A save can carry every sensor heard since the last one (thousands,
 * once per alarm commit): one statement per row would cost a round trip each. Batches are cut
 * in powers of two, so the statements prepared stay few (8 texts), whatever the count.
 */
const BATCH = 128;

const upsertOf = (rows: number): string =>
  `INSERT INTO held_time (sensor, channel, drill, ts) VALUES ${Array.from({ length: rows }, () => '(?, ?, ?, ?)').join(', ')}
   ON CONFLICT (sensor, channel, drill) DO UPDATE SET ts = excluded.ts WHERE excluded.ts > held_time.ts`;

/** `drill` is '' for real traffic: a primary key column cannot usefully hold NULL. */
export class SqlHeldTimes implements HeldTimesStore {
  constructor(private readonly sql: Sql) {}

  async load(): Promise<HeldTime[]> {
    const rows = await this.sql.all<Row>('SELECT sensor, channel, drill, ts FROM held_time');
    return rows.map((r) => ({ sensorId: r.sensor, channel: r.channel, drill: r.drill === '' ? null : r.drill, ts: r.ts }));
  }

  /**
   * All or nothing; joins the caller's transaction when there is one (the alarm commit).
   *
   * Rows are locked in key order, deletes and upserts alike, whatever order the changes came in: a
   * save spans several statements (batches), and the alarm commit's save and the periodic one (on
   * this node or another) run at once over the same keys. Taken in the order sensors were heard,
   * each held rows the other was waiting for: PostgreSQL aborted one as a deadlock.
   */
  async save(changes: HeldChanges): Promise<void> {
    // One row per key: PostgreSQL refuses a statement that would update the same row twice.
    const newest = new Map<string, SqlValue[]>();
    for (const u of changes.upserts) {
      const key = JSON.stringify([u.sensorId, u.channel, u.drill ?? '']);
      const had = newest.get(key);
      if (had === undefined || (had[3] as number) < u.ts) newest.set(key, [u.sensorId, u.channel, u.drill ?? '', u.ts]);
    }
    const writes: { key: SqlValue[]; upsert: boolean }[] = [
      ...changes.deletes.map((d) => ({ key: [d.sensorId, d.channel, d.drill ?? ''], upsert: false })),
      ...[...newest.values()].map((row) => ({ key: row, upsert: true })),
    ].sort((a, b) => byKey(a.key, b.key));
    await this.sql.transaction(async () => {
      for (let at = 0; at < writes.length;) {
        if (!writes[at]!.upsert) {
          await this.sql.run('DELETE FROM held_time WHERE sensor = ? AND channel = ? AND drill = ?', writes[at]!.key.slice(0, 3));
          at++;
          continue;
        }
        // The newer time wins: a save retried after a failure may carry an older one.
        let run = at;
        while (run < writes.length && writes[run]!.upsert) run++;
        let n = BATCH;
        while (n > run - at) n /= 2;
        await this.sql.run(
          upsertOf(n),
          writes.slice(at, at + n).flatMap((w) => w.key),
        );
        at += n;
      }
    });
  }
}

/** Sensor, channel, drill: any fixed total order serves, as long as every writer uses the same one. */
function byKey(a: readonly SqlValue[], b: readonly SqlValue[]): number {
  for (let i = 0; i < 3; i++) {
    const x = String(a[i]);
    const y = String(b[i]);
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
