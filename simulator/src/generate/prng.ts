/**
 * Seeded randomness: every run with the same seed produces the same stream. Each sensor and each
 * of its traffic kinds draws from its own stream (seed + name), so adding a sensor to the registry
 * or a step to a scenario does not change what the other sensors send. Never Math.random.
 */

/** mulberry32: a small, fast 32-bit PRNG with a full 2^32 period; ample for traffic generation. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit hash (cyrb53's mixing, folded) of the seed and a stream name. */
export function streamSeed(seed: number, stream: string): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < stream.length; i++) {
    const ch = stream.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h1 ^ h2) >>> 0;
}

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [min, max). */
  between(min: number, max: number): number;
  /** Integer in [min, max]. */
  int(min: number, max: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  /** Gaussian (Box–Muller). */
  normal(mean: number, sd: number): number;
  /** Exponentially distributed waiting time with the given mean (a Poisson process's gaps). */
  exponential(mean: number): number;
}

export function createRng(seed: number, stream: string): Rng {
  const next = mulberry32(streamSeed(seed, stream));
  const rng: Rng = {
    next,
    between: (min, max) => min + (max - min) * next(),
    int: (min, max) => min + Math.floor((max - min + 1) * next()),
    chance: (p) => next() < p,
    normal: (mean, sd) => {
      const u = 1 - next(); // (0, 1]: log(0) never happens
      return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
    },
    exponential: (mean) => -mean * Math.log(1 - next()),
  };
  return rng;
}
