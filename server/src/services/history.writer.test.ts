import { describe, expect, it, vi } from 'vitest';
import { FakeScheduler } from '../../../test/support/fake.scheduler.ts';
import type { HistoryPoint, HistorySink, Outbox, OutboxBatch } from './history.ports.ts';
import { HistoryWriter, type WriterOptions } from './history.writer.ts';

/** A point that names itself: its sensor id. */
const p = (name: string, ts = 1): HistoryPoint => ({
  type: 'observation',
  observation: { channel: 'reading', siteId: 's', sensorId: name, zoneId: 'z', kind: 'gas', ts, receivedAt: ts, value: 1, unit: '%LEL' },
});
const ps = (...names: string[]) => names.map((n) => p(n));
const nameOf = (point: HistoryPoint) => (point.type === 'observation' ? point.observation.sensorId : point.alarm.id);

/** In-memory outbox: a fake behind the port (the SQLite one has its own tests). */
class MemoryOutbox implements Outbox {
  rows: OutboxBatch[] = [];
  dead: { names: string[]; reason: string }[] = [];
  private id = 0;
  append(b: Omit<OutboxBatch, 'id'>) {
    this.rows.push({ ...b, id: ++this.id });
  }
  oldest() {
    return this.rows[0];
  }
  remove(b: OutboxBatch) {
    this.rows = this.rows.filter((r) => r.id !== b.id);
  }
  depth() {
    return { batches: this.rows.length, points: this.rows.reduce((n, r) => n + r.points.length, 0) };
  }
  deadLetter(points: readonly HistoryPoint[], reason: string) {
    this.dead.push({ names: points.map(nameOf), reason });
  }
}

class FakeSink implements HistorySink {
  stored: string[] = [];
  up = true;
  refuse = false;
  writes = 0;
  backfills: [number, number][] = [];
  async write(points: readonly HistoryPoint[]) {
    this.writes++;
    if (this.refuse) throw Object.assign(new Error('field type conflict'), { retryable: false });
    if (!this.up) throw Object.assign(new Error('ECONNREFUSED'), { retryable: true });
    this.stored.push(...points.map(nameOf));
  }
  async backfill(from: number, to: number) {
    this.backfills.push([from, to]);
  }
}

const opts: WriterOptions = { maxBatchPoints: 3, flushIntervalMs: 100, maxInFlight: 2, maxQueuedPoints: 10, retryDelayMs: 50, maxRetryDelayMs: 50 };

function setup(options: Partial<WriterOptions> = {}, outbox = new MemoryOutbox()) {
  const sink = new FakeSink();
  const time = new FakeScheduler();
  const w = new HistoryWriter(sink, outbox, time, { ...opts, ...options });
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
    expect(outbox.depth().points).toBe(3);
    expect(durable).toHaveBeenCalledOnce(); // in the outbox = durable
    expect(w.isSinkUp).toBe(false);
    w.add(p('d'), 30, 30);
    await time.advance(100);
    expect(outbox.depth().points).toBe(4); // queued behind the outbox, keeping order
    // Retries back off: 50 ms before the first, then 50, 100, 200, 400, 400 ms between attempts.
    const writesBefore = sink.writes;
    await time.advance(1200);
    expect(sink.writes - writesBefore).toBe(4); // at +200, +400, +800 and +1200 ms
    expect(time.pendingDelays()[0]).toBeGreaterThanOrEqual(200);
    sink.up = true;
    await time.advance(400);
    expect(outbox.depth().batches).toBe(0);
    expect(w.isSinkUp).toBe(true);
    expect(sink.stored).toEqual(['a', 'b', 'c', 'd']);
    expect(sink.backfills).toEqual([[10, 30]]);
    w.add(p('e'), 40, 40);
    await time.advance(100);
    expect(sink.stored.at(-1)).toBe('e');
  });

  it('dead-letters a batch the sink refuses outright, and carries on', async () => {
    const { sink, outbox, time, w } = setup();
    sink.refuse = true;
    w.add(ps('x', 'y', 'z'), 1, 1);
    await time.advance(0);
    expect(outbox.dead).toEqual([{ names: ['x', 'y', 'z'], reason: 'field type conflict' }]);
    sink.refuse = false;
    w.add(ps('a', 'b', 'c'), 1, 1);
    await time.advance(0);
    expect(sink.stored).toEqual(['a', 'b', 'c']);
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
    outbox.append({ points: ps('old1', 'old2'), minTs: 5, maxTs: 6 });
    const { sink, time, w } = setup({}, outbox);
    w.start();
    await time.advance(0);
    expect(sink.stored).toEqual(['old1', 'old2']);
    expect(outbox.depth().batches).toBe(0);
  });

  it('stops replaying when stopped while the sink is down, leaving the rest in the outbox', async () => {
    const outbox = new MemoryOutbox();
    outbox.append({ points: ps('old1'), minTs: 5, maxTs: 5 });
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
    expect(outbox.depth().batches).toBe(1);
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
