// History keeps what sensors reported (docs/decisions/0006-keyed-timestamp-offsets.md): a message
// cannot be aimed at a stored point to replace it, a redelivery still lands on its own point, and
// a batch InfluxDB refuses in part costs only its refused points, each kept in the dead letter with
// InfluxDB's own reason. Real influxd 1.6.7, real SQLite outbox, the real writer and sink.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InfluxClient } from '../../server/src/adapters/influx.client.ts';
import { InfluxHistory } from '../../server/src/adapters/influx.history.ts';
import { keyedOffset, observationLine, type OffsetOf } from '../../server/src/adapters/influx.line-protocol.ts';
import { loadOffsetKey } from '../../server/src/adapters/influx.offset-key.ts';
import { ensureSchema } from '../../server/src/adapters/influx.schema.ts';
import { openDatabase, type SqliteDatabase } from '../../server/src/adapters/sqlite.database.ts';
import { MIGRATIONS } from '../../server/src/adapters/sqlite.migrations.ts';
import { SqlOutbox } from '../../server/src/adapters/sql.outbox.ts';
import { SqliteSql } from '../../server/src/adapters/sql.sqlite.ts';
import { systemScheduler } from '../../server/src/services/clock.ts';
import type { HistoryObservation, HistoryPoint } from '../../server/src/services/history.ports.ts';
import { HistoryWriter } from '../../server/src/services/history.writer.ts';
import { startInflux, stopAllServices, type InfluxHandle } from '../support/services.ts';

const DB = 'vigil_history_integrity_test';
let influx: InfluxHandle;
let client: InfluxClient;
const dirs: string[] = [];
const dbs: SqliteDatabase[] = [];

beforeAll(async () => {
  influx = await startInflux();
  client = new InfluxClient({ url: influx.url, db: DB });
  await ensureSchema(client, 3650);
});

afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

afterAll(async () => {
  await stopAllServices();
});

function dataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-history-integrity-'));
  dirs.push(dir);
  return dir;
}

const T0 = Date.UTC(2026, 2, 1, 12);

const reading = (sensorId: string, ts: number, value: number): HistoryObservation => ({
  channel: 'reading',
  siteId: 'hq',
  sensorId,
  zoneId: 'kitchen',
  kind: 'gas',
  ts,
  receivedAt: ts + 40,
  value,
  unit: '%LEL',
});
const point = (observation: HistoryObservation): HistoryPoint => ({ type: 'observation', observation });

async function valuesOf(sensorId: string): Promise<number[]> {
  const rows = await influx.query(`SELECT "value" FROM "${DB}"."raw"."reading" WHERE "sensor" = '${sensorId}'`);
  return rows.map((r) => Number(r.value)).sort((a, b) => a - b);
}

/** The offset before keys: FNV-1a (32-bit) over the field string alone, mod 1e6 — public, so anyone could compute it. */
function fnvOffset(fields: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < fields.length; i++) {
    h ^= fields.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % 1_000_000;
}
/** The identity the line builder hands over is `<series> <fields> <ts>`; the old scheme hashed the fields only. */
const unkeyed: OffsetOf = (identity) => fnvOffset(identity.split(' ')[1]!);

/** What the attacker did: try values until one's field string gets the stored point's offset. */
function collidingValue(value: number): number {
  const target = fnvOffset(`value=${value}`);
  for (let i = 1; i < 50_000_000; i++) {
    const candidate = i / 10_000;
    if (candidate !== value && fnvOffset(`value=${candidate}`) === target) return candidate;
  }
  throw new Error('no collision found');
}

