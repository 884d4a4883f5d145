/** The corrective-action form's draft and its check against the contract's own POST schema, before anything is sent. */
import { actionCreateBodySchema, type ActionCreateBody } from '../../../contract/actions.ts';
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

/** The POST body, or the first problem to show (the server applies the same schema). */
export function draftBody(
  draft: ActionDraft,
  about: Pick<ActionCreateBody, 'finding'> & Partial<Pick<ActionCreateBody, 'alarmId' | 'siteId' | 'zoneId' | 'causeCategory'>>,
  timeZone: string,
): { ok: true; body: ActionCreateBody } | { ok: false; message: string } {
  const dueAt = draft.due ? zonedInputToEpoch(draft.due, timeZone) : null;
  const parsed = actionCreateBodySchema.safeParse({
    ...about,
    action: draft.action,
    owner: draft.owner,
    severity: draft.severity,
    ...(dueAt === null ? {} : { dueAt }),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, message: issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'invalid' };
  }
  return { ok: true, body: parsed.data };
}
