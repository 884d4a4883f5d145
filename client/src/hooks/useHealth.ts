import { useEffect, useState } from 'react';
import type { HealthResponse } from '../../../contract/api.ts';
import { fetchHealth, messageOf } from '../api/api.client.ts';
import { useLive } from '../live/useLive.ts';

/**
 * Often enough to notice an outage quickly, rare enough to cost nothing. A site losing its node
 * is not left to it: the server's `cluster` notice starts a round at once.
 */
const HEALTH_POLL_MS = 10_000;
/**
 * An answer later than this is no answer. Without a limit, a request into a network that drops
 * packets silently hangs for minutes while the chips keep the colour of the last answer: green.
 */
export const HEALTH_TIMEOUT_MS = 4_000;
/** While the live link is lost, ask this often: the chips follow the network, not the 10 s rhythm. */
const HEALTH_POLL_LOST_MS = 3_000;

export type HealthStatus =
  | { kind: 'loading' }
  | { kind: 'ok'; health: HealthResponse }
  | { kind: 'unreachable'; message: string }
  /** No answer within `waitedMs`: what each part is doing now is unknown. */
  | { kind: 'late'; waitedMs: number };

/** Thrown by `within` when the answer did not come in time. */
export class LateAnswer extends Error {
  constructor(readonly waitedMs: number) {
    super(`no answer within ${waitedMs} ms`);
  }
}

export interface TimeoutTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const browserTimers: TimeoutTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Runs `request` with a signal that aborts when `outer` does or after `ms`; in the second case it
 * rejects with `LateAnswer`, whatever the request itself then says.
 */
export async function within<T>(ms: number, outer: AbortSignal, request: (signal: AbortSignal) => Promise<T>, timers = browserTimers): Promise<T> {
  const controller = new AbortController();
  let late = false;
  const timer = timers.setTimeout(() => {
    late = true;
    controller.abort();
  }, ms);
  const forward = (): void => controller.abort();
  outer.addEventListener('abort', forward);
  try {
    return await request(controller.signal);
  } catch (err) {
    if (late) throw new LateAnswer(ms);
    throw err;
  } finally {
    timers.clearTimeout(timer);
    outer.removeEventListener('abort', forward);
  }
}

export function useHealth(): HealthStatus {
  const [status, setStatus] = useState<HealthStatus>({ kind: 'loading' });
  const linkLost = useLive((s) => !s.synced && s.lostSince !== null);
  const clusterNotices = useLive((s) => s.clusterNotices);
  useEffect(() => {
    // A lost link starts a new round at once: the last answer came over a network now in doubt.
    // So does a `cluster` notice: the sites without a node changed.
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async (): Promise<void> => {
      try {
        const health = await within(HEALTH_TIMEOUT_MS, controller.signal, fetchHealth);
        setStatus({ kind: 'ok', health });
      } catch (err) {
        if (controller.signal.aborted) return;
        setStatus(err instanceof LateAnswer ? { kind: 'late', waitedMs: err.waitedMs } : { kind: 'unreachable', message: messageOf(err) });
      }
      if (!controller.signal.aborted) timer = setTimeout(() => void poll(), linkLost ? HEALTH_POLL_LOST_MS : HEALTH_POLL_MS);
    };
    void poll();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [linkLost, clusterNotices]);
  return status;
}
