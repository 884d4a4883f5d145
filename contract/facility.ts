/**
 * The facility registry: sites → floors (with an SVG plan) → zones → sensors, as written in
 * `config/facility.yaml`, and the resolved shapes the server hands to every other part.
 *
 * @example
 * ```yaml
 * sites:
 *   - id: hq
 *     name: Admin Services Centre
 *     timezone: Asia/Shanghai
 *     floors:
 *       - id: canteen-1f
 *         name: Canteen, ground floor
 *         plan: plans/canteen-1f.svg
 *         zones:
 *           - id: kitchen
 *             name: Hot kitchen
 *             sensors:
 *               - { id: KIT-GAS-01, kind: gas, model: "Honeywell Sensepoint XCD", x: 120, y: 80 }
 * ```
 */
import { z } from 'zod';
import { SENSOR_KINDS, type SensorKind } from './device-kinds.ts';
import { escalationSchema } from './notification.ts';
import { TEXT_LANGUAGES, type TextLanguage } from './alarm-text.ts';
import { sourceSchema, type SourceBinding } from './bindings.ts';
import { gatewaySchema, type Gateway } from './gateway.ts';
import { cameraSchema, type Camera } from './camera.ts';
import { idSchema, type Unit } from './observation.ts';
import { doorReadersSchema, personSchema } from './presence.ts';

export { SENSOR_KINDS, type SensorKind } from './device-kinds.ts';

/** The unit each measuring kind reports in; a reading in another unit is rejected, not compared. */
export const KIND_UNITS: Record<SensorKind, Unit | null> = {
  gas: '%LEL',
  co: 'ppm',
  smoke: null,
  door: null,
  leak: null,
  waterflow: null,
  valve: null,
  pump: null,
  pressure: 'bar',
};

/** Gas-style thresholds (natural gas in %LEL, CO in ppm). */
export const thresholdsSchema = z
  .object({
    low: z.number().positive(),
    high: z.number().positive(),
    deadband: z.number().nonnegative(),
    lowOnDelayS: z.number().nonnegative(),
    highOnDelayS: z.number().nonnegative(),
    /** Rise of this much within `riseWindowS` while below `low` raises a pre-alarm. */
    riseRate: z.number().positive(),
    riseWindowS: z.number().positive(),
  })
  .strict();
export type Thresholds = z.infer<typeof thresholdsSchema>;

/** Settings that may be set per kind (defaults), per zone and per sensor; the nearest wins. */
export const sensorSettingsSchema = z
  .object({
    thresholds: thresholdsSchema.partial().optional(),
    /** Expected interval between messages; offline after 3 × this with nothing heard. */
    heartbeatS: z.number().int().positive().optional(),
    /** Doors: held open longer than this raises a supervisory alarm. */
    heldOpenS: z.number().int().positive().optional(),
    /**
     * Water-leak detectors: seconds the probe must have been wet (`leak`) before it raises the
     * alarm (default 0, at once), adding up across dry spells shorter than this (a probe flapping
     * in splashing water is still wet). The detectors debounce their probes themselves and water
     * spreads by the minute; set it where splashes or mopping wet a probe briefly.
     */
    leakOnDelayS: z.number().nonnegative().max(3600).optional(),
    /**
     * Water-flow switches: the retard (on-delay) in seconds, 0–90, as the switches themselves
     * offer: flow must last this long before the alarm, so a pressure surge that stirs the paddle
     * raises nothing. NFPA 72 limits the retard so that a discharge sounds within 90 s.
     */
    waterflowRetardS: z.number().int().min(0).max(90).optional(),
    /** Riser pressure (bar): below `low` or above `high` is a supervisory signal. */
    pressureLimits: z
      .object({ low: z.number().nonnegative(), high: z.number().positive() })
      .strict()
      .refine((l) => l.low < l.high, 'pressureLimits.low must be below high')
      .optional(),
    /**
     * Detectors: a self-test lasts at most this many seconds (default 120); after it, alarm
     * signals count again and the sensor raises `self_test_stuck` until the test ends.
     */
    selfTestMaxS: z.number().int().positive().max(3600).optional(),
    /** Battery below this percentage raises a low-priority trouble alarm. */
    batteryLowPct: z.number().min(0).max(100).optional(),
    /** Name of a schedule in `schedules:` when access is expected (doors). */
    schedule: z.string().optional(),
  })
  .strict();
