/**
 * Corrective actions (hazard tickets): something found — by an alarm's resolution or an
 * inspection — that someone must put right by a date. The owner works it (open → in progress →
 * fixed), a manager verifies it (or sends it back with a reason), and only a verified action is
 * closed. One overdue escalates step by step: to its owner, to the managers, then to the
 * facility's notification channels. docs/contracts.md (corrective actions) has the routes.
 */
import { z } from 'zod';
import { CAUSE_CATEGORIES, resolveBodySchema } from './alarm-actions.ts';
import { PRIORITIES, type Alarm, type Priority } from './alarm.ts';
import { LATEST_TIME_MS } from './api.ts';
import { idSchema } from './observation.ts';
import { ACTION_FILTERS, ACTION_MOVES, type ActionEventKind, type ActionStatus, type EscalationStep } from './actions-constants.ts';

// The actions' values live in a module without zod, which the dashboard imports instead of this
// one (importing anything from here would put zod and every schema below into its bundle).
export {
  ACTION_EVENT_KINDS,
  ACTION_FILTERS,
  ACTION_MOVES,
  ACTION_STATUSES,
  ESCALATION_STEPS,
  type ActionEventKind,
  type ActionFilter,
  type ActionMove,
  type ActionStatus,
  type EscalationStep,
} from './actions-constants.ts';

/** One line of an action's history; the same change is also an audit entry (`action.<kind>`, target `action:<id>`). */
export interface ActionEvent {
  seq: number;
  at: number;
  /** A username, or `system` for an escalation. */
  by: string;
  kind: ActionEventKind;
  /** The note of a move, the reason of a rejection, an attachment's name. */
  note: string | null;
  /** Escalations: the step (1 owner, 2 managers, 3 admins and channels) and whom it went to. */
  level?: number;
  to?: EscalationStep;
  /** Edits: what changed. */
  changes?: { owner?: string; dueAt?: number };
}

export interface CorrectiveAction {
  id: number;
  /** What was found. */
  finding: string;
  /** What is to be done about it. */
  action: string;
  causeCategory: (typeof CAUSE_CATEGORIES)[number] | null;
  siteId: string;
  zoneId: string | null;
  sensorId: string | null;
  /** The alarm whose resolution opened it; null for an inspection finding. */
  alarmId: string | null;
  severity: Priority;
  owner: string;
  dueAt: number;
  status: ActionStatus;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
  /** When a manager verified it. */
  closedAt: number | null;
  /** Escalation steps taken since the due date passed (0: none); starts again when the due date moves. */
  escalationLevel: number;
  /** When the next step is due, if one is. */
  nextEscalationAt: number | null;
  /** Past its due date and not fixed: `fixed` waits for the manager, not the owner. */
  overdue: boolean;
}

const text = (what: string, max: number) => z.string().trim().min(1, `${what} is required`).max(max, `${what} is at most ${max} characters`);
const epochMs = z.number().int('must be epoch milliseconds').positive('must be epoch milliseconds').max(LATEST_TIME_MS, 'must be before 2100');

/**
 * `POST /api/actions` (officers and managers): opened from an alarm's resolve form (`alarmId`: site,
 * zone and sensor come from the alarm) or by hand for an inspection finding (`siteId` required).
 * @example `{"alarmId": "a-123", "finding": "hose clamp loose", "action": "replace all clamps on line 2", "causeCategory": "equipment_fault", "owner": "wang.lei", "dueAt": 1767225600000, "severity": "high"}`
 */
const actionCreateFields = z
  .object({
    finding: text('finding', 2000),
    action: text('action', 2000),
    causeCategory: z.enum(CAUSE_CATEGORIES).optional(),
    alarmId: z.string().min(1).max(200).optional(),
    siteId: idSchema.optional(),
    zoneId: idSchema.optional(),
    sensorId: idSchema.optional(),
    severity: z.enum(PRIORITIES).default('medium'),
    owner: text('owner', 120),
    dueAt: epochMs,
  })
  .strict();
export const actionCreateBodySchema = /* @__PURE__ */ actionCreateFields.refine((b) => b.alarmId !== undefined || b.siteId !== undefined, {
  message: 'give alarmId or siteId',
  path: ['siteId'],
});
export type ActionCreateBody = z.infer<typeof actionCreateBodySchema>;

