/**
 * The scenario file format (`simulator/scenarios/<name>.yaml`), validated on load. A scenario is
 * a list of timed steps played on top of normal traffic, and the alarms Vigil is expected to
 * raise. Times are scenario seconds from the scenario's start; `--speed` compresses them.
 *
 * @example
 * ```yaml
 * name: door-propped-open
 * title: Fire exit propped open
 * titleZh: 消防出口被撑开
 * description: Someone wedges the guesthouse fire exit open.
 * site: lodging
 * maxSpeed: 2          # the server's held-open timer runs in real time
 * steps:
 *   - { at: 5, sensor: GH-1F-DR-EXIT, event: { type: open } }
 *   - { at: 150, sensor: GH-1F-DR-EXIT, event: { type: closed } }
 * expect:
 *   - { sensor: GH-1F-DR-EXIT, condition: door_held, priority: medium, within: 80 }
 * ```
 */
import { z } from 'zod';
import { CONDITIONS, EVENT_TYPES, PRIORITIES, SENSOR_KINDS, UNITS, idSchema } from '../../../contract/index.ts';

const seconds = z.number().nonnegative();
const positiveSeconds = z.number().positive();

/** Which sensors a step or an expectation is about: exactly one of sensor, sensors, zone, site. */
const selectorShape = {
  sensor: idSchema.optional(),
  sensors: z.array(idSchema).min(1).optional(),
  zone: idSchema.optional(),
  site: idSchema.optional(),
  /** Narrows a zone or site (or a sensor list) to one kind. */
  kind: z.enum(SENSOR_KINDS).optional(),
};
export const SELECTOR_KEYS = ['sensor', 'sensors', 'zone', 'site'] as const;
export type Selector = { [K in keyof typeof selectorShape]?: z.infer<(typeof selectorShape)[K]> };

/** A ramp of values over time; it then holds its last value until the next ramp or the end. */
export const rampSchema = z
  .object({
    /** Start value; default: where the previous ramp of this sensor ended, else the quiet baseline. */
    from: z.number().nonnegative().optional(),
    to: z.number().nonnegative(),
    over: positiveSeconds,
    /** Seconds between samples (also while holding). */
    every: positiveSeconds.default(2),
    /** Standard deviation of measurement noise added to each sample. */
    noise: z.number().nonnegative().default(0),
    /** `value`: readings (gas/CO, smoke obscuration); `battery`: status battery %. */
    of: z.enum(['value', 'battery']).default('value'),
    /** Reading unit; default: the sensor kind's (%LEL, ppm); smoke obscuration needs `%obs/m`. */
    unit: z.enum(UNITS).optional(),
  })
  .strict();

export const eventStepSchema = z
  .object({
    type: z.enum(EVENT_TYPES),
    credential: z.string().max(128).optional(),
    /** Credentials to cycle through when `count` > 1 (badge probing). */
    credentials: z.array(z.string().max(128)).min(1).optional(),
    detail: z.string().max(512).optional(),
    count: z.number().int().positive().default(1),
    every: positiveSeconds.default(5),
  })
  .strict();

export const statusStepSchema = z
  .object({ online: z.boolean().optional(), battery: z.number().min(0).max(100).optional(), rssi: z.number().min(-150).max(0).optional() })
  .strict()
  .refine((s) => s.online !== undefined || s.battery !== undefined || s.rssi !== undefined, 'status needs online, battery or rssi');

export const ACTIONS = ['ramp', 'reading', 'event', 'status', 'silence', 'disconnect', 'resume'] as const;
export type Action = (typeof ACTIONS)[number];

