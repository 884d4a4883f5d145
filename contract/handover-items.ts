/**
 * Counting a handover's items, without zod: the dashboard imports it from here, so that its bundle
 * holds none of the schemas of handover.ts, which re-exports it.
 */
import type { HandoverSnapshot } from './handover.ts';

/** What the next shift inherited: every line, shelved alarms only when carried over. */
export function itemsCarriedOver(s: HandoverSnapshot): number {
  const carried = s.shelved.filter((x) => x.decision === 'carry').length;
  return s.standing.length + carried + s.outOfService.length + s.actions.length + s.drills.length + s.links.length;
}
