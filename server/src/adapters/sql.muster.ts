/**
 * Presence kept with alarms over {@link Sql} (SQLite or PostgreSQL): who was presumed in the zone
 * and in the building when each hazard alarm was raised, and who has been accounted for at a
 * muster. Both are first-write-wins inserts, so two nodes recording the same thing keep one.
 */
import type { PresentPerson } from '../../../contract/index.ts';
import type { AlarmPresenceRecord, MusterStore, MusterTickRecord } from '../services/presence.service.ts';
import type { Sql } from './sql.ts';

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

export class SqlMusterStore implements MusterStore {
  constructor(private readonly sql: Sql) {}

  transaction<T>(fn: () => Promise<T>): Promise<T> {
    return this.sql.transaction(fn);
  }

  async savePresence(r: AlarmPresenceRecord): Promise<void> {
    // The first list stands: it is what was known when the alarm was raised.
    await this.sql.run(
      `INSERT INTO alarm_presence (alarm_id, site_id, zone_id, building, drill, at, window_hours, zone_people, building_people)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (alarm_id) DO NOTHING`,
      [r.alarmId, r.siteId, r.zoneId, r.building, r.drill, r.at, r.windowHours, JSON.stringify(r.zonePeople), JSON.stringify(r.buildingPeople)],
    );
  }

  async presence(alarmId: string): Promise<AlarmPresenceRecord | undefined> {
    const row = await this.sql.get<PresenceRow>('SELECT * FROM alarm_presence WHERE alarm_id = ?', [alarmId]);
    return row && toRecord(row);
  }

  async presenceOfDrill(drillId: string): Promise<AlarmPresenceRecord[]> {
    return (await this.sql.all<PresenceRow>('SELECT * FROM alarm_presence WHERE drill = ? ORDER BY at, alarm_id', [drillId])).map(toRecord);
  }

  /** False when that person was already accounted for at this muster. */
  async tick(t: MusterTickRecord): Promise<boolean> {
    const r = await this.sql.run(
      'INSERT INTO muster_tick (alarm_id, person_key, at, actor) VALUES (?, ?, ?, ?) ON CONFLICT (alarm_id, person_key) DO NOTHING',
      [t.alarmId, t.key, t.at, t.actor],
    );
    return r.changes === 1;
  }

  async ticks(alarmId: string): Promise<MusterTickRecord[]> {
    const rows = await this.sql.all<Omit<MusterTickRecord, 'alarmId'>>(
      'SELECT person_key AS key, at, actor FROM muster_tick WHERE alarm_id = ? ORDER BY person_key',
      [alarmId],
    );
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
