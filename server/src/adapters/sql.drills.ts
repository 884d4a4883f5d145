/** Drill records over {@link Sql} (SQLite or PostgreSQL). */
import type { Drill } from '../../../contract/index.ts';
import type { DrillStore } from '../services/drill.service.ts';
import type { Sql } from './sql.ts';

interface Row {
  id: string;
  scenario: string;
  title: string | null;
  speed: number;
  site: string;
  started_by: string;
  started_at: number;
  ended_at: number | null;
  expected: string;
}

const toDrill = (r: Row): Drill => ({
  id: r.id,
  scenario: r.scenario,
  title: r.title ?? r.scenario,
  speed: r.speed,
  siteId: r.site,
  startedBy: r.started_by,
  startedAt: r.started_at,
  endedAt: r.ended_at,
  state: r.ended_at === null ? 'running' : 'ended',
  expected: JSON.parse(r.expected) as Drill['expected'],
});

export class SqlDrillStore implements DrillStore {
  constructor(private readonly sql: Sql) {}

  /** False when a drill with this id exists already (two registrations of the same drill at once). */
  async insert(d: Drill): Promise<boolean> {
    const { changes } = await this.sql.run(
      `INSERT INTO drill (id, scenario, title, speed, site, started_by, started_at, ended_at, expected) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO NOTHING`,
      [d.id, d.scenario, d.title, d.speed, d.siteId, d.startedBy, d.startedAt, d.endedAt, JSON.stringify(d.expected)],
    );
    return changes === 1;
  }

  async get(id: string): Promise<Drill | undefined> {
    const r = await this.sql.get<Row>('SELECT * FROM drill WHERE id = ?', [id]);
    return r ? toDrill(r) : undefined;
  }

  /** Latest first; drills started in the same millisecond in a fixed order. */
  async list(limit: number): Promise<Drill[]> {
    return (await this.sql.all<Row>('SELECT * FROM drill ORDER BY started_at DESC, id DESC LIMIT ?', [limit])).map(toDrill);
  }

  /** True for the one caller that ended it: a drill already ended is left as it was. */
  async end(id: string, at: number): Promise<boolean> {
    return (await this.sql.run('UPDATE drill SET ended_at = ? WHERE id = ? AND ended_at IS NULL', [at, id])).changes === 1;
  }
}
