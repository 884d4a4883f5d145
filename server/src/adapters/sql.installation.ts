/**
 * The installation time over {@link Sql}. SQLite's migration writes it when the data directory is
 * made (or upgraded); a store without it (PostgreSQL's schema makes the table empty) gets it on
 * first read, once: the first server to ask writes it, every later reader on any node finds it.
 */
import type { Installation } from '../services/installation.ts';
import type { Sql } from './sql.ts';

export class SqlInstallation implements Installation {
  constructor(
    private readonly sql: Sql,
    private readonly now: () => number = Date.now,
  ) {}

  async installedAt(): Promise<number> {
    await this.sql.run('INSERT INTO installation (id, installed_at) VALUES (1, ?) ON CONFLICT (id) DO NOTHING', [this.now()]);
    return (await this.sql.get<{ installed_at: number }>('SELECT installed_at FROM installation WHERE id = 1'))!.installed_at;
  }
}
