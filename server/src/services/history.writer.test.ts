import { describe, expect, it, vi } from 'vitest';
import { FakeScheduler } from '../../../test/support/fake.scheduler.ts';
import type { HistoryPoint, HistorySink, Outbox, OutboxBatch, RefusedPoints } from './history.ports.ts';
import { HistoryWriter, type WriterObserver, type WriterOptions } from './history.writer.ts';

/** A point that names itself: its sensor id. */
const p = (name: string, ts = 1): HistoryPoint => ({
  type: 'observation',
  observation: { channel: 'reading', siteId: 's', sensorId: name, zoneId: 'z', kind: 'gas', ts, receivedAt: ts, value: 1, unit: '%LEL' },
});
const ps = (...names: string[]) => names.map((n) => p(n));
const nameOf = (point: HistoryPoint) => (point.type === 'observation' ? point.observation.sensorId : point.alarm.id);

/** In-memory outbox: a fake behind the port (the real one has its contract tests: test/integration/store.outbox.test.ts). */
class MemoryOutbox implements Outbox {
  rows: (OutboxBatch & { claimedBy?: string; claimedUntil?: number })[] = [];
  dead: { names: string[]; reason: string }[] = [];
  /** Points the next dead letter pushes out of a full dead letter. */
  evicts = 0;
  /** Fails the next this-many appends, as a database that is unreachable does. */
  failAppends = 0;
  /** Holds every append until released, as a slow commit does. */
  hold: Promise<void> | null = null;
  private id = 0;
  /** Holds every append from now on until the returned commit is called. */
  holdAppends(): () => void {
    let commit!: () => void;
    this.hold = new Promise((resolve) => (commit = resolve));
    return commit;
  }
  async append(b: Omit<OutboxBatch, 'id'>) {
    await this.hold;
    if (this.failAppends > 0) {
      this.failAppends--;
      throw new Error('database is locked');
    }
    this.rows.push({ ...b, id: ++this.id });
  }
  async claim(owner: string, until: number, now: number) {
    const row = this.rows.find((r) => r.claimedUntil === undefined || r.claimedUntil <= now);
    if (!row) return undefined;
    Object.assign(row, { claimedBy: owner, claimedUntil: until });
    return { id: row.id, points: row.points, minTs: row.minTs, maxTs: row.maxTs };
  }
  async renew(b: OutboxBatch, owner: string, until: number) {
    const row = this.rows.find((r) => r.id === b.id && r.claimedBy === owner);
    if (row) row.claimedUntil = until;
    return row !== undefined;
  }
  async complete(b: OutboxBatch, owner: string, refused: readonly RefusedPoints[]) {
    if (!this.rows.some((r) => r.id === b.id && r.claimedBy === owner)) return null;
    this.rows = this.rows.filter((r) => r.id !== b.id);
    return this.deadLetter(refused);
  }
  async release(b: OutboxBatch, owner: string) {
    const row = this.rows.find((r) => r.id === b.id && r.claimedBy === owner);
    if (row) Object.assign(row, { claimedBy: undefined, claimedUntil: undefined });
  }
  async depth() {
    return this.count();
  }
  count() {
    return { batches: this.rows.length, points: this.rows.reduce((n, r) => n + r.points.length, 0) };
  }
  async deadLetter(refused: readonly RefusedPoints[]) {
    for (const r of refused) this.dead.push({ names: r.points.map(nameOf), reason: r.reason });
    return { evicted: refused.length > 0 ? this.evicts : 0 };
  }
}

/**
 * Refuses the points named in `refused` the way InfluxDB 1.x does (a partial write): it stores the
 * rest of the batch, and says how many it refused when `countsRefused` (it does not for lines it
 * cannot parse). Writing a stored point again overwrites it: it is kept once.
 */