/**
 * `POST /api/alarms/:id/resolve` with `followUp`: the corrective action opened by the same request,
 * its place (alarm, site, zone, sensor) taken from the alarm. The whole body is checked before the
 * alarm changes: a bad follow-up refuses the resolve too.
 * @example `{"causeCategory": "equipment_fault", "cause": "hose clamp loose", "correctiveAction": "clamp replaced", "followUp": {"finding": "hose clamp loose", "action": "replace all clamps on line 2", "owner": "wang.lei", "dueAt": 1767225600000}}`
 */
export const resolveFollowUpSchema = /* @__PURE__ */ actionCreateFields.omit({ alarmId: true, siteId: true, zoneId: true, sensorId: true });
export type ResolveFollowUp = z.infer<typeof resolveFollowUpSchema>;
export const resolveWithFollowUpBodySchema = /* @__PURE__ */ resolveBodySchema.extend({ followUp: resolveFollowUpSchema.optional() }).strict();
export type ResolveWithFollowUpBody = z.infer<typeof resolveWithFollowUpBodySchema>;
/** What that resolve answers: the alarm, and the corrective action when one was opened. */
export interface ResolveWithFollowUpResponse {
  alarm: Alarm;
  action?: ActionDetailResponse;
}

/**
 * `PATCH /api/actions/:id`: a move (`start`, `fix` by the owner; `verify`, `reject` by a manager,
 * rejecting needs a `reason`), or a manager's edit of owner and due date.
 * @example `{"move": "reject", "reason": "the clamp on valve 3 is still loose"}`
 * @example `{"owner": "li.na", "dueAt": 1767225600000}`
 */
export const actionPatchBodySchema = z.union([
  z
    .object({ move: z.enum(ACTION_MOVES), note: z.string().trim().max(2000).optional(), reason: z.string().trim().max(2000).optional() })
    .strict()
    .refine((b) => b.move !== 'reject' || (b.reason ?? '').length > 0, { message: 'a reason is required to send it back', path: ['reason'] }),
  z
    .object({ owner: text('owner', 120).optional(), dueAt: epochMs.optional(), note: z.string().trim().max(2000).optional() })
    .strict()
    .refine((b) => b.owner !== undefined || b.dueAt !== undefined, { message: 'give a move, or owner and/or dueAt' }),
]);
export type ActionPatchBody = z.infer<typeof actionPatchBodySchema>;

export const actionListQuerySchema = z
  .object({
    filter: z.enum(ACTION_FILTERS).default('open'),
    site: idSchema.optional(),
    zone: idSchema.optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(200),
  })
  .strict();
export type ActionListQuery = z.infer<typeof actionListQuerySchema>;

/** `GET /api/actions` → newest first, with the counts the header badge shows. */
export interface ActionListResponse {
  actions: CorrectiveAction[];
  counts: ActionCounts;
}

/** Open (not verified), overdue, awaiting verification (fixed), and the caller's own open ones. */
export interface ActionCounts {
  open: number;
  overdue: number;
  fixed: number;
  mine: number;
}

/**
 * Photos of a finding or a fix: images only, recognised by their first bytes (not by what the
 * client says), at most MAX_ATTACHMENT_BYTES each and MAX_ATTACHMENTS_PER_ACTION per action.
 */
export const ATTACHMENT_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'] as const;
export type AttachmentType = (typeof ATTACHMENT_TYPES)[number];
export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;
export const MAX_ATTACHMENTS_PER_ACTION = 10;

/** `POST /api/actions/:id/attachments?name=` (the image as the body) → 201; `GET /api/actions/:id/attachments/:attachmentId` serves it. */
export interface ActionAttachment {
  id: number;
  name: string;
  type: AttachmentType;
  size: number;
  at: number;
  by: string;
}

/** `GET /api/actions/:id` and every change answer this. */
export interface ActionDetailResponse {
  action: CorrectiveAction;
  history: ActionEvent[];
  attachments: ActionAttachment[];
}

/**
 * Refusals: NOT_FOUND 404; FORBIDDEN 403 (not the owner, not a manager); INVALID_TRANSITION 409
 * (not allowed from the action's status); BAD_REQUEST 400 (an unknown owner, alarm, site or zone,
 * a due date in the past).
 */
export const ACTION_ERROR_CODES = ['NOT_FOUND', 'FORBIDDEN', 'INVALID_TRANSITION', 'BAD_REQUEST'] as const;
export type ActionErrorCode = (typeof ACTION_ERROR_CODES)[number];
