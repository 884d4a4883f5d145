/**
 * Actions on an alarm or an incident (acknowledge, comment, assign, shelve, reset, resolve, tick a
 * procedure step): the body each `POST /api/alarms/:id/:action` takes, and why one is refused.
 */
import { z } from 'zod';
import { CAUSE_CATEGORIES } from './alarm-constants.ts';

export { CAUSE_CATEGORIES, type CauseCategory } from './alarm-constants.ts';

const note = z.string().trim().max(2000);

/** `POST /api/alarms/:id/ack` @example `{"note": "on my way"}` */
export const ackBodySchema = z.object({ note: note.optional() }).strict();
/** `POST /api/alarms/:id/comment` @example `{"text": "valve closed by kitchen staff"}` */
export const commentBodySchema = z.object({ text: z.string().trim().min(1, 'text is required').max(4000) }).strict();
/** `POST /api/alarms/:id/assign` @example `{"to": "wang.lei"}` */
export const assignBodySchema = z.object({ to: z.string().trim().min(1, 'assignee is required').max(120) }).strict();
/** `POST /api/alarms/:id/shelve` (duration limited by role, default 8 h) @example `{"durationS": 3600, "reason": "detector chattering, technician called"}` */
export const shelveBodySchema = z
  .object({
    durationS: z.number().int('durationS must be whole seconds').positive('durationS must be positive'),
    reason: z.string().trim().min(1, 'a reason is required').max(500),
  })
  .strict();
/** `POST /api/alarms/:id/unshelve` @example `{}` */
export const unshelveBodySchema = z.object({ note: note.optional() }).strict();
/** `POST /api/alarms/:id/reset` (latching alarms, after acknowledgement, condition normal) @example `{}` */
export const resetBodySchema = z.object({ note: note.optional() }).strict();

/**
 * `POST /api/alarms/:id/resolve`
 * @example `{"causeCategory": "equipment_fault", "cause": "hose clamp loose", "correctiveAction": "clamp replaced, line leak-tested"}`
 */
export const resolveBodySchema = z
  .object({
    causeCategory: z.enum(CAUSE_CATEGORIES),
    cause: z.string().trim().min(1, 'cause is required').max(2000),
    correctiveAction: z.string().trim().min(1, 'correctiveAction is required').max(2000),
  })
  .strict();

/**
 * `POST /api/alarms/:id/sop_step`: tick (or untick) step `step` (0-based) of the alarm's procedure;
 * the tick is an event in the alarm's history, time-stamped by the server.
 * @example `{"step": 0, "done": true}`
 */
export const sopStepBodySchema = z.object({ step: z.number().int().min(0).max(99), done: z.boolean() }).strict();

/**
 * Body schema per action, for the router's `POST /api/alarms/:id/:action` (and incidents).
 *
 * @example `const body = ACTION_BODY_SCHEMAS[type].parse(req.body); const action = { type, ...body } as AlarmAction;`
 */
export const ACTION_BODY_SCHEMAS = {
  ack: ackBodySchema,
  comment: commentBodySchema,
  assign: assignBodySchema,
  shelve: shelveBodySchema,
  unshelve: unshelveBodySchema,
  reset: resetBodySchema,
  resolve: resolveBodySchema,
  sop_step: sopStepBodySchema,
} as const;
export type AlarmActionType = keyof typeof ACTION_BODY_SCHEMAS;
/** @example `if (!ALARM_ACTION_TYPES.includes(req.params.action)) return notFound();` */
export const ALARM_ACTION_TYPES = Object.keys(ACTION_BODY_SCHEMAS) as AlarmActionType[];

/**
 * An action on an alarm or an incident: the parsed body plus its type.
 *
 * @example `const action: AlarmAction = { type: 'shelve', durationS: 900, reason: 'cleaning' };`
 */
export type AlarmAction = {
  [K in AlarmActionType]: { type: K } & z.infer<(typeof ACTION_BODY_SCHEMAS)[K]>;
}[AlarmActionType];

/**
 * Why an action was refused. Suggested HTTP statuses: NOT_FOUND 404; INVALID_TRANSITION and
 * CONDITION_ACTIVE 409 (the alarm is not in a state that allows it); SHELVE_TOO_LONG and
 * REASON_REQUIRED 400.
 *
 * @example `{"error": {"code": "CONDITION_ACTIVE", "message": "the condition is still present"}}`
 */
export const ALARM_ERROR_CODES = ['NOT_FOUND', 'INVALID_TRANSITION', 'CONDITION_ACTIVE', 'SHELVE_TOO_LONG', 'REASON_REQUIRED'] as const;
export type AlarmErrorCode = (typeof ALARM_ERROR_CODES)[number];