describe('a message aimed at a stored point', () => {
  const original = 0.5;
  const forged = collidingValue(original);

  it('replaced the stored reading under the old, unkeyed offset, written blind (the attack this guards against)', async () => {
    // Same sensor, same device millisecond, different value: the same InfluxDB time under FNV.
    const lineOf = (value: number) => observationLine(reading('OLD-GAS-01', T0, value), unkeyed);
    expect(lineOf(forged).split(' ').at(-1)).toBe(lineOf(original).split(' ').at(-1));
    await client.write(lineOf(original), 'raw');
    await client.write(lineOf(forged), 'raw');
    expect(await valuesOf('OLD-GAS-01')).toEqual([forged]);
  });

  it('no longer replaces it under the keyed offset: both are kept, and a redelivery after a restart still lands on its own point', async () => {
    const dir = dataDir();
    const history = new InfluxHistory(client, keyedOffset(loadOffsetKey(dir)));
    await history.write([point(reading('NEW-GAS-01', T0, original))]);
    await history.write([point(reading('NEW-GAS-01', T0, forged))]);
    expect(await valuesOf('NEW-GAS-01')).toEqual([forged, original].sort((a, b) => a - b));

    // A restart reads the same key from DATA_DIR; the QoS 1 redelivery of both messages (later
    // receive time, so another `lag`) overwrites each with itself.
    const restarted = new InfluxHistory(client, keyedOffset(loadOffsetKey(dir)));
    await restarted.write([
      point({ ...reading('NEW-GAS-01', T0, original), receivedAt: T0 + 9000 }),
      point({ ...reading('NEW-GAS-01', T0, forged), receivedAt: T0 + 9000 }),
    ]);
    expect(await valuesOf('NEW-GAS-01')).toEqual([forged, original].sort((a, b) => a - b));
  });
});

/**
 * Offsets that collide on purpose: every point's first candidate is 0, its n-th is n — what a
 * chance collision (1 in 1e6 per pair) looks like, every time.
 */
