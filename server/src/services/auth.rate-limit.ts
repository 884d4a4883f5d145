/**
 * A small in-memory token bucket per key (client address, username, API key): enough to slow
 * password guessing and to keep one gateway from flooding ingest, without a dependency. Limits
 * are per process, which is what Vigil runs as.
 */
import type { Clock } from './clock.ts';

export interface BucketOptions {
  /** Tokens a key may spend at once. */
  burst: number;
  /** Tokens regained per second. */
  perSecond: number;
  /** Keys tracked at most; the least recently used are forgotten first (a flood of addresses cannot grow memory). */
  maxKeys?: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly maxKeys: number;

  constructor(
    private readonly options: BucketOptions,
    private readonly clock: Clock,
  ) {
    this.maxKeys = options.maxKeys ?? 10_000;
  }

  private refill(key: string): Bucket {
    const now = this.clock.now();
    const b = this.buckets.get(key);
    if (!b) return { tokens: this.options.burst, at: now };
    this.buckets.delete(key); // re-inserted below: Map order is the LRU order
    return { tokens: Math.min(this.options.burst, b.tokens + ((now - b.at) / 1000) * this.options.perSecond), at: now };
  }

  private store(key: string, b: Bucket): void {
    this.buckets.set(key, b);
    if (this.buckets.size > this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
  }

  /** Spends `cost` tokens when there are enough; answers whether it could. */
  take(key: string, cost = 1): boolean {
    const b = this.refill(key);
    const ok = b.tokens >= cost;
    if (ok) b.tokens -= cost;
    this.store(key, b);
    return ok;
  }

  /** Whether `cost` tokens are there now, spending nothing. */
  available(key: string, cost = 1): boolean {
    return this.retryAfterS(key, cost) === 0;
  }

  /** Keys tracked now (at most `maxKeys`). */
  get size(): number {
    return this.buckets.size;
  }

  /** Seconds until `cost` tokens are available (0 when they are now). */
  retryAfterS(key: string, cost = 1): number {
    const b = this.buckets.get(key);
    if (!b) return 0;
    const now = this.clock.now();
    const tokens = Math.min(this.options.burst, b.tokens + ((now - b.at) / 1000) * this.options.perSecond);
    return tokens >= cost ? 0 : Math.ceil((cost - tokens) / this.options.perSecond);
  }
}