export const stepSchema = z
  .object({
    at: seconds,
    /** Shown to the drill coordinator when the step is reached (the simulator's log; the dashboard's running-drill banner). */
    note: z.string().min(1).max(300).optional(),
    /** The note in Chinese, shown instead to a dashboard viewer who chose 中文 (only beside `note`). */
    noteZh: z.string().min(1).max(300).optional(),
    ...selectorShape,
    /** Seconds over which the selected sensors act one after another (in registry order). */
    spread: seconds.optional(),
    ramp: rampSchema.optional(),
    reading: z
      .object({ value: z.number().nonnegative(), unit: z.enum(UNITS).optional() })
      .strict()
      .optional(),
    event: eventStepSchema.optional(),
    status: statusStepSchema.optional(),
    /** Stop all of the sensor's traffic (it goes quiet; the watchdog notices after 3 × heartbeatS). */
    silence: z.literal(true).optional(),
    /** Drop the device off the network: its connection is cut and the broker publishes its last will. */
    disconnect: z.literal(true).optional(),
    /** Hand the sensor back to normal operations (after silence or disconnect it reconnects). */
    resume: z.literal(true).optional(),
  })
  .strict()
  .superRefine((step, ctx) => {
    const actions = ACTIONS.filter((a) => step[a] !== undefined);
    const selectors = SELECTOR_KEYS.filter((k) => step[k] !== undefined);
    if (actions.length > 1) ctx.addIssue({ code: 'custom', message: `a step does one thing: found ${actions.join(', ')}` });
    if (actions.length === 0 && step.note === undefined)
      ctx.addIssue({ code: 'custom', message: `a step needs one of ${ACTIONS.join(', ')} (or only a note)` });
    if (actions.length === 1 && selectors.length !== 1) ctx.addIssue({ code: 'custom', message: 'a step needs exactly one of sensor, sensors, zone, site' });
    if (actions.length === 0 && selectors.length > 0) ctx.addIssue({ code: 'custom', message: 'a note-only step selects no sensors' });
    if (step.noteZh !== undefined && step.note === undefined) ctx.addIssue({ code: 'custom', message: 'noteZh translates a note: the step has none' });
  });

/**
 * An alarm Vigil should raise, at one sensor or in one zone. (The server reads `sensor` / `zone`,
 * `condition`, `priority` and `within` from these files to score drills started from the dashboard.)
 */
export const expectationSchema = z
  .object({
    sensor: idSchema.optional(),
    zone: idSchema.optional(),
    /** Narrows a zone to one kind of sensor. */
    kind: z.enum(SENSOR_KINDS).optional(),
    condition: z.enum(CONDITIONS),
    /** The alarm reaches at least this priority (a gas alarm raised as high and raised to critical counts as critical). */
    priority: z.enum(PRIORITIES),
    /** Raised no later than this many scenario seconds after the start. */
    within: positiveSeconds,
    /** This many alarms (distinct sensors) in the zone. */
    count: z.number().int().positive().default(1),
    note: z.string().max(300).optional(),
  })
  .strict()
  .refine((e) => (e.sensor === undefined) !== (e.zone === undefined), 'an expectation needs exactly one of sensor, zone');

export const scenarioSchema = z
  .object({
    /** Equal to the file name without `.yaml`; used in drill ids. */
    name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'name must be 1-40 lower-case letters, digits or "-"'),
    title: z.string().min(1).max(120),
    /** The title in Chinese (the dashboard in 中文, the zh safety report). */
    titleZh: z.string().min(1).max(120).optional(),
    description: z.string().min(1).max(2000),
    site: idSchema,
    /** Scenario seconds; default: 30 s after the last step. */
    duration: positiveSeconds.optional(),
    /**
     * The highest `--speed` at which the expectations still hold. The server's timers (on-delays,
     * held-open, offline watchdog) run in real time: compressing a scenario shortens what the
     * server sees, so a faster run would miss those alarms. The dashboard offers the drill speeds
     * (DRILL_SPEEDS, contract/drill.ts) up to this one, and the server refuses any other.
     */
    maxSpeed: z.number().positive().optional(),
    steps: z.array(stepSchema).min(1),
    expect: z.array(expectationSchema).min(1),
  })
  .strict();

export type Ramp = z.infer<typeof rampSchema>;
export type EventStep = z.infer<typeof eventStepSchema>;
export type Step = z.infer<typeof stepSchema>;
export type Expectation = z.infer<typeof expectationSchema>;
export type Scenario = z.infer<typeof scenarioSchema>;
