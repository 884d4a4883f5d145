// The history outbox on every store engine (SQLite and PostgreSQL): what "nothing lost" rests on
// while InfluxDB is down. With PostgreSQL it is shared by every node and any of them replays it:
// claims keep two replayers off the same batch, and a batch (with its dead letters) is recorded
// once, by whoever holds its claim.
import { describe, expect, it } from 'vitest';
import { SqlOutbox } from '../../server/src/adapters/sql.outbox.ts';
import { systemScheduler } from '../../server/src/services/clock.ts';
import type { HistoryPoint, HistorySink } from '../../server/src/services/history.ports.ts';
import { HistoryWriter } from '../../server/src/services/history.writer.ts';
import { eachStore } from '../support/stores.ts';

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
const nameOf = (p: HistoryPoint) => (p.type === 'observation' ? p.observation.sensorId : p.alarm.id);

eachStore((open) => {
  describe('SqlOutbox', () => {
    it('keeps batches of points for any later reader, oldest first, with their depth', async () => {
      const sql = await open();
      const outbox = new SqlOutbox(sql);
      await outbox.append({ points: [reading('A', 1), reading('B', 2)], minTs: 1, maxTs: 2 });
      await outbox.append({ points: [event], minTs: 7, maxTs: 7 });

      // Another node (or the next start) reads the same store.
      const again = new SqlOutbox(sql);
      expect(await again.depth()).toEqual({ batches: 2, points: 3 });
      const oldest = (await again.claim('node-b', 100, 0))!;
      expect(oldest).toMatchObject({ points: [reading('A', 1), reading('B', 2)], minTs: 1, maxTs: 2 });
      expect(await again.complete(oldest, 'node-b', [])).toEqual({ evicted: 0 });
      expect(await again.depth()).toEqual({ batches: 1, points: 1 });
      expect((await again.claim('node-b', 100, 0))!.points).toEqual([event]);
    });

    it('keeps refused batches as JSON points in dead_batch', async () => {
      const sql = await open();
      expect(await new SqlOutbox(sql).deadLetter([{ points: [event], reason: 'field type conflict' }])).toEqual({ evicted: 0 });
      expect(await sql.all('SELECT body, points, reason, format FROM dead_batch')).toEqual([
        { body: JSON.stringify([event]), points: 1, reason: 'field type conflict', format: 'json' },
      ]);
    });

    // A device sending what InfluxDB refuses, at any rate, must not fill the disk: the dead letter
    // keeps its newest points up to the cap and says how many it let go (counted in a metric).
    it('caps the dead letter at its newest points, whoever wrote them, and reports what it evicted', async () => {
      const sql = await open();
      const outbox = new SqlOutbox(sql, { deadLetterMaxPoints: 3 });
      expect(await outbox.deadLetter([{ points: [reading('A', 1), reading('B', 2)], reason: 'one' }])).toEqual({ evicted: 0 });
      expect(await outbox.deadLetter([{ points: [reading('C', 3)], reason: 'two' }])).toEqual({ evicted: 0 });
      // Counted in the store, not in the adapter: another node's adapter sees the same total.
      const again = new SqlOutbox(sql, { deadLetterMaxPoints: 3 });
      expect(await again.deadLetter([{ points: [reading('D', 4)], reason: 'three' }])).toEqual({ evicted: 2 });
      expect(await sql.all('SELECT reason, points FROM dead_batch ORDER BY id')).toEqual([
        { reason: 'two', points: 1 },
        { reason: 'three', points: 1 },
      ]);
      // A single refusal larger than the cap is kept whole: it is the newest evidence.
      expect(await again.deadLetter([{ points: [reading('E', 5), reading('F', 6), reading('G', 7), reading('H', 8)], reason: 'four' }])).toEqual({
        evicted: 2,
      });
      expect(await sql.all('SELECT reason FROM dead_batch ORDER BY id')).toEqual([{ reason: 'four' }]);
    });
  });

  describe('claims', () => {
    async function twoBatches() {
      const sql = await open();
      const outbox = new SqlOutbox(sql);
      await outbox.append({ points: [reading('A', 1)], minTs: 1, maxTs: 1 });
      await outbox.append({ points: [reading('B', 2)], minTs: 2, maxTs: 2 });
      return { sql, outbox };
    }

    it('gives replayers claiming at once different batches, one each, until none is left', async () => {
      const { outbox } = await twoBatches();
      const nodes = ['a', 'b', 'c', 'd', 'e', 'f'];
      const claims = await Promise.all(nodes.map((node) => outbox.claim(`node-${node}`, 100, 0)));
      const taken = claims.filter((c) => c !== undefined);
      expect(taken.map((c) => c.points.map(nameOf)).sort()).toEqual([['A'], ['B']]);
      expect(await outbox.claim('node-g', 100, 50)).toBeUndefined();
      expect(await outbox.depth()).toEqual({ batches: 2, points: 2 });
    });

    it('lets a claim that ran out be taken over, renewed only by its holder, and given back', async () => {
      const { outbox } = await twoBatches();
      const a = (await outbox.claim('node-a', 100, 0))!;
      expect(await outbox.renew(a, 'node-a', 200)).toBe(true);
      expect(await outbox.renew(a, 'node-b', 300)).toBe(false);
      // node-a's claim runs until 200: at 150 node-b gets the next batch, at 200 this one.
      expect((await outbox.claim('node-b', 1000, 150))!.points.map(nameOf)).toEqual(['B']);
      const taken = (await outbox.claim('node-c', 1000, 200))!;
      expect(taken.id).toBe(a.id);
      expect(await outbox.renew(a, 'node-a', 1200)).toBe(false);
      await outbox.release(taken, 'node-c');
      expect((await outbox.claim('node-a', 2000, 300))!.id).toBe(a.id);
    });

    // Dead-letter bookkeeping happens once, by the claim's holder, even when a claim was taken over.
    it('records a replayed batch and its refused points only for the holder of its claim, all or nothing', async () => {
      const { sql, outbox } = await twoBatches();
      const a = (await outbox.claim('node-a', 100, 0))!;
      const taken = (await outbox.claim('node-b', 1000, 100))!;
      expect(taken.id).toBe(a.id);
      expect(await outbox.complete(a, 'node-a', [{ points: a.points, reason: 'refused' }])).toBeNull();
      expect(await sql.all('SELECT reason FROM dead_batch')).toEqual([]);
      expect(await outbox.depth()).toEqual({ batches: 2, points: 2 });

      // Rolled back with the caller's transaction: neither removed nor dead-lettered.
      const failed = sql.transaction(async () => {
        await outbox.complete(taken, 'node-b', [{ points: taken.points, reason: 'refused' }]);
        throw new Error('rolled back');
      });
      await expect(failed).rejects.toThrow('rolled back');
      expect(await sql.all('SELECT reason FROM dead_batch')).toEqual([]);
      expect(await outbox.depth()).toEqual({ batches: 2, points: 2 });

      expect(await outbox.complete(taken, 'node-b', [{ points: taken.points, reason: 'refused' }])).toEqual({ evicted: 0 });
      expect(await sql.all('SELECT reason, points FROM dead_batch')).toEqual([{ reason: 'refused', points: 1 }]);
      expect(await outbox.depth()).toEqual({ batches: 1, points: 1 });
    });
  });

  // A node that died with batches in the outbox strands none; two nodes replaying it together
  // write each batch once and dead-letter each refused point once.
  it('two writers replaying one outbox together write each batch once and dead-letter each refusal once', { timeout: 20_000 }, async () => {
    const sql = await open();
    const outbox = new SqlOutbox(sql);
    const names: string[] = [];
    for (let i = 0; i < 20; i++) {
      const batch = [reading(`S${i}-a`, i), reading(`S${i}-b`, i)];
      names.push(...batch.map(nameOf));
      await outbox.append({ points: batch, minTs: i, maxTs: i });
    }
    const refused = new Set(['S3-b', 'S11-a']);
    // As InfluxDB: a point written again overwrites itself. Whole batches (two points) are counted:
    // a refused one is written again in halves, by design.
    const stored = new Set<string>();
    const wholeBatchWrites: string[] = [];
    let done!: () => void;
    const allWritten = new Promise<void>((resolve) => (done = resolve));
    const sink: HistorySink = {
      write: async (points) => {
        // Each write yields, as a real one does: the two replays interleave.
        await new Promise((resolve) => setImmediate(resolve));
        if (points.length === 2) wholeBatchWrites.push(nameOf(points[0]!));
        const bad = points.map(nameOf).filter((n) => refused.has(n));
        for (const n of points.map(nameOf)) if (!refused.has(n)) stored.add(n);
        if (stored.size === names.length - refused.size) done();
        if (bad.length > 0) throw Object.assign(new Error(`refused ${bad.join(',')}`), { retryable: false, refused: bad.length });
      },
      backfill: async () => {},
    };
    const options = { maxBatchPoints: 100, flushIntervalMs: 100, maxInFlight: 2, maxQueuedPoints: 1000, outboxPollMs: null };
    const deadLettered: string[] = [];
    const observer = { deadLettered: (_n: number, reason: string) => deadLettered.push(reason) };
    const a = new HistoryWriter(sink, new SqlOutbox(sql), systemScheduler, { ...options, owner: 'node-a' }, observer);
    const b = new HistoryWriter(sink, new SqlOutbox(sql), systemScheduler, { ...options, owner: 'node-b' }, observer);
    a.start();
    b.start();
    await allWritten;
    await Promise.all([a.stop(), b.stop()]);
    expect(stored.size).toBe(names.length - refused.size);
    expect(wholeBatchWrites.sort()).toEqual(names.filter((n) => n.endsWith('-a')).sort());
    expect(deadLettered.sort()).toEqual(['refused S11-a', 'refused S3-b']);
    expect(await sql.all('SELECT reason FROM dead_batch ORDER BY reason')).toEqual([{ reason: 'refused S11-a' }, { reason: 'refused S3-b' }]);
    expect(await outbox.depth()).toEqual({ batches: 0, points: 0 });
  });
});
