/**
 * Shift handover: the outgoing officer opens a handover for a site, Vigil lists what the next
 * shift inherits (standing, shelved and out-of-service items, open corrective actions, running
 * drills, link trouble), the officer decides for every shelved alarm whether it is carried over or
 * unshelved, adds notes and signs; another officer accepts it, with remarks or without. From the
 * outgoing signature on, the list is kept as it was then (docs/contracts.md#shift-handover).
 *
 * @example `POST /api/handovers {"siteId": "hq", "notes": "kitchen detector being cleaned"}`
 */
import { z } from 'zod';
import type { AlarmState, Condition, Priority, Shelf } from './alarm.ts';
import { idSchema } from './observation.ts';

/** `open`: being prepared, its list is live; `handed_over`: signed by the outgoing officer, waiting; `accepted`: signed by the incoming one. */
export const HANDOVER_STATES = ['open', 'handed_over', 'accepted'] as const;
export type HandoverState = (typeof HANDOVER_STATES)[number];

/** What the outgoing officer decided for a shelved alarm: it stays shelved into the next shift, or it is unshelved now. */
export const SHELVED_DECISIONS = ['carry', 'unshelve'] as const;
export type ShelvedDecision = (typeof SHELVED_DECISIONS)[number];

/** An open alarm as the next shift inherits it. */
export interface HandoverAlarmItem {
  alarmId: string;
  sensorId: string;
  sensorName: string;
  zoneId: string;
  condition: Condition;
  priority: Priority;
  state: AlarmState;
  raisedAt: number;
  message: string;
}

/** A shelved alarm; `decision` is null until the outgoing officer decides (the handover cannot be signed before). */
export interface HandoverShelvedItem extends HandoverAlarmItem {
  shelf: Shelf;
  decision: ShelvedDecision | null;
}

/** A sensor out of service (maintenance): it raises no alarms while it is. */
export interface HandoverOutOfServiceItem {
  sensorId: string;
  sensorName: string;
  since: number;
  until: number | null;
  by: string;
  reason: string;
}

/** An open corrective action. */
export interface HandoverActionItem {
  id: string;
  title: string;
  assignee: string | null;
  dueAt: number | null;
  /** Its status (open, in progress, fixed: awaiting verification). */
  state: string;
  overdue: boolean;
}

/** A drill still running at the site. */
export interface HandoverDrillItem {
  id: string;
  title: string;
  startedBy: string;
  startedAt: number;
}

/**
 * Trouble on the links that bring data in or keep it: the MQTT broker unreachable, InfluxDB not
 * accepting writes (readings wait in the outbox), a gateway offline (its sensors unsupervised).
 */
export interface HandoverLinkItem {
  kind: 'broker' | 'storage' | 'gateway';
  /** The gateway's id; `broker` / `storage` for the server's own links. */
  id: string;
  /** Since when, where known (a gateway's offline alarm). */
  since: number | null;
  detail: string;
}

/** What the next shift inherits, as of `takenAt`. */
export interface HandoverSnapshot {
  takenAt: number;
  standing: HandoverAlarmItem[];
  shelved: HandoverShelvedItem[];
  outOfService: HandoverOutOfServiceItem[];
  actions: HandoverActionItem[];
  drills: HandoverDrillItem[];
  links: HandoverLinkItem[];
}

/**
 * One handover. While `open` its snapshot is taken afresh on every read; from the outgoing
 * signature on it is the one stored then.
 *
 * @example `{"id": "ho_mii8k0_1a2b", "siteId": "hq", "state": "handed_over", "handedOverBy": "officer.li", ...}`
 */
export interface Handover {
  id: string;
  siteId: string;
  state: HandoverState;
  openedAt: number;
  openedBy: string;
  /** The outgoing officer's notes. */
  notes: string;
  handedOverAt: number | null;
  handedOverBy: string | null;
  acceptedAt: number | null;
  acceptedBy: string | null;
  /** The incoming officer's remarks; null when accepted without. */
  remarks: string | null;
  snapshot: HandoverSnapshot;
}

const text = (max: number) => z.string().trim().max(max);

/** `POST /api/handovers` @example `{"siteId": "hq", "notes": "gas valve in the canteen replaced at 14:00"}` */
export const handoverOpenBodySchema = z.object({ siteId: idSchema, notes: text(4000).optional() }).strict();
export type HandoverOpenBody = z.infer<typeof handoverOpenBodySchema>;

/**
 * `POST /api/handovers/:id/sign` (outgoing officer): one decision for every shelved alarm the
 * handover lists; `notes`, when given, replaces the notes.
 * @example `{"notes": "all quiet", "shelved": [{"alarmId": "al_mii8k0_1", "decision": "carry"}]}`
 */
export const handoverSignBodySchema = z
  .object({
    notes: text(4000).optional(),
    shelved: z
      .array(z.object({ alarmId: z.string().min(1).max(120), decision: z.enum(SHELVED_DECISIONS) }).strict())
      .max(1000)
      .default([]),
  })
  .strict();
export type HandoverSignBody = z.infer<typeof handoverSignBodySchema>;

/** `POST /api/handovers/:id/accept` (incoming officer, not the one who handed over) @example `{"remarks": "door 3 to be checked first"}` */
export const handoverAcceptBodySchema = z.object({ remarks: text(4000).optional() }).strict();
export type HandoverAcceptBody = z.infer<typeof handoverAcceptBodySchema>;

/** `GET /api/handovers?site=&limit=`: newest first. */
export interface HandoverListResponse {
  handovers: Handover[];
}

/**
 * Why a handover action was refused. NOT_FOUND 404; CONFLICT 409 (the site has a handover not yet
 * accepted); INVALID_TRANSITION 409 (signed or accepted already, or not yet signed);
 * SHELVED_UNDECIDED 409 (`details.alarmIds`: shelved alarms with no decision); SAME_OFFICER 403
 * (the officer who handed over cannot accept); BAD_REQUEST 400 (an unknown site).
 */
export const HANDOVER_ERROR_CODES = ['NOT_FOUND', 'CONFLICT', 'INVALID_TRANSITION', 'SHELVED_UNDECIDED', 'SAME_OFFICER', 'BAD_REQUEST'] as const;
export type HandoverErrorCode = (typeof HANDOVER_ERROR_CODES)[number];

// Kept in a module without zod, which the dashboard imports instead of this one.
export { itemsCarriedOver } from './handover-items.ts';

/** Handover figures over a period, for the periodic safety report. */
export interface HandoverCounts {
  siteId: string | null;
  from: number;
  to: number;
  /** Handovers the outgoing officer signed in the period. */
  handedOver: number;
  /** Of those, accepted (with or without remarks) and with remarks. */
  accepted: number;
  acceptedWithRemarks: number;
  /** Items the next shift inherited, summed over those handovers (shelved alarms only when carried). */
  itemsCarriedOver: number;
  /** Shelved alarms carried over (not unshelved) at handover. */
  shelvedCarriedOver: number;
}
