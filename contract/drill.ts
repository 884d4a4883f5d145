/**
 * Emergency drills: a drill runs a scenario through the simulator; everything it sends
 * carries the drill id; its alarms are labelled DRILL and kept out of real statistics; when it
 * ends, a report scores what fired, how fast it was displayed and acknowledged, what was missed.
 *
 * @example `POST /api/drills {"scenario": "canteen-gas-leak", "siteId": "hq", "run": true}`
 */
import { z } from 'zod';
import { idSchema } from './observation.ts';
import { CONDITIONS, PRIORITIES, type Alarm } from './alarm.ts';

/** An alarm a scenario expects Vigil to raise. */
export const drillExpectationSchema = z
  .object({
    sensorId: idSchema.optional(),
    zoneId: idSchema.optional(),
    condition: z.enum(CONDITIONS),
    priority: z.enum(PRIORITIES).optional(),
    /** Seconds from the drill start by which the alarm should have been raised (scenario time). */
    withinS: z.number().positive().optional(),
  })
  .strict()
  .refine((e) => e.sensorId !== undefined || e.zoneId !== undefined, { message: 'an expectation names a sensorId or a zoneId' });
export type DrillExpectation = z.infer<typeof drillExpectationSchema>;

/**
 * Scenario seconds per real second a drill may be run at; a scenario offers those up to its own
 * `maxSpeed` (the server's timers run in real time: faster, its expected alarms would be missed).
 */
export const DRILL_SPEEDS = [1, 2, 5, 10] as const;

/** The note on the event that closes a drill's open alarms when the drill ends. */
export const DRILL_ENDED_NOTE = 'drill ended';

export const DRILL_ID_PATTERN = /^drill-[A-Za-z0-9_.-]{1,58}$/;

/** `POST /api/drills`: register a drill run by the CLI (`id` given), or start one here (`run: true`). */
export const drillStartBodySchema = z
  .object({
    id: z.string().regex(DRILL_ID_PATTERN, 'drill id must look like drill-<letters, digits, _ . ->').optional(),
    scenario: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'scenario name must be lower-case letters, digits and -'),
    siteId: idSchema,
    expected: z.array(drillExpectationSchema).max(500).optional(),
    /** Seconds of scenario time per real second (the simulator's --speed). */
    speed: z.number().min(1).max(100).optional(),
    run: z.boolean().default(false),
  })
  .strict();
export type DrillStartBody = z.infer<typeof drillStartBodySchema>;

export interface Drill {
  id: string;
  scenario: string;
  /** The scenario's title (its name when the server has no file for it). */
  title: string;
  /** The scenario file's Chinese title, looked up when the drill is read (not stored with it). */
  titleZh?: string;
  /** Scenario seconds per real second it was run at. */
  speed: number;
  siteId: string;
  startedBy: string;
  startedAt: number;
  endedAt: number | null;
  state: 'running' | 'ended';
  expected: DrillExpectation[];
}

/** A note for the drill coordinator, shown when the scenario reaches it. */
export interface DrillNote {
  /** Scenario seconds from the start. */
  at: number;
  text: string;
  /** The step's `noteZh`, shown to a viewer who chose 中文. */
  textZh?: string;
}

// Kept in alarm-text.ts, which has no zod: the dashboard imports it from there.
export { textIn } from './alarm-text.ts';

/** A scenario the dashboard may start, as `GET /api/drills` lists it. */
export interface DrillScenario {
  name: string;
  title: string;
  titleZh?: string;
  /** The site whose sensors the scenario plays: a drill of it runs there and nowhere else. */
  siteId: string;
  /** The speeds it may be run at (DRILL_SPEEDS up to its `maxSpeed`). */
  speeds: number[];
  /** Scenario seconds. */
  durationS: number;
  notes: DrillNote[];
}

/** `GET /api/drills` */
export interface DrillListResponse {
  drills: Drill[];
  scenarios: DrillScenario[];
}

/** Targets a drill is scored against: NFPA 72 display within 10 s; critical acknowledged within 60 s. */
export const DRILL_TARGETS = { displayS: 10, criticalAckS: 60, ackS: 300 } as const;

/**
 * An expected alarm: `raised`; `missed` when its time (`withinS` at the drill's speed) passed
 * without it; `pending` while the drill runs and its time has not come; `not_played` when the drill
 * ended before its time.
 */
export type DrillItemOutcome = 'raised' | 'missed' | 'pending' | 'not_played';
/** The acknowledgement of a raised alarm, judged the same way against its target. */
export type DrillAckOutcome = 'in_time' | 'late' | 'not_acked' | 'pending' | 'not_played';

export interface DrillReportItem {
  expectation: DrillExpectation;
  outcome: DrillItemOutcome;
  /** When the alarm was due at the latest (drill start + `withinS` ÷ speed); null without `withinS`. */
  dueAt: number | null;
  raised: boolean;
  alarm: Alarm | null;
  /** Device time of the drill observation that triggered the alarm (from history). */
  triggerAt: number | null;
  /** Raised and pushed to the consoles. */
  displayedAt: number | null;
  displayS: number | null;
  ackedBy: string | null;
  ackS: number | null;
  resolvedS: number | null;
  displayOk: boolean;
  ackOk: boolean;
  /** Null when not raised. */
  ack: DrillAckOutcome | null;
  /** The alarm was still open when the drill ended, and closed with it ("drill ended"). */
  closedByDrillEnd: boolean;
}

/** The report line of an expected alarm that was not raised: missed, still pending, or never played. */
export function unraisedItem(expectation: DrillExpectation, outcome: Exclude<DrillItemOutcome, 'raised'>, dueAt: number | null): DrillReportItem {
  return {
    expectation,
    outcome,
    dueAt,
    raised: false,
    alarm: null,
    triggerAt: null,
    displayedAt: null,
    displayS: null,
    ackedBy: null,
    ackS: null,
    resolvedS: null,
    displayOk: false,
    ackOk: false,
    ack: null,
    closedByDrillEnd: false,
  };
}

/** `GET /api/drills/:id/report` */
export interface DrillReport {
  drill: Drill;
  items: DrillReportItem[];
  /** Drill alarms no expectation asked for. */
  unexpected: Alarm[];
  /**
   * Points: raised, displayed in time, acknowledged in time, each judged only once it can be (an
   * alarm not played or still pending, an acknowledgement whose target has not passed, score
   * nothing either way). `percent` is of the points judged; null while none is.
   */
  score: {
    expected: number;
    raised: number;
    missed: number;
    pending: number;
    notPlayed: number;
    displayedInTime: number;
    ackedInTime: number;
    /** Raised alarms whose acknowledgement is judged (in time, late or not acknowledged). */
    acksJudged: number;
    percent: number | null;
  };
  targets: typeof DRILL_TARGETS;
  /** The musters of the drill's fire alarms: how long accounting for everyone took (contract/presence.ts). */
  musters?: import('./presence.ts').MusterSummary[];
  /** The drill's alarms by NFPA 72 signal class, and its sprinkler signals; absent on reports made before. */
  signals?: DrillSignalCounts;
}

/**
 * How many of a drill's alarms were of each signal class, and how many were sprinkler signals:
 * water flow (an alarm signal) and control valves not fully open (supervisory).
 *
 * @example `{"byClass": {"alarm": 3, "supervisory": 1, "trouble": 0}, "waterflow": 1, "valve": 1}`
 */
export interface DrillSignalCounts {
  byClass: Record<import('./alarm.ts').AlarmClass, number>;
  waterflow: number;
  valve: number;
}