class FakeSink implements HistorySink {
  stored: string[] = [];
  up = true;
  refused = new Set<string>();
  countsRefused = true;
  writes = 0;
  beforeWrite: () => void = () => {};
  backfills: [number, number][] = [];
  async write(points: readonly HistoryPoint[]) {
    this.writes++;
    this.beforeWrite();
    if (!this.up) throw Object.assign(new Error('ECONNREFUSED'), { retryable: true });
    const names = points.map(nameOf);
    for (const name of names) if (!this.refused.has(name) && !this.stored.includes(name)) this.stored.push(name);
    const bad = names.filter((n) => this.refused.has(n));
    if (bad.length > 0) {
      throw Object.assign(new Error(`field type conflict: ${bad.join(',')}`), { retryable: false, refused: this.countsRefused ? bad.length : undefined });
    }
  }
  async backfill(from: number, to: number) {
    this.backfills.push([from, to]);
  }
}

/** No outbox poll: these tests time the replay's own waits (the poll has its own test). */
const opts: WriterOptions = {
  maxBatchPoints: 3,
  flushIntervalMs: 100,
  maxInFlight: 2,
  maxQueuedPoints: 10,
  retryDelayMs: 50,
  maxRetryDelayMs: 50,
  outboxPollMs: null,
};

function setup(options: Partial<WriterOptions> = {}, outbox = new MemoryOutbox(), observer: WriterObserver = {}) {
  const sink = new FakeSink();
  const time = new FakeScheduler();
  const w = new HistoryWriter(sink, outbox, time, { ...opts, ...options }, observer);
  return { sink, outbox, time, w };
}

