/**
 * Escalation notifications: who is told when an alarm escalates (the `escalation` section of
 * `config/facility.yaml`), and what `GET /api/alarms/:id/notifications` reports about each message
 * sent — every attempt, its time and the receiver's answer. docs/contracts.md describes both.
 *
 * Secrets never live in the facility file: a robot's URL (it carries the access token), a signing
 * secret and the SMTP credentials are named by environment variable (`urlEnv`, `secretEnv`,
 * `SMTP_URL`), so the file can be shared, reviewed and committed as it is.
 *
 * @example
 * ```yaml
 * escalation:
 *   contacts:
 *     - { id: duty-manager, name: Duty manager (DingTalk), channel: dingtalk, urlEnv: VIGIL_DINGTALK_URL, secretEnv: VIGIL_DINGTALK_SECRET }
 *     - { id: site-director, channel: email, to: [director@example.com], fromLevel: 2 }
 *     - { id: sprinkler-contractor, channel: email, to: [service@sprinkler.example], classes: [supervisory, trouble] }
 * ```
 */
import { z } from 'zod';
import { ALARM_CLASSES } from './alarm.ts';
import { idSchema } from './observation.ts';

export const NOTIFY_CHANNELS = ['webhook', 'dingtalk', 'wecom', 'feishu', 'email'] as const;
export type NotifyChannel = (typeof NOTIFY_CHANNELS)[number];

const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name (A-Z, 0-9, _)');
const httpUrl = z.url({ error: 'must be a URL' }).refine((u) => /^https?:$/.test(new URL(u).protocol), { message: 'must start with http:// or https://' });

const common = {
  id: idSchema,
  /** Shown on the alarm's notification list; the id when absent. */
  name: z.string().min(1).max(120).optional(),
  /** The first escalation level this contact is told about (1 = every escalation). */
  fromLevel: z.number().int().min(1).default(1),
  /**
   * The NFPA 72 signal classes whose escalations this contact is told about; every class when
   * absent. A sprinkler contractor takes supervisory and trouble signals (a closed valve, a pump
   * fault), the fire brigade liaison only alarm signals. Messages that are not about an alarm (an
   * overdue corrective action) go to every contact their level reaches.
   */
  classes: z.array(z.enum(ALARM_CLASSES)).min(1).optional(),
};
/** Where an HTTP channel posts: the URL itself (no secret in it) or the variable that holds it. */
const urlFields = { url: httpUrl.optional(), urlEnv: envName.optional() };
const oneUrl = (c: { url?: string; urlEnv?: string }) => (c.url === undefined) !== (c.urlEnv === undefined);
const oneUrlMessage = { message: 'give exactly one of url and urlEnv (urlEnv when the URL carries a token)' };
/** Robots show text, or markdown (headings, bold); text is the default. */
const format = z.enum(['text', 'markdown']).default('text');

export const escalationContactSchema = z.discriminatedUnion('channel', [
  /** The generic JSON webhook: `{type: "vigil.alarm.escalated", …}` (docs/contracts.md). */
  z
    .object({ ...common, channel: z.literal('webhook'), ...urlFields })
    .strict()
    .refine(oneUrl, oneUrlMessage),
  /** DingTalk group robot; `secretEnv` names the "加签" signing secret when the robot has one. */
  z
    .object({ ...common, channel: z.literal('dingtalk'), ...urlFields, secretEnv: envName.optional(), format })
    .strict()
    .refine(oneUrl, oneUrlMessage),
  /** WeCom (企业微信) group robot: the key is in the URL, there is no signing. */
  z
    .object({ ...common, channel: z.literal('wecom'), ...urlFields, format })
    .strict()
    .refine(oneUrl, oneUrlMessage),
  /** Feishu / Lark custom bot; `secretEnv` names the signature secret when "signature verification" is on. */
  z
    .object({ ...common, channel: z.literal('feishu'), ...urlFields, secretEnv: envName.optional() })
    .strict()
    .refine(oneUrl, oneUrlMessage),
  /** E-mail through the server named by `SMTP_URL`. */
  z
    .object({
      ...common,
      channel: z.literal('email'),
      to: z.array(z.email({ error: 'must be an e-mail address' })).min(1),
      /** Sender address; default `SMTP_FROM`, else `vigil@<SMTP host>`. */
      from: z.email({ error: 'must be an e-mail address' }).optional(),
    })
    .strict(),
]);
export type EscalationContact = z.infer<typeof escalationContactSchema>;

export const escalationSchema = z
  .object({
    contacts: z.array(escalationContactSchema).default([]),
    /** A message not delivered within this long of the escalation is given up on and shown as failed. */
    giveUpAfterS: z.number().int().min(10).max(86_400).default(1800),
    /** …or after this many attempts, whichever comes first. */
    maxAttempts: z.number().int().min(1).max(50).default(10),
  })
  .strict();
export type EscalationSettings = z.infer<typeof escalationSchema>;

export const NOTIFICATION_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

/** One try at delivering a notification. */
export interface NotificationAttempt {
  /** 1, 2, … */
  n: number;
  at: number;
  ok: boolean;
  /** HTTP status, or the SMTP reply code; null when no answer came (refused, timed out). */
  status: number | null;
  /** What the receiver said: the response body's start, the robot's `errcode`/`code` and message, or the SMTP reply. */
  reply: string | null;
  /** Why the attempt counts as failed; null when it succeeded. */
  error: string | null;
}

/** One message to one contact about one escalation, as `GET /api/alarms/:id/notifications` lists it. */
export interface AlarmNotification {
  id: number;
  alarmId: string;
  /** The escalation level that caused it. */
  level: number;
  contactId: string;
  contactName: string;
  channel: NotifyChannel;
  /** Where it goes, without secrets: a robot URL's host and path (no token), or the e-mail recipients. */
  target: string;
  status: NotificationStatus;
  createdAt: number;
  /** Delivered or given up. */
  finishedAt: number | null;
  /** When the next attempt is due while pending (null: now, or being sent). */
  nextAttemptAt: number | null;
  attempts: NotificationAttempt[];
}

export interface AlarmNotificationsResponse {
  notifications: AlarmNotification[];
}
