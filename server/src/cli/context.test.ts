// The command line works on the server's store through one connection, made by `sql()` — the one
// place that decides which store that is — and ends it when the command ends: an open connection to
// a database server would keep the process from exiting.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SqliteSql } from '../adapters/sql.sqlite.ts';
import { CliContext, type CliIo } from './context.ts';

const FACILITY = path.resolve(import.meta.dirname, '../../../config/facility.yaml');
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function context(): CliContext {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-cli-'));
  dirs.push(dir);
  const io: CliIo = { out: () => {}, err: () => {}, readStdin: async () => '', promptHidden: async () => '' };
  return new CliContext(io, { DATA_DIR: dir, FACILITY_FILE: FACILITY });
}

describe('the command line store', () => {
  it('builds the accounts, API keys and device credentials on the connection sql() gives, and closes it at the end', async () => {
    const ctx = context();
    const sql = (await ctx.sql({ create: true })) as SqliteSql;
    const opened = vi.spyOn(ctx, 'sql');
    const closed = vi.spyOn(sql, 'close');
    await (await ctx.users()).create(ctx.actor, { username: 'adam', role: 'admin', password: 'admin-password-1' });
    expect(await (await ctx.apiKeys()).list()).toEqual([]);
    expect(await (await ctx.devices()).all()).toEqual([]);
    expect(opened).toHaveBeenCalledTimes(3);
    for (const result of opened.mock.results) expect(await result.value).toBe(sql);
    expect((await sql.get<{ n: number }>('SELECT COUNT(*) AS n FROM users'))?.n).toBe(1);
    await ctx.close();
    expect(closed).toHaveBeenCalledOnce();
    expect(sql.db.open).toBe(false);
  });

  it('refuses a store that does not exist unless the command sets one up', async () => {
    const ctx = context();
    await expect(ctx.users()).rejects.toThrow(/no Vigil database/);
    expect(fs.existsSync(ctx.databaseFile)).toBe(false);
    await ctx.close();
  });
});
