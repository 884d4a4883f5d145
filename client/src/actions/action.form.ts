/**
 * The corrective-action form's draft and the body it becomes. The server checks the body (its 400
 * names the bad field); checking here too would ship zod to the dashboard for rules the server
 * applies anyway.
 */
import type { ActionCreateBody } from '../../../contract/actions.ts';
import type { ActionDraftBody } from '../api/actions.api.ts';
import type { Priority } from '../../../contract/alarm.ts';
import { zonedInputToEpoch } from '../format/time.format.ts';

export interface ActionDraft {
  action: string;
  owner: string;
  /** `datetime-local` value in the site's time zone. */
  due: string;
  severity: Priority;
}

export const emptyDraft = (severity: Priority = 'medium'): ActionDraft => ({ action: '', owner: '', due: '', severity });

/** The POST body; the due date is read in the site's time zone. */
export function draftBody<A extends Pick<ActionCreateBody, 'finding'> & Partial<Pick<ActionCreateBody, 'siteId' | 'zoneId' | 'causeCategory'>>>(
  draft: ActionDraft,
  about: A,
  timeZone: string,
): A & Pick<ActionDraftBody, 'action' | 'owner' | 'severity' | 'dueAt'> {
  const dueAt = draft.due ? zonedInputToEpoch(draft.due, timeZone) : null;
  return { ...about, action: draft.action, owner: draft.owner, severity: draft.severity, ...(dueAt === null ? {} : { dueAt }) };
}
