// Held times must survive a restart (kill -9 included) or a restart replays retained smoke events
// into the alarm engine: real SQLite files here, reopened as the next run opens them.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type SqliteDatabase } from './sqlite.database.ts';
import { SqliteHeldTimes } from './sqlite.held-times.ts';
import { MIGRATIONS } from './sqlite.migrations.ts';

const dirs: string[] = [];
const dbs: SqliteDatabase[] = [];
function open(dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-held-'))): { db: SqliteDatabase; dir: string } {
  dirs.push(dir);
  const db = openDatabase(dir, MIGRATIONS);
  dbs.push(db);
  return { db, dir };
}
afterEach(() => {
  for (const db of dbs.splice(0)) if (db.open) db.close();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('SqliteHeldTimes', () => {
  it('keeps held times across a reopen, real and drill traffic apart; the newer time wins; deletes remove', () => {
    const first = open();
    const store = new SqliteHeldTimes(first.db);
    store.save({
      upserts: [
        { sensorId: 'GAS-1', channel: 'reading', drill: null, ts: 2000 },
        { sensorId: 'GAS-1', channel: 'reading', drill: 'd1', ts: 3000 },
        { sensorId: 'U-1', channel: 'event', drill: null, ts: 1000 },
      ],
      deletes: [],
    });
    store.save({ upserts: [{ sensorId: 'GAS-1', channel: 'reading', drill: null, ts: 1500 }], deletes: [{ sensorId: 'U-1', channel: 'event', drill: null }] });
    first.db.close();

    const again = new SqliteHeldTimes(open(first.dir).db);
    expect(again.load().sort((a, b) => a.ts - b.ts)).toEqual([
      { sensorId: 'GAS-1', channel: 'reading', drill: null, ts: 2000 },
      { sensorId: 'GAS-1', channel: 'reading', drill: 'd1', ts: 3000 },
    ]);
  });

  it('writes inside a caller transaction and goes with it when that rolls back (the alarm commit)', () => {
    const { db } = open();
    const store = new SqliteHeldTimes(db);
    expect(() =>
      db.transaction(() => {
        store.save({ upserts: [{ sensorId: 'SMK-1', channel: 'event', drill: null, ts: 5 }], deletes: [] });
        throw new Error('alarm commit failed');
      })(),
    ).toThrow('alarm commit failed');
    expect(store.load()).toEqual([]);
    db.transaction(() => store.save({ upserts: [{ sensorId: 'SMK-1', channel: 'event', drill: null, ts: 5 }], deletes: [] }))();
    expect(store.load()).toEqual([{ sensorId: 'SMK-1', channel: 'event', drill: null, ts: 5 }]);
  });
});
