/**
 * Alarm state over {@link Sql} (SQLite or PostgreSQL): every alarm (open and closed, the record),
 * incidents, per-sensor rule state, engine counters and the sequenced event history. Each engine
 * change is committed in one transaction before it is pushed, so after a crash the console comes
 * back exactly as it was.
 */
import type { Alarm, AlarmEvent, AlarmSortColumn, Incident } from '../../../contract/index.ts';
import type { SensorRuleState } from '../domain/alarm/index.ts';
import type { AlarmCommit, AlarmFilter, AlarmStore, EngineMeta, SavedEngine } from '../services/alarm.ports.ts';
import type { Sql, SqlValue } from './sql.ts';

/**
 * The SQL value each sort column orders by (NULL: the alarm has none, and goes last). Fixed
 * expressions picked by a validated name, so nothing the client sends is spliced into SQL.
 */
function sortKeys(sql: Sql): Readonly<Record<AlarmSortColumn, string>> {
  return {
    raised: 'raised_at',
    // Ascending = least urgent first, so that descending (the first click) puts critical on top.
    priority: "CASE priority WHEN 'critical' THEN 3 WHEN 'high' THEN 2 WHEN 'medium' THEN 1 ELSE 0 END",
    alarm: 'condition',
    sensor: `COALESCE(NULLIF(${sql.jsonText('json', ['sensorName'])}, ''), sensor)`,
    state: 'state',
    acked: `${sql.jsonNumber('json', ['ackedAt'])} - raised_at`,
    closed: 'closed_at',
    cause: `CASE WHEN ${sql.jsonText('json', ['resolution'])} IS NULL THEN NULL ELSE COALESCE(${sql.jsonText('json', ['resolution', 'causeCategory'])}, '') END`,
  };
}

const parsed = <T>(rows: { json: string }[]): T[] => rows.map((r) => JSON.parse(r.json) as T);

export class SqlAlarmStore implements AlarmStore {
  private readonly sortKey: Readonly<Record<AlarmSortColumn, string>>;

  constructor(private readonly sql: Sql) {
    this.sortKey = sortKeys(sql);
  }

  /** Joins the caller's transaction when there is one (the alarm service's, with the audit entries). */
  async commit(c: AlarmCommit): Promise<void> {
    await this.sql.transaction(async () => {
      for (const a of c.alarms) {
        await this.sql.run(
          `INSERT INTO alarm (id, site, zone, sensor, kind, condition, priority, state, drill, raised_at, closed_at, updated_at, json)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET priority = excluded.priority, state = excluded.state, closed_at = excluded.closed_at,
             updated_at = excluded.updated_at, json = excluded.json`,
          [
            a.id,
            a.siteId,
            a.zoneId,
            a.sensorId,
            a.sensorKind,
            a.condition,
            a.priority,
            a.state,
            a.drill,
            a.raisedAt,
            a.closedAt,
            a.updatedAt,
            JSON.stringify(a),
          ],
        );
      }
      for (const i of c.incidents) {
        await this.sql.run(
          'INSERT INTO incident (id, site, state, json) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET state = excluded.state, json = excluded.json',
          [i.id, i.siteId, i.state, JSON.stringify(i)],
        );
      }
      await this.upsertRules(c.ruleStates);
      for (const e of c.events) {
        const alarmId = e.subject === 'alarm' ? e.alarmId : null;
        const incidentId = e.subject === 'incident' ? e.incidentId : e.subject === 'alarm' ? e.alarm.incidentId : null;
        const sensorId = e.subject === 'sensor' ? e.sensorId : e.subject === 'alarm' ? e.alarm.sensorId : null;
        await this.sql.run(
          'INSERT INTO alarm_event (seq, at, subject, kind, alarm_id, incident_id, sensor_id, actor, drill, json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
          [e.seq, e.at, e.subject, e.kind, alarmId, incidentId, sensorId, e.actor, e.drill, JSON.stringify(e)],
        );
      }
      await this.upsertMeta(c.meta);
    });
  }

  async saveRuleStates(states: SensorRuleState[], meta: EngineMeta): Promise<void> {
    await this.sql.transaction(async () => {
      await this.upsertRules(states);
      await this.upsertMeta(meta);
    });
  }