export type SensorSettings = z.infer<typeof sensorSettingsSchema>;

/** A name in Chinese, shown to a viewer who chose 中文 (`name` otherwise, and in logs and exports). */
const nameZh = z.string().min(1).max(120).optional();

export const sensorSchema = sensorSettingsSchema
  .extend({
    id: idSchema,
    name: z.string().min(1).max(120),
    nameZh,
    kind: z.enum(SENSOR_KINDS),
    model: z.string().max(120).optional(),
    /** Position on the floor plan, in the SVG's viewBox units. */
    x: z.number(),
    y: z.number(),
    source: sourceSchema.optional(),
    /** Doors: the zone each badge reader leads into (docs/contracts.md#presence-in-hazard-zones); absent: its own zone. */
    readers: doorReadersSchema.optional(),
  })
  .strict();

export const zoneSchema = sensorSettingsSchema
  .extend({
    id: idSchema,
    name: z.string().min(1).max(120),
    nameZh,
    /** A secure zone (server room, cash office): a forced door there is critical. */
    secure: z.boolean().optional(),
    sensors: z.array(sensorSchema).default([]),
  })
  .strict();

export const floorSchema = z
  .object({
    id: idSchema,
    name: z.string().min(1).max(120),
    nameZh,
    /** SVG floor plan, relative to the facility file. */
    plan: z.string().min(1),
    /** The building the floor is in (a muster covers one building); absent: the site is one building. */
    building: z.string().min(1).max(120).optional(),
    /** The building's Chinese name (muster views in 中文); only beside `building`. */
    buildingZh: z.string().min(1).max(120).optional(),
    zones: z.array(zoneSchema).min(1),
  })
  .strict()
  .refine((f) => f.buildingZh === undefined || f.building !== undefined, { message: 'buildingZh needs building', path: ['buildingZh'] });

export const siteSchema = z
  .object({
    id: idSchema,
    name: z.string().min(1).max(120),
    nameZh,
    /** IANA time zone, e.g. Asia/Shanghai: schedules and displayed times use it. */
    timezone: z.string().min(1),
    /** Gateways installed at this site; ids are unique across gateways and sensors. */
    gateways: z.array(gatewaySchema).default([]),
    /** Cameras that verify alarms with snapshots (contract/camera.ts); ids are unique across cameras, gateways and sensors. */
    cameras: z.array(cameraSchema).optional(),
    floors: z.array(floorSchema).min(1),
    /** Which drill scenarios the site must hold, and how often (the safety report checks it). */
    drillPlan: z.lazy(() => drillPlanSchema).optional(),
    /** When the periodic safety reports are made, in the site's time zone (absent: the defaults). */
    safetyReports: z.lazy(() => safetyReportScheduleSchema).optional(),
  })
  .strict();

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'time must be HH:MM (24 h)');
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export const scheduleSchema = z
  .object({
    /** Windows when access is expected; `to` earlier than `from` runs past midnight. */
    windows: z.array(z.object({ days: z.array(z.enum(WEEKDAYS)).min(1), from: hhmm, to: hhmm }).strict()).min(1),
    /** Dates (YYYY-MM-DD, site time) when the schedule does not apply. */
    holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'holiday must be YYYY-MM-DD')).default([]),
  })
  .strict();
export type Schedule = z.infer<typeof scheduleSchema>;

/** How often a planned drill is due: one such calendar interval (site time) after the last one. */
export const DRILL_INTERVALS = ['week', 'month', 'quarter', 'half-year', 'year'] as const;
export type DrillInterval = (typeof DRILL_INTERVALS)[number];
export const drillPlanSchema = z.array(z.object({ scenario: z.string().min(1).max(64), every: z.enum(DRILL_INTERVALS) }).strict()).max(100);
export type DrillPlanItem = z.infer<typeof drillPlanSchema>[number];

const hhmmss = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/, 'time must be HH:MM or HH:MM:SS (24 h)');
/**
 * When each periodic safety report is made (site time): the weekly one on `day` at `time`, for the
 * last complete week (Monday 00:00 to Monday 00:00); the monthly one on day `day` of the month, for
 * the last complete month; `false` makes none. Defaults: Monday 07:00 and the 1st at 07:00.
 */