const colliding: OffsetOf = (identity) => Number(/ #(\d+)$/.exec(identity)?.[1] ?? 0);

describe('a late message landing on a stored point', () => {
  // Late: the device time is an hour before the message arrives (a backlog, or aimed at the past).
  const ts = T0 + 7_200_123;
  const late = (value: number, receivedAt = ts + 3_600_000) => point({ ...reading('LATE-GAS-01', ts, value), receivedAt });

  it('never replaces it: a different message moves to a free time, a redelivery still overwrites only itself', async () => {
    const history = new InfluxHistory(client, colliding);
    await history.write([late(0.5)]);
    await history.write([late(0.0148)]);
    expect(await valuesOf('LATE-GAS-01')).toEqual([0.0148, 0.5]);
    // Both redelivered, later still, in one batch with a third message and a copy of it.
    await history.write([late(0.0148, ts + 7_200_000), late(0.5, ts + 7_200_000), late(7), late(7)]);
    expect(await valuesOf('LATE-GAS-01')).toEqual([0.0148, 0.5, 7]);
  });
});

describe('live messages landing on a point this process wrote', () => {
  const ts = T0 + 18_000_456;
  const live = (value: number) => point({ ...reading('LIVE-GAS-01', ts, value), receivedAt: ts + 40 });

  it('never replace it: the second message of a millisecond is checked, in a later write, the same batch, or a concurrent write', async () => {
    const history = new InfluxHistory(client, colliding);
    await history.write([live(1)]);
    await history.write([live(2)]);
    await history.write([live(3), live(4)]);
    await Promise.all([history.write([live(5)]), history.write([live(6)]), history.write([live(1)])]);
    expect(await valuesOf('LIVE-GAS-01')).toEqual([1, 2, 3, 4, 5, 6]);
    // A millisecond first seen in one batch, twice: the second sees the first before either is stored.
    await history.write([point({ ...reading('LIVE-GAS-02', ts, 1), receivedAt: ts + 40 }), point({ ...reading('LIVE-GAS-02', ts, 2), receivedAt: ts + 40 })]);
    expect(await valuesOf('LIVE-GAS-02')).toEqual([1, 2]);
  });
});

describe('late messages spread over hours (the check names the sensors)', () => {
  it('never replaces a stored point either', async () => {
    const history = new InfluxHistory(client, colliding);
    const at = (ts: number, value: number) => point({ ...reading('LATE-GAS-03', ts, value), receivedAt: T0 + 86_400_000 });
    const [early, later] = [T0 + 10_800_000, T0 + 14_400_000];
    await history.write([at(early, 1), at(later, 2), point({ ...reading('OTHER-GAS-01', later, 5), receivedAt: T0 + 86_400_000 })]);
    await history.write([at(early, 3), at(later, 4), at(early, 1)]);
    expect(await valuesOf('LATE-GAS-03')).toEqual([1, 2, 3, 4]);
    expect(await valuesOf('OTHER-GAS-01')).toEqual([5]);
  });
});

describe('a batch InfluxDB refuses in part', () => {
  function setUp() {
    const dir = dataDir();
    const sqlite = openDatabase(dir, MIGRATIONS);
    dbs.push(sqlite);
    const outbox = new SqlOutbox(new SqliteSql(sqlite));
    const history = new InfluxHistory(client, keyedOffset(loadOffsetKey(dir)));
    const deadLettered: [number, string][] = [];
    const writer = new HistoryWriter(
      history,
      outbox,
      systemScheduler,
      { maxBatchPoints: 1000, flushIntervalMs: 60_000, maxInFlight: 2, maxQueuedPoints: 10_000, retryDelayMs: 20, maxRetryDelayMs: 200 },
      { deadLettered: (points, reason) => deadLettered.push([points, reason]) },
    );
    const dead = () =>
      (sqlite.prepare('SELECT body, points, reason FROM dead_batch ORDER BY id').all() as { body: string; points: number; reason: string }[]).map((r) => ({
        points: JSON.parse(r.body) as HistoryPoint[],
        count: r.points,
        reason: r.reason,
      }));
    return { writer, outbox, dead, deadLettered };
  }

  it("stores the 100 good points and dead-letters the field type conflict, the unparsable value and the unwritable tag, each with InfluxDB's reason", async () => {
    // What another writer (or an older version) left in this shard: `battery` as a string.
    await client.write(`status,kind=smoke,sensor=LEGACY-1,site=hq,zone=hall battery="full" ${T0 + 3_600_000}000000`, 'raw');
    const good = Array.from({ length: 100 }, (_, i) => point(reading('SPLIT-GAS-01', T0 + 3_600_000 + i, i + 0.25)));
    const conflicting = point({
      channel: 'status',
      siteId: 'hq',
      sensorId: 'SPLIT-SMK-01',
      zoneId: 'hall',
      kind: 'smoke',
      ts: T0 + 3_600_050,
      receivedAt: T0 + 3_600_051,
      battery: 80,
    });
    // Neither can come through ingest validation; they stand for a bug upstream of the writer.
    const unparsable = point(reading('SPLIT-GAS-02', T0 + 3_600_060, Number.NaN));
    const badTag = point({ ...reading('SPLIT-GAS-03', T0 + 3_600_070, 1), zoneId: 'ends with a backslash\\' });
    const batch = [...good.slice(0, 30), conflicting, ...good.slice(30, 60), unparsable, ...good.slice(60, 90), badTag, ...good.slice(90)];

    const { writer, outbox, dead, deadLettered } = setUp();
    let durable = 0;
    writer.add(batch, T0, T0 + 3_600_100, () => durable++);
    await writer.flushAll();

    expect(durable).toBe(1);
    expect(await outbox.depth()).toEqual({ batches: 0, points: 0 });
    expect(await valuesOf('SPLIT-GAS-01')).toEqual(good.map((_, i) => i + 0.25));
    expect(await valuesOf('SPLIT-GAS-02')).toEqual([]);
    const rows = dead();
    expect(rows.map((r) => r.points)).toEqual([[conflicting], [unparsable].map((p) => JSON.parse(JSON.stringify(p)) as HistoryPoint), [badTag]]);
    expect(rows.map((r) => r.count)).toEqual([1, 1, 1]);
    expect(rows[0]!.reason).toBe(
      'InfluxDB write failed (400): partial write: field type conflict: input field "battery" on measurement "status" is type float, already exists as type string dropped=1',
    );
    expect(rows[1]!.reason).toMatch(
      /^InfluxDB write failed \(400\): (partial write: )?unable to parse 'reading,kind=gas,sensor=SPLIT-GAS-02,.* value=NaN,lag=40i \d+': /,
    );
    expect(rows[2]!.reason).toMatch(/^a tag value ending in a backslash cannot be written to InfluxDB 1\.x/);
    expect(deadLettered).toEqual(rows.map((r) => [1, r.reason]));
  });
});
