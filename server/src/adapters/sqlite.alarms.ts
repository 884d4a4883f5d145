/**
 * Alarm state in SQLite: every alarm (open and closed, the record), incidents, per-sensor rule
 * state, engine counters and the sequenced event history. Each engine change is committed in one
 * transaction before it is pushed, so after a crash the console comes back exactly as it was.
 */
import type { Alarm, AlarmEvent, AlarmSortColumn, Incident } from '../../../contract/index.ts';
import type { SensorRuleState } from '../domain/alarm/index.ts';
import type { AlarmCommit, AlarmFilter, AlarmStore, EngineMeta } from '../services/alarm.ports.ts';
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
 * The SQL value each sort column orders by (NULL: the alarm has none, and goes last). Fixed
 * expressions picked by a validated name, so nothing the client sends is spliced into SQL.
 */
const SORT_KEY: Readonly<Record<AlarmSortColumn, string>> = {
  raised: 'raised_at',
  // Ascending = least urgent first, so that descending (the first click) puts critical on top.
  priority: "CASE priority WHEN 'critical' THEN 3 WHEN 'high' THEN 2 WHEN 'medium' THEN 1 ELSE 0 END",
  alarm: 'condition',
  sensor: "COALESCE(NULLIF(json_extract(json, '$.sensorName'), ''), sensor)",
  state: 'state',
  acked: "json_extract(json, '$.ackedAt') - raised_at",
  closed: 'closed_at',
  cause: "CASE WHEN json_extract(json, '$.resolution') IS NULL THEN NULL ELSE COALESCE(json_extract(json, '$.resolution.causeCategory'), '') END",
};

function orderBy(sort: AlarmSortColumn = 'raised', order: 'asc' | 'desc' = 'desc'): string {
  const key = SORT_KEY[sort];
  const dir = order === 'asc' ? 'ASC' : 'DESC';
  return `ORDER BY (${key}) IS NULL, ${key} ${dir}, raised_at DESC, id DESC`;
}

export class SqliteAlarmStore implements AlarmStore {
  private readonly upsertAlarm;
  private readonly upsertIncident;
  private readonly upsertRule;
  private readonly upsertMeta;
  private readonly insertEvent;
  private readonly commitTx;
  private readonly saveRulesTx;