export const safetyReportScheduleSchema = z
  .object({
    week: z.union([z.literal(false), z.object({ day: z.enum(WEEKDAYS).default('mon'), time: hhmmss.default('07:00') }).strict()]).optional(),
    month: z.union([z.literal(false), z.object({ day: z.number().int().min(1).max(28).default(1), time: hhmmss.default('07:00') }).strict()]).optional(),
  })
  .strict();
export type SafetyReportSchedule = z.infer<typeof safetyReportScheduleSchema>;

export const facilityFileSchema = z
  .object({
    facility: z
      .object({
        name: z.string().min(1),
        nameZh,
        organisation: z.string().optional(),
        /** The language alarm messages and server notes are written in for notifications, logs and CSV (default `en`). */
        language: z.enum(TEXT_LANGUAGES).optional(),
      })
      .strict(),
    defaults: z.partialRecord(z.enum(SENSOR_KINDS), sensorSettingsSchema),
    schedules: z.record(z.string(), scheduleSchema).default({}),
    /** Standard operating procedures by alarm type: ordered steps for the duty officer. */
    sops: z.record(z.string(), z.array(z.string().min(1)).min(1)).default({}),
    /**
     * The same procedures in Chinese, shown to a viewer who chose 中文: a key of `sops` with as
     * many steps (a ticked step is kept by its number, in either language).
     */
    sopsZh: z.record(z.string(), z.array(z.string().min(1)).min(1)).optional(),
    /** Who is told when an alarm escalates (contract/notification.ts). */
    escalation: escalationSchema.optional(),
    /** Who holds which badges: presence lists show their names (contract/presence.ts). */
    people: z.array(personSchema).optional(),
    /** How far back a badge-in without a badge-out still counts as presence (default 12). */
    presenceWindowHours: z.number().positive().max(168).optional(),
    sites: z.array(siteSchema).min(1),
  })
  .strict();
export type FacilityFile = z.infer<typeof facilityFileSchema>;

/** A sensor with every setting resolved (kind defaults ← zone ← sensor). */
export interface Sensor {
  id: string;
  name: string;
  nameZh?: string;
  kind: SensorKind;
  model?: string;
  siteId: string;
  floorId: string;
  zoneId: string;
  secureZone: boolean;
  x: number;
  y: number;
  unit: Unit | null;
  thresholds: Thresholds | null;
  heartbeatS: number;
  heldOpenS: number | null;
  /** Leak detectors: the resolved on-delay (default 0); null for other kinds. */
  leakOnDelayS: number | null;
  /** Water-flow switches: the resolved retard in seconds (default 0); absent for other kinds. */
  waterflowRetardS?: number;
  /** Pressure sensors: the supervisory limits in bar; absent for other kinds. */
  pressureLimits?: { low: number; high: number };
  batteryLowPct: number;
  /** The resolved self-test limit; absent means the default (120 s). */
  selfTestMaxS?: number;
  schedule: string | null;
  source: SourceBinding;
}

export interface Zone {
  id: string;
  name: string;
  nameZh?: string;
  siteId: string;
  floorId: string;
  secure: boolean;
  sensorIds: string[];
}
export interface Floor {
  id: string;
  name: string;
  nameZh?: string;
  siteId: string;
  /** URL the dashboard loads the SVG plan from. */
  planUrl: string;
  zones: Zone[];
}
export interface Site {
  id: string;
  name: string;
  nameZh?: string;
  timezone: string;
  floors: Floor[];
  drillPlan?: DrillPlanItem[];
  safetyReports?: SafetyReportSchedule;
}

/** What `GET /api/facility` returns. */
export interface Facility {
  name: string;
  nameZh?: string;
  organisation?: string;
  /** The facility file's `facility.language`: what `Alarm.message` and server notes are written in (absent: `en`). */
  language?: TextLanguage;
  sites: Site[];
  sensors: Sensor[];
  /** Every site's gateways (absent: none). */
  gateways?: Gateway[];
  /** Every site's verification cameras (absent: none). */
  cameras?: Camera[];
  schedules: Record<string, Schedule>;
  sops: Record<string, string[]>;
  /** `sops` in Chinese, where the facility file gives them (same keys, as many steps). */
  sopsZh?: Record<string, string[]>;
}

/** Live state of one sensor, as `GET /api/sensors` returns it. */
export interface SensorState {
  sensorId: string;
  lastSeen: number | null;
  lastValue: number | null;
  lastEvent: string | null;
  online: boolean | null;
  battery: number | null;
  rssi: number | null;
}