describe('HistoryWriter', () => {
  it('writes a full batch at once and a partial one after the flush interval', async () => {
    const { sink, time, w } = setup();
    for (const point of ps('a', 'b', 'c', 'd')) w.add(point, 1, 1);
    await time.advance(0);
    expect(sink.stored).toEqual(['a', 'b', 'c']);
    await time.advance(99);
    expect(sink.stored).toEqual(['a', 'b', 'c']);
    await time.advance(1);
    expect(sink.stored).toEqual(['a', 'b', 'c', 'd']);
  });

  // Nothing lost: a message is acknowledged (PUBACK, HTTP 202) only once its points are durable.
  it('calls onDurable only after the batch is stored', async () => {
    const { time, w } = setup();
    const durable = vi.fn();
    w.add(p('a'), 1, 1, durable);
    expect(durable).not.toHaveBeenCalled();
    await time.advance(100);
    expect(durable).toHaveBeenCalledOnce();
  });

  it('never splits one message across batches', async () => {
    const { sink, time, w } = setup();
    w.add(p('a'), 1, 1);
    w.add(ps('b', 'c', 'd'), 1, 1);
    await time.advance(0);
    expect(sink.stored).toEqual(['a', 'b', 'c', 'd']);
    expect(sink.writes).toBe(1);
  });

  it('rides out a sink outage through the outbox, replays in order with backoff, then backfills roll-ups', async () => {
    const { sink, outbox, time, w } = setup({ retryDelayMs: 50, maxRetryDelayMs: 400 });
    sink.up = false;
    const durable = vi.fn();
    w.add(ps('a', 'b', 'c'), 10, 20, durable);
    await time.advance(0);
    expect(outbox.count().points).toBe(3);
    expect(durable).toHaveBeenCalledOnce(); // in the outbox = durable
    expect(w.isSinkUp).toBe(false);
    w.add(p('d'), 30, 30);
    await time.advance(100);
    expect(outbox.count().points).toBe(4); // queued behind the outbox, keeping order
    // Retries back off: 50 ms before the first, then 50, 100, 200, 400, 400 ms between attempts.
    const writesBefore = sink.writes;
    await time.advance(1200);
    expect(sink.writes - writesBefore).toBe(4); // at +200, +400, +800 and +1200 ms
    expect(time.pendingDelays()[0]).toBeGreaterThanOrEqual(200);
    sink.up = true;
    await time.advance(400);
    expect(outbox.count().batches).toBe(0);
    expect(w.isSinkUp).toBe(true);
    expect(sink.stored).toEqual(['a', 'b', 'c', 'd']);
    expect(sink.backfills).toEqual([[10, 30]]);
    w.add(p('e'), 40, 40);
    await time.advance(100);
    expect(sink.stored.at(-1)).toBe('e');
  });

  it('dead-letters a batch the sink refuses outright, and carries on', async () => {
    const { sink, outbox, time, w } = setup();
    sink.refused = new Set(['x', 'y', 'z']);
    w.add(ps('x', 'y', 'z'), 1, 1);
    await time.advance(0);
    // The sink said it refused all three: no splitting to find out.
    expect(sink.writes).toBe(1);
    expect(outbox.dead).toEqual([{ names: ['x', 'y', 'z'], reason: 'field type conflict: x,y,z' }]);
    w.add(ps('a', 'b', 'c'), 1, 1);
    await time.advance(0);
    expect(sink.stored).toEqual(['a', 'b', 'c']);
  });

  // Nothing lost: one refused point must not take the good points of its batch to the dead letter.
  describe('a batch the sink refuses in part', () => {
    const names = Array.from({ length: 101 }, (_, i) => `p${i}`);

    it.each([
      ['says how many it refused (a field type conflict)', true],
      ['does not say (a line it could not parse)', false],
    ])('stores every good point and dead-letters the bad ones alone, each with its reason, when the sink %s', async (_, countsRefused) => {
      const written = vi.fn();
      const dead = vi.fn();
      const durable = vi.fn();
      const { sink, outbox, w: writer } = setup({ maxBatchPoints: 200, maxQueuedPoints: 1000 }, new MemoryOutbox(), { written, deadLettered: dead });
      sink.refused = new Set(['p17', 'p90']);
      sink.countsRefused = countsRefused;
      writer.add(ps(...names), 1, 1, durable);
      await writer.flushAll();
      expect(sink.stored).toEqual(names.filter((n) => n !== 'p17' && n !== 'p90'));
      expect(outbox.dead).toEqual([
        { names: ['p17'], reason: 'field type conflict: p17' },
        { names: ['p90'], reason: 'field type conflict: p90' },
      ]);
      expect(written).toHaveBeenCalledWith(99, expect.any(Number));
      expect(dead.mock.calls).toEqual([
        [1, 'field type conflict: p17'],
        [1, 'field type conflict: p90'],
      ]);
      expect(durable).toHaveBeenCalledOnce();
      expect(outbox.count().batches).toBe(0);
      // Bounded: about 2 log2(n) writes per refused point, not one per point.
      expect(sink.writes).toBeLessThanOrEqual(1 + 2 * 2 * Math.ceil(Math.log2(names.length)));
    });

    // Capped and counted: what a full dead letter lets go is reported, for the metric.
    it('reports the points a full dead letter evicted', async () => {
      const evicted = vi.fn();
      const { sink, outbox, time, w } = setup({}, new MemoryOutbox(), { deadLetterEvicted: evicted });
      sink.refused = new Set(['bad']);
      outbox.evicts = 4;
      w.add(ps('bad'), 1, 1);
      await time.advance(100);
      expect(evicted).toHaveBeenCalledWith(4);
    });

    it('splits a batch replayed from the outbox the same way', async () => {
      const outbox = new MemoryOutbox();
      await outbox.append({ points: ps('a', 'bad', 'c', 'd'), minTs: 5, maxTs: 6 });
      const { sink, time, w } = setup({}, outbox);
      sink.refused = new Set(['bad']);
      w.start();
      await time.advance(0);
      expect(sink.stored).toEqual(['a', 'c', 'd']);
      expect(outbox.dead).toEqual([{ names: ['bad'], reason: 'field type conflict: bad' }]);
      expect(outbox.count().batches).toBe(0);
    });

    it('keeps the whole batch (outbox) when the sink goes down while splitting, and dead-letters the bad point once, at replay', async () => {
      const { sink, outbox, time, w } = setup();
      sink.refused = new Set(['bad']);
      sink.beforeWrite = () => {
        if (sink.writes === 2) sink.up = false;
      };
      w.add(ps('a', 'bad', 'c'), 1, 1);
      await time.advance(0);
      expect(outbox.dead).toEqual([]);
      expect(outbox.count()).toEqual({ batches: 1, points: 3 });
      sink.up = true;
      sink.beforeWrite = () => {};
      await time.advance(50);
      expect(outbox.count().batches).toBe(0);
      expect(sink.stored).toEqual(['a', 'c']);
      expect(outbox.dead).toEqual([{ names: ['bad'], reason: 'field type conflict: bad' }]);
    });
  });

  it('signals backpressure when the queue is full and releases it once drained', async () => {
    const { sink, time, w } = setup({ maxInFlight: 1 });
    let release!: () => void;
    sink.write = vi.fn(() => new Promise<void>((r) => (release = r)));
    for (let i = 0; i < 10; i++) w.add(p(String(i)), 1, 1);
    expect(w.saturated).toBe(true);
    const drained = vi.fn();
    void w.whenDrained().then(drained);
    release();
    await time.advance(0);
    expect(drained).not.toHaveBeenCalled();
    release();
    await time.advance(0);
    expect(drained).toHaveBeenCalled();
    expect(w.saturated).toBe(false);
  });

  it('replays what an earlier run left in the outbox at start', async () => {
    const outbox = new MemoryOutbox();
    await outbox.append({ points: ps('old1', 'old2'), minTs: 5, maxTs: 6 });
    const { sink, time, w } = setup({}, outbox);
    w.start();
    await time.advance(0);
    expect(sink.stored).toEqual(['old1', 'old2']);
    expect(outbox.count().batches).toBe(0);
  });

  it('stops replaying when stopped while the sink is down, leaving the rest in the outbox', async () => {
    const outbox = new MemoryOutbox();
    await outbox.append({ points: ps('old1'), minTs: 5, maxTs: 5 });
    const { sink, time, w } = setup({}, outbox);
    sink.up = false;
    w.start();
    await time.advance(0);
    // Waiting to retry: stopping does not wait the delay out.
    expect(time.pendingDelays()).toEqual([50]);
    await w.stop();
    expect(time.pendingCount).toBe(0);
    const writes = sink.writes;
    await time.advance(1000);
    expect(sink.writes).toBe(writes);
    expect(outbox.count().batches).toBe(1);
  });
});