  async load(closedSince: number, site?: string): Promise<SavedEngine | null> {
    const metaRow = await this.sql.get<{ json: string }>('SELECT json FROM engine_meta WHERE id = 1');
    if (!metaRow) return null;
    const meta = JSON.parse(metaRow.json) as EngineMeta;
    const ofSite = site === undefined ? '' : ' AND site = ?';
    const siteArg: SqlValue[] = site === undefined ? [] : [site];
    // Ordered as the engine first held them: the console lists open alarms in this order.
    const alarms = parsed<Alarm>(
      await this.sql.all(`SELECT json FROM alarm WHERE (state <> 'cleared' OR closed_at >= ?)${ofSite} ORDER BY raised_at, id`, [closedSince, ...siteArg]),
    );
    const incidents = parsed<Incident>(
      await this.sql.all(`SELECT json FROM incident WHERE state <> 'closed'${ofSite} ORDER BY ${this.sql.jsonNumber('json', ['openedAt'])}, id`, siteArg),
    );
    const sensors = parsed<SensorRuleState>(await this.sql.all(`SELECT json FROM rule_state WHERE 1 = 1${ofSite} ORDER BY key`, siteArg));
    return {
      seq: meta.seq,
      state: { version: 1, alarms, incidents, sensors, outOfService: meta.outOfService, floods: meta.floods, counters: meta.counters, watchBaseline: null },
    };
  }

  async list(f: AlarmFilter): Promise<{ total: number; alarms: Alarm[] }> {
    const where: string[] = [];
    const args: SqlValue[] = [];
    const narrow = (clause: string, value: SqlValue | undefined): void => {
      if (value === undefined) return;
      where.push(clause);
      args.push(value);
    };
    if (f.state === 'open') where.push("state <> 'cleared'");
    else if (f.state === 'closed') where.push("state = 'cleared'");
    else narrow('state = ?', f.state);
    narrow('site = ?', f.site);
    narrow('zone = ?', f.zone);
    narrow('sensor = ?', f.sensor);
    narrow('kind = ?', f.kind);
    narrow('priority = ?', f.priority);
    narrow('raised_at >= ?', f.from);
    narrow('raised_at <= ?', f.to);
    if (f.drill === 'only') where.push('drill IS NOT NULL');
    if (f.drill === 'exclude') where.push('drill IS NULL');
    narrow('drill = ?', f.drillId);
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = (await this.sql.get<{ n: number }>(`SELECT count(*) AS n FROM alarm ${clause}`, args))!.n;
    const rows = await this.sql.all<{ json: string }>(`SELECT json FROM alarm ${clause} ${this.orderBy(f.sort, f.order)} LIMIT ? OFFSET ?`, [
      ...args,
      f.limit,
      f.offset,
    ]);
    return { total, alarms: parsed<Alarm>(rows) };
  }

  async get(id: string): Promise<Alarm | undefined> {
    const row = await this.sql.get<{ json: string }>('SELECT json FROM alarm WHERE id = ?', [id]);
    return row ? (JSON.parse(row.json) as Alarm) : undefined;
  }

  async history(alarmId: string): Promise<AlarmEvent[]> {
    return parsed<AlarmEvent>(await this.sql.all('SELECT json FROM alarm_event WHERE alarm_id = ? ORDER BY seq', [alarmId]));
  }

  private orderBy(sort: AlarmSortColumn = 'raised', order: 'asc' | 'desc' = 'desc'): string {
    const key = this.sortKey[sort];
    const dir = order === 'asc' ? 'ASC' : 'DESC';
    // NULLs last either way, spelled out: the engines put them at opposite ends by default.
    return `ORDER BY CASE WHEN (${key}) IS NULL THEN 1 ELSE 0 END, ${key} ${dir}, raised_at DESC, id DESC`;
  }

  private async upsertRules(states: readonly SensorRuleState[]): Promise<void> {
    for (const r of states) {
      await this.sql.run(
        'INSERT INTO rule_state (key, site, json) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET site = excluded.site, json = excluded.json',
        [r.key, r.siteId, JSON.stringify(r)],
      );
    }
  }

  private async upsertMeta(meta: EngineMeta): Promise<void> {
    await this.sql.run('INSERT INTO engine_meta (id, json) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET json = excluded.json', [JSON.stringify(meta)]);
  }
}
