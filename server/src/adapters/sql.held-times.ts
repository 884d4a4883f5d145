/** Held times (domain/retained.ts) over {@link Sql}: the newest observation time Vigil accepted per sensor, channel and drill. */
import type { Channel } from '../../../contract/index.ts';
import type { HeldChanges, HeldTime } from '../domain/retained.ts';
import type { HeldTimesStore } from '../services/retained.gate.ts';
import type { Sql } from './sql.ts';

interface Row {
  sensor: string;
  channel: Channel;
  drill: string;
  ts: number;
}

/** `drill` is '' for real traffic: a primary key column cannot usefully hold NULL. */
export class SqlHeldTimes implements HeldTimesStore {
  constructor(private readonly sql: Sql) {}

  async load(): Promise<HeldTime[]> {
    const rows = await this.sql.all<Row>('SELECT sensor, channel, drill, ts FROM held_time');
    return rows.map((r) => ({ sensorId: r.sensor, channel: r.channel, drill: r.drill === '' ? null : r.drill, ts: r.ts }));
  }

  /** All or nothing; joins the caller's transaction when there is one (the alarm commit). */
  async save(changes: HeldChanges): Promise<void> {
    await this.sql.transaction(async () => {
      for (const d of changes.deletes)
        await this.sql.run('DELETE FROM held_time WHERE sensor = ? AND channel = ? AND drill = ?', [d.sensorId, d.channel, d.drill ?? '']);
      // The newer time wins: a save retried after a failure may carry an older one.
      for (const u of changes.upserts)
        await this.sql.run(
          'INSERT INTO held_time (sensor, channel, drill, ts) VALUES (?, ?, ?, ?) ON CONFLICT (sensor, channel, drill) DO UPDATE SET ts = excluded.ts WHERE excluded.ts > held_time.ts',
          [u.sensorId, u.channel, u.drill ?? '', u.ts],
        );
    });
  }
}