  constructor(private readonly db: SqliteDatabase) {
    this.upsertAlarm = db.prepare(`
      INSERT INTO alarm (id, site, zone, sensor, kind, condition, priority, state, drill, raised_at, closed_at, updated_at, json)
      VALUES (@id, @siteId, @zoneId, @sensorId, @sensorKind, @condition, @priority, @state, @drill, @raisedAt, @closedAt, @updatedAt, @json)
      ON CONFLICT (id) DO UPDATE SET priority = excluded.priority, state = excluded.state, closed_at = excluded.closed_at,
        updated_at = excluded.updated_at, json = excluded.json`);
    this.upsertIncident = db.prepare(
      'INSERT INTO incident (id, state, json) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET state = excluded.state, json = excluded.json',
    );
    this.upsertRule = db.prepare('INSERT INTO rule_state (key, json) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET json = excluded.json');
    this.upsertMeta = db.prepare('INSERT INTO engine_meta (id, json) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET json = excluded.json');
    this.insertEvent = db.prepare(
      'INSERT INTO alarm_event (seq, at, subject, kind, alarm_id, incident_id, sensor_id, actor, drill, json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.commitTx = db.transaction((c: AlarmCommit) => {
      for (const a of c.alarms) this.upsertAlarm.run({ ...a, json: JSON.stringify(a) });
      for (const i of c.incidents) this.upsertIncident.run(i.id, i.state, JSON.stringify(i));
      for (const r of c.ruleStates) this.upsertRule.run(r.key, JSON.stringify(r));
      for (const e of c.events) {
        const alarmId = e.subject === 'alarm' ? e.alarmId : null;
        const incidentId = e.subject === 'incident' ? e.incidentId : e.subject === 'alarm' ? e.alarm.incidentId : null;
        const sensorId = e.subject === 'sensor' ? e.sensorId : e.subject === 'alarm' ? e.alarm.sensorId : null;
        this.insertEvent.run(e.seq, e.at, e.subject, e.kind, alarmId, incidentId, sensorId, e.actor, e.drill, JSON.stringify(e));
      }
      this.upsertMeta.run(JSON.stringify(c.meta));
    });
    this.saveRulesTx = db.transaction((states: SensorRuleState[], meta: EngineMeta) => {
      for (const r of states) this.upsertRule.run(r.key, JSON.stringify(r));
      this.upsertMeta.run(JSON.stringify(meta));
    });
  }

  commit(c: AlarmCommit): void {
    this.commitTx(c);
  }

  saveRuleStates(states: SensorRuleState[], meta: EngineMeta): void {
    this.saveRulesTx(states, meta);
  }

  load(closedSince: number): ReturnType<AlarmStore['load']> {
    const metaRow = this.db.prepare('SELECT json FROM engine_meta WHERE id = 1').get() as { json: string } | undefined;
    if (!metaRow) return null;
    const meta = JSON.parse(metaRow.json) as EngineMeta;
    const alarms = (this.db.prepare("SELECT json FROM alarm WHERE state <> 'cleared' OR closed_at >= ?").all(closedSince) as { json: string }[]).map(
      (r) => JSON.parse(r.json) as Alarm,
    );
    const incidents = (this.db.prepare("SELECT json FROM incident WHERE state <> 'closed'").all() as { json: string }[]).map(
      (r) => JSON.parse(r.json) as Incident,
    );
    const sensors = (this.db.prepare('SELECT json FROM rule_state').all() as { json: string }[]).map((r) => JSON.parse(r.json) as SensorRuleState);
    return {
      seq: meta.seq,
      state: { version: 1, alarms, incidents, sensors, outOfService: meta.outOfService, floods: meta.floods, counters: meta.counters, watchBaseline: null },
    };
  }

  list(f: AlarmFilter): { total: number; alarms: Alarm[] } {
    const where: string[] = [];
    const args: Record<string, unknown> = {};
    const eq = (column: string, value: string | undefined) => {
      if (value === undefined) return;
      where.push(`${column} = @${column}`);
      args[column] = value;
    };
    if (f.state === 'open') where.push("state <> 'cleared'");
    else if (f.state === 'closed') where.push("state = 'cleared'");
    else eq('state', f.state);
    eq('site', f.site);
    eq('zone', f.zone);
    eq('sensor', f.sensor);
    eq('kind', f.kind);
    eq('priority', f.priority);
    if (f.from !== undefined) {
      where.push('raised_at >= @from');
      args.from = f.from;
    }
    if (f.to !== undefined) {
      where.push('raised_at <= @to');
      args.to = f.to;
    }
    if (f.drill === 'only') where.push('drill IS NOT NULL');
    if (f.drill === 'exclude') where.push('drill IS NULL');
    if (f.drillId !== undefined) {
      where.push('drill = @drillId');
      args.drillId = f.drillId;
    }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = (this.db.prepare(`SELECT count(*) AS n FROM alarm ${clause}`).get(args) as { n: number }).n;
    const rows = this.db
      .prepare(`SELECT json FROM alarm ${clause} ${orderBy(f.sort, f.order)} LIMIT @limit OFFSET @offset`)
      .all({ ...args, limit: f.limit, offset: f.offset }) as { json: string }[];
    return { total, alarms: rows.map((r) => JSON.parse(r.json) as Alarm) };
  }

  get(id: string): Alarm | undefined {
    const row = this.db.prepare('SELECT json FROM alarm WHERE id = ?').get(id) as { json: string } | undefined;
    return row ? (JSON.parse(row.json) as Alarm) : undefined;
  }

  history(alarmId: string): AlarmEvent[] {
    const rows = this.db.prepare('SELECT json FROM alarm_event WHERE alarm_id = ? ORDER BY seq').all(alarmId) as { json: string }[];
    return rows.map((r) => JSON.parse(r.json) as AlarmEvent);
  }
}
