/** The SQLite schema of the alarm state; the store itself is sql.alarms.ts, over either engine. */
import type { SqliteDatabase } from './sqlite.database.ts';

export const alarmsMigration = (db: SqliteDatabase): void => {
  db.exec(`
    CREATE TABLE alarm (
      id TEXT PRIMARY KEY,
      site TEXT NOT NULL, zone TEXT NOT NULL, sensor TEXT NOT NULL, kind TEXT NOT NULL,
      condition TEXT NOT NULL, priority TEXT NOT NULL, state TEXT NOT NULL, drill TEXT,
      raised_at INTEGER NOT NULL, closed_at INTEGER, updated_at INTEGER NOT NULL,
      json TEXT NOT NULL
    );
    CREATE INDEX alarm_raised ON alarm (raised_at);
    CREATE INDEX alarm_open ON alarm (state) WHERE state <> 'cleared';
    CREATE INDEX alarm_sensor ON alarm (sensor, raised_at);
    CREATE TABLE incident (id TEXT PRIMARY KEY, state TEXT NOT NULL, json TEXT NOT NULL);
    CREATE TABLE rule_state (key TEXT PRIMARY KEY, json TEXT NOT NULL);
    CREATE TABLE engine_meta (id INTEGER PRIMARY KEY CHECK (id = 1), json TEXT NOT NULL);
    CREATE TABLE alarm_event (
      seq INTEGER PRIMARY KEY,
      at INTEGER NOT NULL, subject TEXT NOT NULL, kind TEXT NOT NULL,
      alarm_id TEXT, incident_id TEXT, sensor_id TEXT, actor TEXT NOT NULL, drill TEXT,
      json TEXT NOT NULL
    );
    CREATE INDEX alarm_event_alarm ON alarm_event (alarm_id, seq);
    CREATE INDEX alarm_event_incident ON alarm_event (incident_id, seq);
  `);
};

/**
 * The site of each rule state and incident as a column: a node taking over one site restores
 * that site's engine state alone (`AlarmStore.load(closedSince, site)`); a rule state's key (the
 * sensor id, and the drill) does not name it. Filled from the documents already stored.
 */
export const alarmSitesMigration = (db: SqliteDatabase): void => {
  db.exec(`
    ALTER TABLE rule_state ADD COLUMN site TEXT;
    ALTER TABLE incident ADD COLUMN site TEXT;
    UPDATE rule_state SET site = json_extract(json, '$.siteId');
    UPDATE incident SET site = json_extract(json, '$.siteId');
  `);
};

/**
 * Several nodes (PostgreSQL; the same tables here so the two schemas stay one, unused by a sole
 * node): each site's engine meta (counters, floods, out of service) saved by the node running the
 * site, and the one event counter all nodes number their events from, starting after the events
 * stored so far.
 */
export const alarmClusterMigration = (db: SqliteDatabase): void => {
  db.exec(`
    CREATE TABLE site_engine_meta (site TEXT PRIMARY KEY, json TEXT NOT NULL);
    CREATE TABLE event_seq (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL);
    INSERT INTO event_seq (id, seq) SELECT 1, COALESCE(MAX(seq), 0) FROM alarm_event;
  `);
};
