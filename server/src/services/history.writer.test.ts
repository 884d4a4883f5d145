import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HistorySink, Outbox, OutboxBatch } from './history.ports.ts';
import { HistoryWriter } from './history.writer.ts';

/** In-memory outbox: a fake behind the port (the SQLite one is exercised in integration tests). */
class MemoryOutbox implements Outbox {
  rows: OutboxBatch[] = [];
  dead: { body: string; reason: string }[] = [];
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
    return { batches: this.rows.length, points: this.rows.reduce((n, r) => n + r.points, 0) };
  }
  deadLetter(body: string, _points: number, reason: string) {
    this.dead.push({ body, reason });
  }
}

class FakeSink implements HistorySink {
  stored: string[] = [];
  up = true;
  refuse = false;
  writes = 0;
  backfills: [number, number][] = [];
  async write(body: string) {
    this.writes++;
    if (this.refuse) throw Object.assign(new Error('field type conflict'), { retryable: false });
    if (!this.up) throw Object.assign(new Error('ECONNREFUSED'), { retryable: true });
    this.stored.push(...body.split('\n'));
  }
  async backfill(from: number, to: number) {
    this.backfills.push([from, to]);
  }
}

const opts = { maxBatchPoints: 3, flushIntervalMs: 100, maxInFlight: 2, maxQueuedPoints: 10, retryDelayMs: 50, maxRetryDelayMs: 50 };

describe('HistoryWriter', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('writes a full batch at once and a partial one after the flush interval', async () => {
    const sink = new FakeSink();
    const w = new HistoryWriter(sink, new MemoryOutbox(), opts);
    for (const l of ['a', 'b', 'c', 'd']) w.add(l, 1, 1);
    await vi.advanceTimersByTimeAsync(0);
    expect(sink.stored).toEqual(['a', 'b', 'c']);
    await vi.advanceTimersByTimeAsync(100);
    expect(sink.stored).toEqual(['a', 'b', 'c', 'd']);
  });

  // DESIGN.md "Nothing lost": acknowledge only once durable.
  it('calls onDurable only after the batch is stored', async () => {
    const sink = new FakeSink();
    const w = new HistoryWriter(sink, new MemoryOutbox(), opts);
    const durable = vi.fn();
    w.add('a', 1, 1, durable);
    expect(durable).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(100);
    expect(durable).toHaveBeenCalledOnce();
  });

  it('never splits one message across batches', async () => {
    const sink = new FakeSink();
    const w = new HistoryWriter(sink, new MemoryOutbox(), opts);
    w.add('a', 1, 1);
    w.add(['b', 'c', 'd'], 1, 1);
    await vi.advanceTimersByTimeAsync(0);
    expect(sink.stored).toEqual(['a', 'b', 'c', 'd']);
  });

  it('rides out a sink outage through the outbox, replays in order, then backfills roll-ups', async () => {
    const sink = new FakeSink();
    const outbox = new MemoryOutbox();
    const w = new HistoryWriter(sink, outbox, opts);
    sink.up = false;
    const durable = vi.fn();
    w.add(['a', 'b', 'c'], 10, 20, durable);
    await vi.advanceTimersByTimeAsync(0);
    expect(outbox.depth().points).toBe(3);
    expect(durable).toHaveBeenCalledOnce(); // in the outbox = durable
    expect(w.isSinkUp).toBe(false);
    w.add('d', 30, 30);
    await vi.advanceTimersByTimeAsync(100);
    expect(outbox.depth().points).toBe(4); // queued behind the outbox, keeping order
    sink.up = true;
    await vi.advanceTimersByTimeAsync(200);
    expect(outbox.depth().batches).toBe(0);
    expect(sink.stored).toEqual(['a', 'b', 'c', 'd']);
    expect(sink.backfills).toEqual([[10, 30]]);
    w.add('e', 40, 40);
    await vi.advanceTimersByTimeAsync(100);
    expect(sink.stored.at(-1)).toBe('e');
  });

  it('dead-letters a batch the sink refuses outright, and carries on', async () => {
    const sink = new FakeSink();
    const outbox = new MemoryOutbox();
    const w = new HistoryWriter(sink, outbox, opts);
    sink.refuse = true;
    w.add(['x', 'y', 'z'], 1, 1);
    await vi.advanceTimersByTimeAsync(0);
    expect(outbox.dead).toEqual([{ body: 'x\ny\nz', reason: 'field type conflict' }]);
    sink.refuse = false;
    w.add(['a', 'b', 'c'], 1, 1);
    await vi.advanceTimersByTimeAsync(0);
    expect(sink.stored).toEqual(['a', 'b', 'c']);
  });

  it('signals backpressure when the queue is full and releases it once drained', async () => {
    const sink = new FakeSink();
    let release!: () => void;
    sink.write = vi.fn(() => new Promise<void>((r) => (release = r)));
    const w = new HistoryWriter(sink, new MemoryOutbox(), { ...opts, maxInFlight: 1 });
    for (let i = 0; i < 10; i++) w.add(String(i), 1, 1);
    expect(w.saturated).toBe(true);
    const drained = vi.fn();
    void w.whenDrained().then(drained);
    release();
    await vi.advanceTimersByTimeAsync(0);
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(drained).toHaveBeenCalled();
    expect(w.saturated).toBe(false);
  });

  it('replays what an earlier run left in the outbox at start', async () => {
    const sink = new FakeSink();
    const outbox = new MemoryOutbox();
    outbox.append({ body: 'old1\nold2', points: 2, minTs: 5, maxTs: 6 });
    const w = new HistoryWriter(sink, outbox, opts);
    w.start();
    await vi.advanceTimersByTimeAsync(10);
    expect(sink.stored).toEqual(['old1', 'old2']);
    expect(outbox.depth().batches).toBe(0);
  });
});

describe('late points', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('backfills the roll-ups over the range of points older than the continuous queries cover', async () => {
    const now = 10_000_000;
    const sink = new FakeSink();
    const w = new HistoryWriter(sink, new MemoryOutbox(), { ...opts, lateAfterMs: 240_000, clock: () => now });
    w.add(['old1', 'old2', 'old3'], now - 86_400_000, now - 3_600_000);
    w.add(['fresh1', 'fresh2', 'fresh3'], now - 1000, now);
    await vi.advanceTimersByTimeAsync(6000);
    expect(sink.backfills).toEqual([[now - 86_400_000, now - 3_600_000]]);
  });
});
