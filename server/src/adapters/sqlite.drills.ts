/** Drill records in SQLite. */
import type { Drill } from '../../../contract/index.ts';
import type { DrillStore } from '../services/drill.service.ts';
import type { SqliteDatabase } from './sqlite.database.ts';

export const drillsMigration = (db: SqliteDatabase): void => {
  db.exec(`
    CREATE TABLE drill (
      id TEXT PRIMARY KEY, scenario TEXT NOT NULL, site TEXT NOT NULL, started_by TEXT NOT NULL,
      started_at INTEGER NOT NULL, ended_at INTEGER, expected TEXT NOT NULL
    );
  `);
};

/** The scenario's title and the speed a drill ran at (its expected alarms' deadlines depend on it). */
export const drillSpeedMigration = (db: SqliteDatabase): void => {
  db.exec(`
    ALTER TABLE drill ADD COLUMN title TEXT;
    ALTER TABLE drill ADD COLUMN speed REAL NOT NULL DEFAULT 1;
  `);
};

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

export class SqliteDrillStore implements DrillStore {
  constructor(private readonly db: SqliteDatabase) {}

  insert(d: Drill): void {
    this.db
      .prepare('INSERT INTO drill (id, scenario, title, speed, site, started_by, started_at, ended_at, expected) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(d.id, d.scenario, d.title, d.speed, d.siteId, d.startedBy, d.startedAt, d.endedAt, JSON.stringify(d.expected));
  }

  get(id: string): Drill | undefined {
    const r = this.db.prepare('SELECT * FROM drill WHERE id = ?').get(id) as Row | undefined;
    return r ? toDrill(r) : undefined;
  }

  list(limit: number): Drill[] {
    return (this.db.prepare('SELECT * FROM drill ORDER BY started_at DESC LIMIT ?').all(limit) as Row[]).map(toDrill);
  }

  end(id: string, at: number): void {
    this.db.prepare('UPDATE drill SET ended_at = ? WHERE id = ? AND ended_at IS NULL').run(at, id);
  }
}
