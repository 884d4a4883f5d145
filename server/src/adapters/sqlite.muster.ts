/**
 * Presence kept with alarms (SQLite): who was presumed in the zone and in the building when each
 * hazard alarm was raised, and who has been accounted for at a muster.
 */
import type { PresentPerson } from '../../../contract/index.ts';
import type { AlarmPresenceRecord, MusterStore, MusterTickRecord } from '../services/presence.service.ts';
import type { SqliteDatabase } from './sqlite.database.ts';

export const musterMigration = (db: SqliteDatabase): void => {
  db.exec(`
    CREATE TABLE alarm_presence (
      alarm_id TEXT PRIMARY KEY, site_id TEXT NOT NULL, zone_id TEXT NOT NULL, building TEXT NOT NULL,
      drill TEXT, at INTEGER NOT NULL, window_hours REAL NOT NULL, zone_people TEXT NOT NULL, building_people TEXT NOT NULL
    );
    CREATE TABLE muster_tick (
      alarm_id TEXT NOT NULL, person_key TEXT NOT NULL, at INTEGER NOT NULL, actor TEXT NOT NULL,
      PRIMARY KEY (alarm_id, person_key)
    ) WITHOUT ROWID;
  `);
};

interface PresenceRow {
  alarm_id: string;
  site_id: string;
  zone_id: string;
  building: string;
  drill: string | null;
  at: number;
  window_hours: number;
  zone_people: string;
  building_people: string;
}

export class SqliteMuster implements MusterStore {
  constructor(private readonly db: SqliteDatabase) {}

  savePresence(r: AlarmPresenceRecord): void {
    // The first list stands: it is what was known when the alarm was raised.
    this.db
      .prepare(
        'INSERT OR IGNORE INTO alarm_presence (alarm_id, site_id, zone_id, building, drill, at, window_hours, zone_people, building_people) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(r.alarmId, r.siteId, r.zoneId, r.building, r.drill, r.at, r.windowHours, JSON.stringify(r.zonePeople), JSON.stringify(r.buildingPeople));
  }

  presence(alarmId: string): AlarmPresenceRecord | undefined {
    const row = this.db.prepare('SELECT * FROM alarm_presence WHERE alarm_id = ?').get(alarmId) as PresenceRow | undefined;
    return row && toRecord(row);
  }

  presenceOfDrill(drillId: string): AlarmPresenceRecord[] {
    const rows = this.db.prepare('SELECT * FROM alarm_presence WHERE drill = ? ORDER BY at').all(drillId) as PresenceRow[];
    return rows.map(toRecord);
  }

  /** False when that person was already accounted for at this muster. */
  tick(t: MusterTickRecord): boolean {
    return (
      this.db.prepare('INSERT OR IGNORE INTO muster_tick (alarm_id, person_key, at, actor) VALUES (?, ?, ?, ?)').run(t.alarmId, t.key, t.at, t.actor)
        .changes === 1
    );
  }

  ticks(alarmId: string): MusterTickRecord[] {
    const rows = this.db.prepare('SELECT person_key AS key, at, actor FROM muster_tick WHERE alarm_id = ?').all(alarmId) as Omit<MusterTickRecord, 'alarmId'>[];
    return rows.map((r) => ({ alarmId, ...r }));
  }
}

function toRecord(row: PresenceRow): AlarmPresenceRecord {
  return {
    alarmId: row.alarm_id,
    siteId: row.site_id,
    zoneId: row.zone_id,
    building: row.building,
    drill: row.drill,
    at: row.at,
    windowHours: row.window_hours,
    zonePeople: JSON.parse(row.zone_people) as PresentPerson[],
    buildingPeople: JSON.parse(row.building_people) as PresentPerson[],
  };
}
