// Vigil sets the InfluxDB schema up in the background at every start (compose/storage.ts) while the
// history writer already writes: a start with retained or queued MQTT messages waiting writes
// before the `raw` retention policy exists. A point written then must end up where every reader
// looks (`raw`), not in the `autogen` policy CREATE DATABASE makes the default, where it would be
// counted as written and acknowledged to the broker, yet never read (nothing lost: a point is
// stored or in the outbox before it is acknowledged, docs/contracts.md).
//
// The race is made deterministic by writing at each step ensureSchema goes through — before the
// database exists, and after its CREATE DATABASE but before the retention policies — and running
// ensureSchema afterwards. Real influxd, real SQLite outbox, the real writer and sink.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InfluxClient } from '../../server/src/adapters/influx.client.ts';
import { InfluxHistory } from '../../server/src/adapters/influx.history.ts';
import { keyedOffset } from '../../server/src/adapters/influx.line-protocol.ts';
import { RP, ensureSchema } from '../../server/src/adapters/influx.schema.ts';
import { openDatabase, type SqliteDatabase } from '../../server/src/adapters/sqlite.database.ts';
import { SqlOutbox } from '../../server/src/adapters/sql.outbox.ts';
import { SqliteSql } from '../../server/src/adapters/sql.sqlite.ts';
import { outboxClaimsMigration, outboxMigration, outboxPointsMigration } from '../../server/src/adapters/sqlite.outbox.ts';
import { systemScheduler } from '../../server/src/services/clock.ts';
import type { HistoryPoint } from '../../server/src/services/history.ports.ts';
import { HistoryWriter } from '../../server/src/services/history.writer.ts';
import { startInflux, stopAllServices, type InfluxHandle } from '../support/services.ts';

let influx: InfluxHandle;
const dirs: string[] = [];
const dbs: SqliteDatabase[] = [];
const writers: HistoryWriter[] = [];

beforeAll(async () => {
  influx = await startInflux();
});

afterEach(async () => {
  for (const w of writers.splice(0)) await w.stop();
  for (const db of dbs.splice(0)) db.close();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

afterAll(async () => {
  await stopAllServices();
});

const reading = (sensorId: string, ts: number, value: number): HistoryPoint => ({
  type: 'observation',
  observation: { channel: 'reading', siteId: 'hq', sensorId, zoneId: 'lab', kind: 'gas', ts, receivedAt: ts + 1, value, unit: '%LEL' },
});

/** The writer as compose/storage.ts wires it, over a fresh SQLite outbox; short replay delays. */
function setUp(db: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-influx-schema-'));
  dirs.push(dir);
  const sqlite = openDatabase(dir, [outboxMigration, outboxPointsMigration, outboxClaimsMigration]);
  dbs.push(sqlite);
  const outbox = new SqlOutbox(new SqliteSql(sqlite));
  const client = new InfluxClient({ url: influx.url, db });
  const history = new InfluxHistory(client, keyedOffset(randomBytes(32)));
  const replayedAll: (() => void)[] = [];
  const writer = new HistoryWriter(
    history,
    outbox,
    systemScheduler,
    { maxBatchPoints: 100, flushIntervalMs: 60_000, maxInFlight: 2, maxQueuedPoints: 1000, retryDelayMs: 20, maxRetryDelayMs: 200 },
    { replayed: () => writer.outboxDepth().batches === 0 && replayedAll.splice(0).forEach((done) => done()) },
  );
  writers.push(writer);
  writer.start();
  return {
    client,
    history,
    writer,
    deadLetters: () => Number((sqlite.prepare('SELECT count(*) AS n FROM dead_batch').get() as { n: number }).n),
    /** Resolves once the replay has emptied the outbox (at once if nothing waits in it). */
    outboxEmpty: () => (writer.outboxDepth().batches === 0 ? Promise.resolve() : new Promise<void>((resolve) => replayedAll.push(resolve))),
  };
}

/** Writes one message's points and resolves once the writer calls them durable (the PUBACK). */
async function writeDurably(writer: HistoryWriter, points: HistoryPoint[]): Promise<number> {
  let acks = 0;
  const ts = points.map((p) => (p.type === 'observation' ? p.observation.ts : p.at));
  writer.add(points, Math.min(...ts), Math.max(...ts), () => acks++);
  await writer.flushAll();
  return acks;
}

async function countIn(db: string, rp: string, sensorId: string): Promise<number> {
  const rows = await influx.query(`SELECT count(value) FROM "${db}"."${rp}"."reading" WHERE sensor = '${sensorId}'`);
  return Number(rows[0]?.count ?? 0);
}

describe('history writes while the InfluxDB schema is being set up at start', () => {
  it('a point written after CREATE DATABASE but before the retention policies is read from `raw` once the schema is ready, never left in `autogen`', async () => {
    const DB = 'vigil_schema_created_db';
    const t = Date.now() - 1000;
    const { client, history, writer, deadLetters, outboxEmpty } = setUp(DB);
    // What ensureSchema's first statement leaves: the database, with `autogen` its default policy.
    await influx.query(`CREATE DATABASE "${DB}"`);

    expect(await writeDurably(writer, [reading('S-1', t, 4.5), reading('S-1', t + 1, 5)])).toBe(1);
    await ensureSchema(client, 30);
    await outboxEmpty();

    expect(await countIn(DB, 'autogen', 'S-1')).toBe(0);
    expect(await countIn(DB, RP.raw, 'S-1')).toBe(2);
    // What the dashboard's history reads (raw points for a short range).
    const read = await history.readings('S-1', { from: t - 1000, to: t + 1000, stepS: null, resolution: 'raw', maxPoints: 100 });
    expect(read.map((p) => p.value)).toEqual([4.5, 5]);
    expect(deadLetters()).toBe(0);
  });

  it('a point written before the database exists waits in the outbox (not the dead letters) and is stored in `raw` once the schema is ready', async () => {
    const DB = 'vigil_schema_no_db';
    const t = Date.now() - 1000;
    const { client, writer, deadLetters, outboxEmpty } = setUp(DB);

    expect(await writeDurably(writer, [reading('S-2', t, 7)])).toBe(1);
    expect(writer.outboxDepth()).toEqual({ batches: 1, points: 1 });
    await ensureSchema(client, 30);
    await outboxEmpty();

    expect(await countIn(DB, RP.raw, 'S-2')).toBe(1);
    expect(await countIn(DB, 'autogen', 'S-2')).toBe(0);
    expect(deadLetters()).toBe(0);
  });
});
