// The outbox is what "nothing lost" rests on while InfluxDB is down: real SQLite files here.
import { describe, expect, it } from 'vitest';
import { tempDatabases } from '../../../test/support/sqlite.temp.ts';
import type { HistoryPoint } from '../services/history.ports.ts';
import { keyedOffset, lineProtocol } from './influx.line-protocol.ts';
import { MIGRATIONS } from './sqlite.migrations.ts';
import { outboxPointsMigration, SqliteOutbox } from './sqlite.outbox.ts';

const open = tempDatabases('vigil-outbox-');

const reading = (sensorId: string, ts: number): HistoryPoint => ({
  type: 'observation',
  observation: { channel: 'reading', siteId: 'hq', sensorId, zoneId: 'kitchen', kind: 'gas', ts, receivedAt: ts + 5, value: 1.5, unit: '%LEL' },
});
const event: HistoryPoint = {
  type: 'observation',
  observation: {
    channel: 'event',
    siteId: 'hq',
    sensorId: 'D-1',
    zoneId: 'hall',
    kind: 'door',
    ts: 7,
    receivedAt: 9,
    type: 'access_denied',
    detail: 'two\nlines "quoted" \\',
  },
};

describe('SqliteOutbox', () => {
  it('keeps batches of points across a reopen, oldest first, with their depth', () => {
    const first = open();
    const outbox = new SqliteOutbox(first.db);
    outbox.append({ points: [reading('A', 1), reading('B', 2)], minTs: 1, maxTs: 2 });
    outbox.append({ points: [event], minTs: 7, maxTs: 7 });
    first.db.close();

    const again = new SqliteOutbox(open(MIGRATIONS, first.dir).db);
    expect(again.depth()).toEqual({ batches: 2, points: 3 });
    const oldest = again.oldest()!;
    expect(oldest).toMatchObject({ points: [reading('A', 1), reading('B', 2)], minTs: 1, maxTs: 2 });
    again.remove(oldest);
    expect(again.depth()).toEqual({ batches: 1, points: 1 });
    expect(again.oldest()!.points).toEqual([event]);
  });

  it('keeps refused batches as JSON points in dead_batch', () => {
    const { db } = open();
    expect(new SqliteOutbox(db).deadLetter([event], 'field type conflict')).toEqual({ evicted: 0 });
    expect(db.prepare('SELECT body, points, reason, format FROM dead_batch').all()).toEqual([
      { body: JSON.stringify([event]), points: 1, reason: 'field type conflict', format: 'json' },
    ]);
  });

  // A device sending what InfluxDB refuses, at any rate, must not fill the disk: the dead letter
  // keeps its newest points up to the cap and says how many it let go (counted in a metric).
  it('caps the dead letter at its newest points, across a reopen, and reports what it evicted', () => {
    const first = open();
    const outbox = new SqliteOutbox(first.db, { deadLetterMaxPoints: 3 });
    expect(outbox.deadLetter([reading('A', 1), reading('B', 2)], 'one')).toEqual({ evicted: 0 });
    expect(outbox.deadLetter([reading('C', 3)], 'two')).toEqual({ evicted: 0 });
    first.db.close();
    const { db } = open(MIGRATIONS, first.dir);
    const again = new SqliteOutbox(db, { deadLetterMaxPoints: 3 });
    expect(again.deadLetter([reading('D', 4)], 'three')).toEqual({ evicted: 2 });
    expect(db.prepare('SELECT reason, points FROM dead_batch ORDER BY id').all()).toEqual([
      { reason: 'two', points: 1 },
      { reason: 'three', points: 1 },
    ]);
    // A single refusal larger than the cap is kept whole: it is the newest evidence.
    expect(again.deadLetter([reading('E', 5), reading('F', 6), reading('G', 7), reading('H', 8)], 'four')).toEqual({ evicted: 2 });
    expect(db.prepare('SELECT reason FROM dead_batch ORDER BY id').all()).toEqual([{ reason: 'four' }]);
  });
});

describe('upgrading an outbox of line protocol', () => {
  const legacy = [
    'reading,kind=gas,sensor=KIT-GAS-01,site=hq,unit=%LEL,zone=kitchen value=12.5,lag=77i 1764240000123994091',
    'event,kind=door,sensor=D-1,site=hq,zone=hall type="access_denied",detail="two\\nlines \\"quoted\\" \\\\",lag=2i 1764240000124826350',
  ].join('\n');

  it('converts every row to points that replay as what was meant, and sets aside a row it cannot read', () => {
    const before = MIGRATIONS.slice(0, MIGRATIONS.indexOf(outboxPointsMigration));
    const old = open(before);
    const insert = old.db.prepare('INSERT INTO outbox (body, points, min_ts, max_ts, created_at) VALUES (?, ?, ?, ?, ?)');
    insert.run(legacy, 2, 1764240000123, 1764240000124, 1);
    insert.run('garbage without fields', 1, 5, 5, 2);
    insert.run('reading,kind=gas,sensor=S-2,site=hq,unit=ppm,zone=z value=3,lag=0i 1764240000200000001', 1, 1764240000200, 1764240000200, 3);
    old.db.prepare("INSERT INTO dead_batch (body, points, reason, created_at) VALUES ('refused line', 1, 'bad', 4)").run();
    old.db.close();

    const { db } = open(MIGRATIONS, old.dir);
    const outbox = new SqliteOutbox(db);
    expect(outbox.depth()).toEqual({ batches: 2, points: 3 });
    const first = outbox.oldest()!;
    expect(first.points).toEqual([
      {
        type: 'observation',
        observation: {
          channel: 'reading',
          siteId: 'hq',
          sensorId: 'KIT-GAS-01',
          zoneId: 'kitchen',
          kind: 'gas',
          ts: 1764240000123,
          receivedAt: 1764240000200,
          value: 12.5,
          unit: '%LEL',
        },
      },
      {
        type: 'observation',
        observation: {
          channel: 'event',
          siteId: 'hq',
          sensorId: 'D-1',
          zoneId: 'hall',
          kind: 'door',
          ts: 1764240000124,
          receivedAt: 1764240000126,
          type: 'access_denied',
          detail: 'two\nlines "quoted" \\',
        },
      },
    ]);
    // Replayed with today's escaping: the newline is a newline again, no longer the two characters `\n`.
    expect(lineProtocol(first.points, keyedOffset(Buffer.alloc(32)))).toContain('detail="two\nlines \\"quoted\\" \\\\"');
    outbox.remove(first);
    expect(outbox.oldest()!.points).toHaveLength(1);
    expect(db.prepare('SELECT body, points, reason, format FROM dead_batch ORDER BY id').all()).toEqual([
      { body: 'refused line', points: 1, reason: 'bad', format: 'line-protocol' },
      { body: 'garbage without fields', points: 1, reason: expect.stringMatching(/^could not be read back after the upgrade: /), format: 'line-protocol' },
    ]);
  });
});
