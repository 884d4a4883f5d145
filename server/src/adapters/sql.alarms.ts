/**
 * Alarm state over {@link Sql} (SQLite or PostgreSQL): every alarm (open and closed, the record),
 * incidents, per-sensor rule state, engine counters and the sequenced event history. Each engine
 * change is committed in one transaction before it is pushed, so after a crash the console comes
 * back exactly as it was.
 */
import type { Alarm, AlarmEvent, AlarmSortColumn, Incident } from '../../../contract/index.ts';
import type { SensorRuleState } from '../domain/alarm/index.ts';
import type { AlarmCommit, AlarmFilter, ClusterAlarmStore, EngineMeta, SavedEngine } from '../services/alarm.ports.ts';
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

/** A site whose engine never saved anything: nothing counted, nothing out of service. */
const EMPTY_META: EngineMeta = { counters: { alarm: 0, incident: 0 }, floods: [], outOfService: [], seq: 0 };

const ofSite = (site: string | undefined): { clause: string; args: SqlValue[] } =>
  site === undefined ? { clause: '', args: [] } : { clause: ' AND site = ?', args: [site] };

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const placeholders = (n: number): string => Array.from({ length: n }, () => '?').join(', ');

/** One row of {@link SqlAlarmStore.readSites}' single statement. */
interface SiteReadRow {
  part: 'seq' | 'meta' | 'site_meta' | 'alarm' | 'incident' | 'rule';
  site: string | null;
  n: number | null;
  json: string | null;
}

export class SqlAlarmStore implements ClusterAlarmStore {
  private readonly sortKey: Readonly<Record<AlarmSortColumn, string>>;

  constructor(private readonly sql: Sql) {
    this.sortKey = sortKeys(sql);
  }

