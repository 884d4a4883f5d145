/**
 * The values of corrective actions (statuses, moves, escalation steps, event kinds, list
 * filters), without zod: the dashboard imports them from here, so that its bundle holds none of
 * the schemas in actions.ts, which re-exports them and describes the model.
 */

export const ACTION_STATUSES = ['open', 'in_progress', 'fixed', 'verified'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

/** What a PATCH may ask for: the owner's `start` and `fix`, a manager's `verify` and `reject` (back to in progress, with a reason). */
export const ACTION_MOVES = ['start', 'fix', 'verify', 'reject'] as const;
export type ActionMove = (typeof ACTION_MOVES)[number];

/** Who an escalation step goes to: the owner, then the managers, then the admins and the facility's notification channels. */
export const ESCALATION_STEPS = ['owner', 'manager', 'admin'] as const;
export type EscalationStep = (typeof ESCALATION_STEPS)[number];

export const ACTION_EVENT_KINDS = ['opened', 'started', 'fixed', 'verified', 'rejected', 'edited', 'escalated', 'attached'] as const;
export type ActionEventKind = (typeof ACTION_EVENT_KINDS)[number];

/** `GET /api/actions` filters: `open` = not yet verified, `overdue`, `mine` (owned by the caller), `closed` = verified. */
export const ACTION_FILTERS = ['open', 'overdue', 'mine', 'closed', 'all'] as const;
export type ActionFilter = (typeof ACTION_FILTERS)[number];
