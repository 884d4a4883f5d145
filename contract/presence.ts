/**
 * Presence in hazard zones: who badged into a zone within the presence window and has not badged
 * out, from door events with a credential (docs/contracts.md#presence-in-hazard-zones). Names come from the
 * facility file's `people`; a badge nobody is mapped to is shown masked (`maskBadge`).
 *
 * @example `GET /api/presence?site=hq&zone=hot-kitchen`
 * ```json
 * {"siteId": "hq", "zoneId": "hot-kitchen", "at": 1764240000000, "windowHours": 12,
 *  "people": [{"key": "person:wang-wei", "name": "Wang Wei", "badge": "••••4411", "siteId": "hq",
 *              "zoneId": "hot-kitchen", "since": 1764236400000, "doorId": "CAN-DR-BACK"}]}
 * ```
 */
import { z } from 'zod';
import { idSchema } from './observation.ts';

/** Presence window when the facility file sets none: a long shift. */
export const DEFAULT_PRESENCE_WINDOW_HOURS = 12;
/** The zone a door reader leads into when it leads out of every zone (the street, the yard). */
export const OUTSIDE = 'outside';

/** Which reader of a door read the badge: the one a person meets going in, or going out. */
export const READER_SIDES = ['in', 'out'] as const;
export type ReaderSide = (typeof READER_SIDES)[number];

export { MUSTER_CONDITIONS, PRESENCE_CONDITIONS } from './condition-sets.ts';

/**
 * The badge id as people see it: its last four characters only, so a screen, a notification or a
 * log line never carries a credential that could be cloned.
 */
export function maskBadge(credential: string): string {
  const c = credential.trim();
  return c.length <= 4 ? '•'.repeat(Math.max(c.length, 1)) : `••••${c.slice(-4)}`;
}

/** `people:` in the facility file: who holds which badges. */
export const personSchema = z
  .object({
    id: idSchema,
    name: z.string().min(1).max(120),
    nameZh: z.string().min(1).max(120).optional(),
    credentials: z.array(z.string().trim().min(1).max(128)).min(1),
  })
  .strict();
export type Person = z.infer<typeof personSchema>;

/** A door's readers: the zone each one leads into (`outside`: out of every zone). */
export const doorReadersSchema = z
  .object({ in: idSchema.optional(), out: idSchema.optional() })
  .strict()
  .refine((r) => r.in !== undefined || r.out !== undefined, { message: 'readers needs in, out or both' });
export type DoorReaders = z.infer<typeof doorReadersSchema>;

/** One person (or unmapped badge) presumed in a zone. */
export interface PresentPerson {
  /** Stable key: `person:<id>` for a mapped badge, `badge:<hash>` otherwise (muster ticks use it). */
  key: string;
  /** Absent for a badge the facility file maps to nobody. */
  name?: string;
  nameZh?: string;
  /** The masked badge id (maskBadge). */
  badge: string;
  siteId: string;
  zoneId: string;
  /** When they badged in. */
  since: number;
  /** The door they badged in at. */
  doorId: string;
}

/** `GET /api/presence?site=&zone=` (zone optional: the whole site). */
export interface PresenceResponse {
  siteId: string;
  zoneId: string | null;
  at: number;
  windowHours: number;
  people: PresentPerson[];
}

export const presenceQuerySchema = z.object({ site: idSchema, zone: idSchema.optional() }).strict();

/** `GET /api/presence/alarms/:id`: who was presumed in the alarm's zone when it was raised. */
export interface AlarmPresence {
  alarmId: string;
  siteId: string;
  zoneId: string;
  /** When the list was taken: the alarm's raise. */
  at: number;
  windowHours: number;
  people: PresentPerson[];
}

/** `GET /api/presence/alarms/:id`: null when the alarm took no list (not a hazard alarm, or raised before presence existed). */
export interface AlarmPresenceResponse {
  presence: AlarmPresence | null;
}

/** One line of a muster: a person presumed inside the building, and whether they were accounted for. */
export interface MusterPerson extends PresentPerson {
  accountedAt: number | null;
  accountedBy: string | null;
}

/** `GET /api/muster/:alarmId`: everyone presumed inside the building of a fire alarm when it was raised. */
export interface MusterResponse {
  alarmId: string;
  drill: string | null;
  siteId: string;
  building: string;
  /** The building's Chinese name from the facility file (`buildingZh`, or the site's `nameZh` for a one-building site). */
  buildingZh?: string;
  /** The alarm's raise: the muster's start. */
  startedAt: number;
  people: MusterPerson[];
  /** When the last person was ticked off; null while someone is unaccounted for (or nobody was listed). */
  allAccountedAt: number | null;
}

/** `POST /api/muster/:alarmId/accounted` */
export const musterTickSchema = z.object({ key: z.string().min(1).max(80) }).strict();
export type MusterTick = z.infer<typeof musterTickSchema>;

/** A drill report's muster figure: how long accounting for everyone took. */
export interface MusterSummary {
  alarmId: string;
  building: string;
  buildingZh?: string;
  people: number;
  accounted: number;
  startedAt: number;
  /** Seconds from the alarm to the last tick; null while someone is unaccounted for. */
  timeToAccountS: number | null;
}
