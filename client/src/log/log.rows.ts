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

/**
 * The copies the detail pane reported, with `alarm` added unless an older-stamped copy: one action
 * can make two changes in the same millisecond (resolving acknowledges first), reported in the
 * order they happened, so on a tie the later report is the newer.
 */
export function withReported(reported: ReadonlyMap<string, Alarm>, alarm: Alarm): ReadonlyMap<string, Alarm> {
  const known = reported.get(alarm.id);
  if (known !== undefined && known.updatedAt > alarm.updatedAt) return reported;
  return new Map(reported).set(alarm.id, alarm);
}
