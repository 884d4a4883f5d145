// The SQLite outbox's upgrade from the line protocol earlier versions stored: real SQLite files.
// The outbox itself, on every engine, is in test/integration/store.outbox.test.ts.
import { describe, expect, it } from 'vitest';
import { tempDatabases } from '../../../test/support/sqlite.temp.ts';
import { keyedOffset, lineProtocol } from './influx.line-protocol.ts';
import { MIGRATIONS } from './sqlite.migrations.ts';
import { SqlOutbox } from './sql.outbox.ts';
import { SqliteSql } from './sql.sqlite.ts';
import { outboxPointsMigration } from './sqlite.outbox.ts';

const open = tempDatabases('vigil-outbox-');

describe('upgrading an outbox of line protocol', () => {
  const legacy = [
    'reading,kind=gas,sensor=KIT-GAS-01,site=hq,unit=%LEL,zone=kitchen value=12.5,lag=77i 1764240000123994091',
    'event,kind=door,sensor=D-1,site=hq,zone=hall type="access_denied",detail="two\\nlines \\"quoted\\" \\\\",lag=2i 1764240000124826350',
  ].join('\n');

  it('converts every row to points that replay as what was meant, and sets aside a row it cannot read', async () => {
    const before = MIGRATIONS.slice(0, MIGRATIONS.indexOf(outboxPointsMigration));
    const old = open(before);
    const insert = old.db.prepare('INSERT INTO outbox (body, points, min_ts, max_ts, created_at) VALUES (?, ?, ?, ?, ?)');
    insert.run(legacy, 2, 1764240000123, 1764240000124, 1);
    insert.run('garbage without fields', 1, 5, 5, 2);
    insert.run('reading,kind=gas,sensor=S-2,site=hq,unit=ppm,zone=z value=3,lag=0i 1764240000200000001', 1, 1764240000200, 1764240000200, 3);
    old.db.prepare("INSERT INTO dead_batch (body, points, reason, created_at) VALUES ('refused line', 1, 'bad', 4)").run();
    old.db.close();

    const { db } = open(MIGRATIONS, old.dir);
    const outbox = new SqlOutbox(new SqliteSql(db));
    expect(await outbox.depth()).toEqual({ batches: 2, points: 3 });
    const first = (await outbox.claim('node', 2, 1))!;
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
    expect(await outbox.complete(first, 'node', [])).toEqual({ evicted: 0 });
    expect((await outbox.claim('node', 2, 1))!.points).toHaveLength(1);
    expect(db.prepare('SELECT body, points, reason, format FROM dead_batch ORDER BY id').all()).toEqual([
      { body: 'refused line', points: 1, reason: 'bad', format: 'line-protocol' },
      { body: 'garbage without fields', points: 1, reason: expect.stringMatching(/^could not be read back after the upgrade: /), format: 'line-protocol' },
    ]);
  });
});
