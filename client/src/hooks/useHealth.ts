import { useEffect, useState } from 'react';
import type { HealthResponse } from '../../../contract/api.ts';
import { fetchHealth, messageOf } from '../api/api.client.ts';

/** Often enough to notice an outage quickly, rare enough to cost nothing. */
const HEALTH_POLL_MS = 10_000;

export type HealthStatus = { kind: 'loading' } | { kind: 'ok'; health: HealthResponse } | { kind: 'unreachable'; message: string };

export function useHealth(): HealthStatus {
  const [status, setStatus] = useState<HealthStatus>({ kind: 'loading' });
  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async (): Promise<void> => {
      try {
        const health = await fetchHealth(controller.signal);
        setStatus({ kind: 'ok', health });
      } catch (err) {
        if (controller.signal.aborted) return;
        setStatus({ kind: 'unreachable', message: messageOf(err) });
      }
      if (!controller.signal.aborted) timer = setTimeout(() => void poll(), HEALTH_POLL_MS);
    };
    void poll();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, []);
  return status;
}