  /**
   * Joins the caller's transaction when there is one (the alarm service's, with the audit entries).
   *
   * Lock order of that transaction, which every other transaction taking two of these locks keeps
   * (docs/architecture.md "Several nodes"), so nodes committing at once wait for each other and
   * never deadlock: the site's `site_lease` row (`holds`, the fencing check) → the `event_seq` row
   * (`takeSeq`; from here to COMMIT every node's alarm commits take turns) → alarm, incident and
   * rule-state rows (here, each kind in id order) and the site's engine meta → the audit chain's
   * advisory lock `vigil.audit` → the notifications' rows and locks → `held_time` rows (key order).
   */
  async commit(c: AlarmCommit): Promise<void> {
    const byId = <T extends { id: string }>(rows: readonly T[]): T[] => [...rows].sort((a, b) => byText(a.id, b.id));
    await this.sql.transaction(async () => {
      for (const a of byId(c.alarms)) {
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
      for (const i of byId(c.incidents)) {
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
      await this.upsertMeta(c.meta, c.site);
    });
  }

  async saveRuleStates(states: SensorRuleState[], meta: EngineMeta, site?: string): Promise<void> {
    await this.sql.transaction(async () => {
      await this.upsertRules(states);
      await this.upsertMeta(meta, site);
    });
  }

  async load(closedSince: number, site?: string): Promise<SavedEngine | null> {
    const meta = await this.meta(site);
    if (meta === undefined) return null;
    const { clause, args } = ofSite(site);
    // Ordered as the engine first held them: the console lists open alarms in this order.
    const alarms = parsed<Alarm>(
      await this.sql.all(`SELECT json FROM alarm WHERE (state <> 'cleared' OR closed_at >= ?)${clause} ORDER BY raised_at, id`, [closedSince, ...args]),
    );
    const incidents = parsed<Incident>(
      await this.sql.all(`SELECT json FROM incident WHERE state <> 'closed'${clause} ORDER BY ${this.sql.jsonNumber('json', ['openedAt'])}, id`, args),
    );
    const sensors = parsed<SensorRuleState>(await this.sql.all(`SELECT json FROM rule_state WHERE 1 = 1${clause} ORDER BY key`, args));
    // A site's engine numbers its events from the counter all nodes share: the last one handed out.
    // A single node goes on from its own, or from the shared one should nodes have run on this
    // store since (their events are numbered from it): never a number already stored.
    const shared = (await this.sql.get<{ seq: number }>('SELECT seq FROM event_seq WHERE id = 1'))!.seq;
    meta.seq = site === undefined ? Math.max(meta.seq, shared) : shared;
    return saved(meta, alarms, incidents, sensors);
  }

  async getIncident(id: string): Promise<Incident | undefined> {
    const row = await this.sql.get<{ json: string }>('SELECT json FROM incident WHERE id = ?', [id]);
    return row ? (JSON.parse(row.json) as Incident) : undefined;
  }

  async takeSeq(count: number): Promise<number> {
    return (await this.sql.get<{ seq: number }>('UPDATE event_seq SET seq = seq + ? WHERE id = 1 RETURNING seq', [count]))!.seq;
  }

  async holds(site: string, token: number): Promise<boolean> {
    // A write that changes nothing, for its row lock: a node taking the site over waits for it.
    const { changes } = await this.sql.run('UPDATE site_lease SET token = token WHERE site = ? AND token = ? AND holder IS NOT NULL', [site, token]);
    return changes === 1;
  }

  async catchUpSeq(): Promise<void> {
    await this.sql.run(
      `UPDATE event_seq SET seq = (SELECT COALESCE(MAX(seq), 0) FROM alarm_event)
       WHERE id = 1 AND seq < (SELECT COALESCE(MAX(seq), 0) FROM alarm_event)`,
    );
  }

  async readSites(sites: readonly string[]): Promise<{ seq: number; sites: Map<string, SavedEngine> }> {
    // One statement reads one snapshot of the database on both engines (PostgreSQL's READ
    // COMMITTED takes one per statement), so every part is as of the same commit.
    const inSites = `site IN (${placeholders(sites.length)})`;
    const parts = ["SELECT 'seq' AS part, NULL AS site, seq AS n, NULL AS json FROM event_seq WHERE id = 1"];
    if (sites.length > 0) {
      parts.push(
        "SELECT 'meta', NULL, NULL, json FROM engine_meta WHERE id = 1",
        `SELECT 'site_meta', site, NULL, json FROM site_engine_meta WHERE ${inSites}`,
        `SELECT 'alarm', site, NULL, json FROM alarm WHERE state <> 'cleared' AND ${inSites}`,
        `SELECT 'incident', site, NULL, json FROM incident WHERE state <> 'closed' AND ${inSites}`,
        `SELECT 'rule', site, NULL, json FROM rule_state WHERE ${inSites}`,
      );
    }
    const rows = await this.sql.all<SiteReadRow>(parts.join(' UNION ALL '), sites.length > 0 ? Array(4).fill(sites).flat() : []);
    let seq = 0;
    let global: EngineMeta | undefined;
    const bySite = new Map(
      sites.map((site) => [
        site,
        { meta: undefined as EngineMeta | undefined, alarms: [] as Alarm[], incidents: [] as Incident[], rules: [] as SensorRuleState[] },
      ]),
    );
    for (const r of rows) {
      const of = r.site === null ? undefined : bySite.get(r.site);
      if (r.part === 'seq') seq = r.n!;
      else if (r.part === 'meta') global = JSON.parse(r.json!) as EngineMeta;
      else if (of === undefined) continue;
      else if (r.part === 'site_meta') of.meta = JSON.parse(r.json!) as EngineMeta;
      else if (r.part === 'alarm') of.alarms.push(JSON.parse(r.json!) as Alarm);
      else if (r.part === 'incident') of.incidents.push(JSON.parse(r.json!) as Incident);
      else of.rules.push(JSON.parse(r.json!) as SensorRuleState);
    }
    // The orders `load` gives (UNION ALL keeps none).
    const out = new Map<string, SavedEngine>();
    for (const [site, of] of bySite) {
      of.alarms.sort((a, b) => a.raisedAt - b.raisedAt || byText(a.id, b.id));
      of.incidents.sort((a, b) => a.openedAt - b.openedAt || byText(a.id, b.id));
      of.rules.sort((a, b) => byText(a.key, b.key));
      out.set(site, saved(of.meta ?? global ?? EMPTY_META, of.alarms, of.incidents, of.rules));
    }
    return { seq, sites: out };
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

  /** In key order: the periodic save and a commit may write the same rows (see `commit`). */
  private async upsertRules(states: readonly SensorRuleState[]): Promise<void> {
    for (const r of [...states].sort((a, b) => byText(a.key, b.key))) {
      await this.sql.run(
        'INSERT INTO rule_state (key, site, json) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET site = excluded.site, json = excluded.json',
        [r.key, r.siteId, JSON.stringify(r)],
      );
    }
  }

  private async upsertMeta(meta: EngineMeta, site: string | undefined): Promise<void> {
    if (site === undefined)
      await this.sql.run('INSERT INTO engine_meta (id, json) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET json = excluded.json', [JSON.stringify(meta)]);
    else
      await this.sql.run('INSERT INTO site_engine_meta (site, json) VALUES (?, ?) ON CONFLICT (site) DO UPDATE SET json = excluded.json', [
        site,
        JSON.stringify(meta),
      ]);
  }

  /**
   * The engine meta: the single node's; or a site engine's own, else what a single node left (the
   * site's engine takes its part of it), else nothing yet.
   */
  private async meta(site: string | undefined): Promise<EngineMeta | undefined> {
    if (site !== undefined) {
      const own = await this.sql.get<{ json: string }>('SELECT json FROM site_engine_meta WHERE site = ?', [site]);
      if (own) return JSON.parse(own.json) as EngineMeta;
    }
    const row = await this.sql.get<{ json: string }>('SELECT json FROM engine_meta WHERE id = 1');
    if (row) return JSON.parse(row.json) as EngineMeta;
    return site === undefined ? undefined : EMPTY_META;
  }
}

function saved(meta: EngineMeta, alarms: Alarm[], incidents: Incident[], sensors: SensorRuleState[]): SavedEngine {
  return {
    seq: meta.seq,
    state: { version: 1, alarms, incidents, sensors, outOfService: meta.outOfService, floods: meta.floods, counters: meta.counters, watchBaseline: null },
  };
}
