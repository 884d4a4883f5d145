import { describe, expect, it } from 'vitest';
import { RateLimiter } from './auth.rate-limit.ts';
import { FakeTime } from '../../../test/support/auth.test-support.ts';

describe('token bucket rate limiter (rate limits on login and ingest)', () => {
  it('allows a burst, then one token per interval', () => {
    const time = new FakeTime(0);
    const limiter = new RateLimiter({ burst: 3, perSecond: 1 }, time);
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([true, true, true, false]);
    expect(limiter.retryAfterS('a')).toBe(1);
    time.advance(999);
    expect(limiter.take('a')).toBe(false);
    time.advance(1);
    expect(limiter.take('a')).toBe(true);
    // Another key has its own bucket.
    expect(limiter.take('b')).toBe(true);
  });

  it('never stores more than the burst, however long a key was idle', () => {
    const time = new FakeTime(0);
    const limiter = new RateLimiter({ burst: 2, perSecond: 10 }, time);
    limiter.take('a');
    time.advance(3_600_000);
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([true, true, false]);
  });

  it('forgets the least recently used keys beyond maxKeys (a flood of addresses cannot grow memory)', () => {
    const time = new FakeTime(0);
    const limiter = new RateLimiter({ burst: 1, perSecond: 0.001, maxKeys: 2 }, time);
    expect(limiter.take('a')).toBe(true);
    limiter.take('b');
    limiter.take('c'); // evicts a
    expect(limiter.take('a')).toBe(true); // a starts with a full bucket again
    expect(limiter.take('c')).toBe(false);
  });
});
