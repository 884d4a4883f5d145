/**
 * The rows the log shows: the fetched page, in the server's order (the sort chosen covers the
 * whole result, log.query.ts), with any newer copy of an alarm the officer just changed (the
 * detail pane reports it).
 */
import type { Alarm } from '../../../contract/alarm.ts';

/** A newer copy wins over the fetched row; an older one (a stale event) never does. */
export function withNewer(rows: readonly Alarm[], newer: ReadonlyMap<string, Alarm>): Alarm[] {
  return rows.map((a) => {
    const n = newer.get(a.id);
    return n !== undefined && n.updatedAt >= a.updatedAt ? n : a;
  });
}
