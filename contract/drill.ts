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
  siteId: string;
  startedBy: string;
  startedAt: number;
  endedAt: number | null;
  state: 'running' | 'ended';
  expected: DrillExpectation[];
}

/** Targets a drill is scored against: NFPA 72 display within 10 s; critical acknowledged within 60 s. */
export const DRILL_TARGETS = { displayS: 10, criticalAckS: 60, ackS: 300 } as const;

export interface DrillReportItem {
  expectation: DrillExpectation;
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
}

/** `GET /api/drills/:id/report` */
export interface DrillReport {
  drill: Drill;
  items: DrillReportItem[];
  /** Drill alarms no expectation asked for. */
  unexpected: Alarm[];
  score: { expected: number; raised: number; missed: number; displayedInTime: number; ackedInTime: number; percent: number };
  targets: typeof DRILL_TARGETS;
}
