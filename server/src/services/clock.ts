/** Time is a port: services take a Clock (and Timers when they wait); tests drive fake ones. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** An opaque handle for a scheduled callback. */
export type TimerHandle = { readonly __timer: unique symbol } | ReturnType<typeof setTimeout>;

/** Scheduling as a port, so that waits (retries, keepalives, reconnects) run on fake time in tests. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const systemTimers: Timers = {
  // unref: a pending retry or keepalive never holds the process open on shutdown.
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** A clock and timers together: what anything that waits needs. */
export type Scheduler = Clock & Timers;

export const systemScheduler: Scheduler = { ...systemClock, ...systemTimers };

/** Resolves after `ms` on the given timers. */
export function sleep(timers: Timers, ms: number): Promise<void> {
  return new Promise((resolve) => timers.setTimeout(resolve, ms));
}
