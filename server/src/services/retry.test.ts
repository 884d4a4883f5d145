import { describe, expect, it } from 'vitest';
import { Backoff, retry } from './retry.ts';
import { FakeScheduler } from '../../../test/support/fake.scheduler.ts';

describe('Backoff', () => {
  it('doubles from the initial delay up to the cap, and starts over after reset', () => {
    const b = new Backoff({ initialMs: 1000, maxMs: 30_000 });
    expect(Array.from({ length: 7 }, () => b.next())).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
    b.reset();
    expect(b.next()).toBe(1000);
  });

  it('adds at most the jitter fraction, drawn from the random source', () => {
    const b = new Backoff({ initialMs: 1000, maxMs: 8000, jitter: 0.5, random: () => 0.999 });
    expect(b.next()).toBe(1500); // 1000 + 1000 × 0.5 × 0.999, rounded
    const none = new Backoff({ initialMs: 1000, maxMs: 8000, jitter: 0.5, random: () => 0 });
    expect(none.next()).toBe(1000);
  });
});

describe('retry', () => {
  it('waits the backoff delays between failures on the timers given, then returns the result', async () => {
    const timers = new FakeScheduler();
    const waits: number[] = [];
    let calls = 0;
    const result = retry(
      async () => {
        calls++;
        if (calls < 4) throw new Error(`down ${calls}`);
        return 'up';
      },
      { timers, backoff: { initialMs: 100, maxMs: 300 }, onRetry: (_e, _n, d) => waits.push(d) },
    );
    await timers.advance(99);
    expect(calls).toBe(1); // the first retry is not due yet
    await timers.advance(1 + 200 + 300);
    await expect(result).resolves.toBe('up');
    expect(waits).toEqual([100, 200, 300]);
  });

  it('rethrows at once an error that shouldRetry calls permanent', async () => {
    const timers = new FakeScheduler();
    let calls = 0;
    const permanent = new Error('400 bad request');
    await expect(
      retry(
        async () => {
          calls++;
          throw permanent;
        },
        { timers, backoff: { initialMs: 100, maxMs: 100 }, shouldRetry: (e) => e !== permanent },
      ),
    ).rejects.toBe(permanent);
    expect(calls).toBe(1);
  });

  it('gives up after maxAttempts with the last error', async () => {
    const timers = new FakeScheduler();
    let calls = 0;
    const done = retry(
      async () => {
        throw new Error(`fail ${++calls}`);
      },
      { timers, backoff: { initialMs: 10, maxMs: 10 }, maxAttempts: 3 },
    );
    const settled = expect(done).rejects.toThrow('fail 3');
    await timers.advance(100);
    await settled;
    expect(timers.pendingCount).toBe(0);
  });
});
