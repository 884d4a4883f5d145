/** Out-of-service periods on the dashboard: the end the form may ask for, and how near an end is. */
import type { OutOfService } from '../../../contract/alarm.ts';
import { MAX_OUT_OF_SERVICE_S, OUT_OF_SERVICE_REMINDER_S } from '../../../contract/alarm-constants.ts';

/** The end the form offers first: a working shift's worth of maintenance. */
export const DEFAULT_OUT_OF_SERVICE_MS = 4 * 3_600_000;

/** The server refuses the same (400): an end after now, at most MAX_OUT_OF_SERVICE_S ahead. */
export function validUntil(until: number | null, now: number): boolean {
  return until !== null && until > now && until - now <= MAX_OUT_OF_SERVICE_S * 1000;
}

/** `soon` from the server's reminder on (or once within the reminder time by our own clock). */
export function endState(oos: OutOfService, now: number): 'none' | 'later' | 'soon' {
  if (oos.until === undefined) return 'none';
  if ((oos.remindedAt ?? null) !== null || oos.until - now <= OUT_OF_SERVICE_REMINDER_S * 1000) return 'soon';
  return 'later';
}
