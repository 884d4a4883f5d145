/**
 * "Logged once with its reason": a device stuck sending bad data, or a client sending thousands of
 * bad items or topics, must not flood the log. A key is a reason (a small, fixed set), never
 * something the sender chooses (a topic, an item index, a device id): one line when a key is first
 * seen in a window, and at the window's end one summary with how many more there were.
 */
import type { Rejection } from '../../contract/index.ts';
import type { Logger } from './logger.ts';
import type { Scheduler } from './services/clock.ts';

export interface LogLimiter {
  /** Counts one event of `key`; true when it is the first of its window (log it), false when it is only counted. */
  hit(key: string): boolean;
  /** The keys whose window has ended with events not logged, with how many; those windows close. */
  flush(): { key: string; suppressed: number }[];
}

/**
 * At most one logged event per key per `windowMs`, the rest counted. At most `maxKeys` keys are
 * tracked: beyond that the least recently opened window is dropped (its count is lost, not
 * logged), so memory stays bounded whatever the keys.
 */
export function createLogLimiter(windowMs: number, clock: Pick<Scheduler, 'now'>, maxKeys = 1_000): LogLimiter {
  const windows = new Map<string, { openedAt: number; suppressed: number }>();
  /** Windows that ended at a new event before a flush saw them, with their counts. */
  let ended: { key: string; suppressed: number }[] = [];
  return {
    hit(key) {
      const now = clock.now();
      const w = windows.get(key);
      if (w !== undefined && now - w.openedAt < windowMs) {
        w.suppressed++;
        return false;
      }
      if (w !== undefined) {
        windows.delete(key);
        if (w.suppressed > 0 && ended.length < maxKeys) ended.push({ key, suppressed: w.suppressed });
      }
      if (windows.size >= maxKeys) windows.delete(windows.keys().next().value!);
      windows.set(key, { openedAt: now, suppressed: 0 });
      return true;
    },
    flush() {
      const now = clock.now();
      const out = ended;
      ended = [];
      for (const [key, w] of windows) {
        if (now - w.openedAt < windowMs) continue;
        if (w.suppressed > 0) out.push({ key, suppressed: w.suppressed });
        windows.delete(key);
      }
      return out;
    },
  };
}

/**
 * The log lines for rejected input: the first rejection of each source and reason in a window with
 * its origin and detail, then (when `flush` runs, at least once a window) one line saying how many
 * more were rejected for that reason.
 */
export function rejectionLogger(log: Logger, windowMs: number, clock: Pick<Scheduler, 'now'>): { log(r: Rejection): void; flush(): void } {
  const limiter = createLogLimiter(windowMs, clock);
  return {
    log(r) {
      if (limiter.hit(`${r.source}|${r.reason}`)) log.warn({ source: r.source, origin: r.origin, reason: r.reason, detail: r.detail }, 'input rejected');
    },
    flush() {
      for (const { key, suppressed } of limiter.flush()) {
        const [source, reason] = key.split('|');
        log.warn({ source, reason, suppressed, windowS: windowMs / 1000 }, `${suppressed} more rejected for reason ${reason} in the last ${windowMs / 1000} s`);
      }
    },
  };
}