// Nothing lost: an MQTT message is acknowledged only once durable — in InfluxDB, or committed to
// the outbox (an asynchronous write since the store may be PostgreSQL).
describe('the outbox as the store behind it answers', () => {
  it('acknowledges a message only once its append has committed', async () => {
    const outbox = new MemoryOutbox();
    const commit = outbox.holdAppends();
    const { sink, time, w } = setup({}, outbox);
    sink.up = false;
    const durable = vi.fn();
    w.add(ps('a', 'b', 'c'), 1, 1, durable);
    await time.advance(0);
    expect(sink.writes).toBe(1);
    expect(durable).not.toHaveBeenCalled();
    expect(w.queuedPoints).toBe(3);
    commit();
    await time.advance(0);
    expect(durable).toHaveBeenCalledOnce();
    expect(outbox.count()).toEqual({ batches: 1, points: 3 });
    expect(w.outboxDepth()).toEqual({ batches: 1, points: 3 });
  });

  // Replay keeps arrival order: a batch still on its way into the outbox goes before any newer one.
  it('queues new batches behind an append still committing, even once the sink is back up', async () => {
    const outbox = new MemoryOutbox();
    const commit = outbox.holdAppends();
    const { sink, time, w } = setup({}, outbox);
    sink.up = false;
    w.add(ps('a1', 'a2', 'a3'), 1, 1);
    await time.advance(0);
    // Replaying another node's batch brings the sink back up while ours is still committing.
    outbox.rows.push({ id: 99, points: ps('x'), minTs: 1, maxTs: 1 });
    sink.up = true;
    w.start();
    await time.advance(50);
    expect(sink.stored).toEqual(['x']);
    expect(w.isSinkUp).toBe(true);
    w.add(ps('c1', 'c2', 'c3'), 2, 2);
    await time.advance(0);
    commit();
    await time.advance(100);
    expect(sink.stored).toEqual(['x', 'a1', 'a2', 'a3', 'c1', 'c2', 'c3']);
  });

  it('retries an append the store failed, with backoff, and acknowledges once it is stored', async () => {
    const outbox = new MemoryOutbox();
    outbox.failAppends = 2;
    const storeFailed = vi.fn();
    const { sink, time, w } = setup({}, outbox, { storeFailed });
    sink.up = false;
    const durable = vi.fn();
    w.add(ps('a', 'b', 'c'), 1, 1, durable);
    await time.advance(0);
    expect(storeFailed).toHaveBeenCalledOnce();
    expect(durable).not.toHaveBeenCalled();
    await time.advance(50);
    expect(storeFailed).toHaveBeenCalledTimes(2);
    expect(durable).not.toHaveBeenCalled();
    await time.advance(50);
    expect(durable).toHaveBeenCalledOnce();
    expect(outbox.count().points).toBe(3);
  });

  // Replay keeps arrival order: a later batch does not overtake an append the store failed.
  it('appends one batch after another, so a retried append keeps its place', async () => {
    const outbox = new MemoryOutbox();
    outbox.failAppends = 1;
    const { sink, time, w } = setup({}, outbox);
    sink.up = false;
    w.add(ps('a1', 'a2', 'a3'), 1, 1);
    w.add(ps('b1', 'b2', 'b3'), 1, 1);
    await time.advance(50);
    expect(outbox.count().batches).toBe(2);
    sink.up = true;
    await time.advance(100);
    expect(sink.stored).toEqual(['a1', 'a2', 'a3', 'b1', 'b2', 'b3']);
  });

  // A node that dies with batches in the shared outbox must not strand them.
  it('replays, at its next look, a batch another node left once that node’s claim ran out', async () => {
    const outbox = new MemoryOutbox();
    await outbox.append({ points: ps('orphan'), minTs: 5, maxTs: 5 });
    const { sink, time } = setup({}, outbox);
    const w = new HistoryWriter(sink, outbox, time, { ...opts, outboxPollMs: 30_000 });
    outbox.rows[0]!.claimedBy = 'dead-node';
    outbox.rows[0]!.claimedUntil = time.now() + 45_000;
    w.start();
    await time.advance(0);
    expect(sink.stored).toEqual([]);
    await time.advance(30_000);
    expect(sink.stored).toEqual([]);
    await time.advance(30_000);
    expect(sink.stored).toEqual(['orphan']);
    expect(outbox.count().batches).toBe(0);
    await w.stop();
    expect(time.pendingCount).toBe(0);
  });

  // Dead-letter bookkeeping once: a replayer whose claim was taken over neither writes the batch
  // again nor records its refused points; the one holding the claim does.
  it('leaves a batch whose claim another replayer took over during a wait to that replayer', async () => {
    const outbox = new MemoryOutbox();
    await outbox.append({ points: ps('a', 'bad'), minTs: 5, maxTs: 5 });
    const { sink, time, w } = setup({}, outbox);
    sink.up = false;
    sink.refused = new Set(['bad']);
    w.start();
    await time.advance(0);
    const writes = sink.writes;
    outbox.rows[0]!.claimedBy = 'other-node';
    sink.up = true;
    await time.advance(50);
    expect(sink.writes).toBe(writes);
    expect(outbox.dead).toEqual([]);
    expect(outbox.count().batches).toBe(1);
    expect(outbox.rows[0]!.claimedBy).toBe('other-node');
  });
});

describe('late points', () => {
  it('backfills the roll-ups over the range of points older than the continuous queries cover', async () => {
    const { sink, time, w } = setup({ lateAfterMs: 240_000 });
    const now = time.now();
    w.add(ps('old1', 'old2', 'old3'), now - 86_400_000, now - 3_600_000);
    w.add(ps('fresh1', 'fresh2', 'fresh3'), now - 1000, now);
    await time.advance(4999);
    expect(sink.backfills).toEqual([]);
    await time.advance(1);
    expect(sink.backfills).toEqual([[now - 86_400_000, now - 3_600_000]]);
  });
});
