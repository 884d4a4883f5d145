/** Held times (domain/retained.ts) in SQLite: the newest observation time Vigil accepted per sensor, channel and drill. */
import type { Channel } from '../../../contract/index.ts';
import type { HeldChanges, HeldTime } from '../domain/retained.ts';
import type { HeldTimesStore } from '../services/retained.gate.ts';
import type { SqliteDatabase } from './sqlite.database.ts';

/** `drill` is '' for real traffic: a primary key column cannot usefully hold NULL. */
export const heldTimesMigration = (db: SqliteDatabase): void => {
  db.exec(`
    CREATE TABLE held_time (
      sensor TEXT NOT NULL, channel TEXT NOT NULL, drill TEXT NOT NULL DEFAULT '', ts INTEGER NOT NULL,
      PRIMARY KEY (sensor, channel, drill)
    ) WITHOUT ROWID;
  `);
};

interface Row {
  sensor: string;
  channel: Channel;
  drill: string;
  ts: number;
}

export class SqliteHeldTimes implements HeldTimesStore {
  private readonly upsert;
  private readonly remove;
  private readonly write;

  constructor(private readonly db: SqliteDatabase) {
    // The newer time wins: a save retried after a failure may carry an older one.
    this.upsert = db.prepare(
      'INSERT INTO held_time (sensor, channel, drill, ts) VALUES (?, ?, ?, ?) ON CONFLICT (sensor, channel, drill) DO UPDATE SET ts = max(ts, excluded.ts)',
    );
    this.remove = db.prepare('DELETE FROM held_time WHERE sensor = ? AND channel = ? AND drill = ?');
    this.write = db.transaction((changes: HeldChanges) => {
      for (const d of changes.deletes) this.remove.run(d.sensorId, d.channel, d.drill ?? '');
      for (const u of changes.upserts) this.upsert.run(u.sensorId, u.channel, u.drill ?? '', u.ts);
    });
  }

  load(): HeldTime[] {
    const rows = this.db.prepare('SELECT sensor, channel, drill, ts FROM held_time').all() as Row[];
    return rows.map((r) => ({ sensorId: r.sensor, channel: r.channel, drill: r.drill === '' ? null : r.drill, ts: r.ts }));
  }

  save(changes: HeldChanges): void {
    this.write(changes);
  }
}
