/**
 * The periodic safety report: one site, one week or month (site time), with the figures a safety
 * manager signs: alarms by type and zone against the period before, escalations, the alarm KPIs,
 * drills held against the site's drill plan, corrective actions, handovers, sensor availability
 * and troubles, sensors out of service. Made on a schedule (facility file `safetyReports`), kept,
 * listed and announced through the notification channels; also made on demand.
 *
 * @example `GET /api/reports/safety?site=hq&period=week&at=2026-11-25T00:00:00+08:00`
 */
import { z } from 'zod';
import { queryTime } from './api.ts';
import type { DrillInterval } from './facility.ts';

export const SAFETY_REPORT_PERIODS = ['week', 'month'] as const;
export type SafetyReportPeriod = (typeof SAFETY_REPORT_PERIODS)[number];
export const SAFETY_REPORT_LANGS = ['en', 'zh'] as const;
export type SafetyReportLang = (typeof SAFETY_REPORT_LANGS)[number];
export const SAFETY_REPORT_FORMATS = ['json', 'html', 'pdf'] as const;

/**
 * `GET /api/reports/safety`: `at` is any instant in the wanted period (default: the last complete
 * one); `format` json (default), html (printable) or pdf.
 */
export const safetyReportQuerySchema = z
  .object({
    site: z.string().min(1).max(64),
    period: z.enum(SAFETY_REPORT_PERIODS).default('week'),
    at: queryTime.optional(),
    lang: z.enum(SAFETY_REPORT_LANGS).default('en'),
    format: z.enum(SAFETY_REPORT_FORMATS).default('json'),
  })
  .strict();
export type SafetyReportQuery = z.infer<typeof safetyReportQuerySchema>;

/** A figure of this period beside the one before; `percent` is null when the one before was 0. */
export interface Trend {
  current: number;
  previous: number;
  delta: number;
  percent: number | null;
}

export interface TrendRow extends Trend {
  /** A condition (alarm type) or a zone id. */
  key: string;
  name: string;
  nameZh?: string;
}

/** A section whose figures come from a part that may be missing: then it says why, never shows made-up numbers. */
export type ReportSection<T> = { available: true; data: T } | { available: false; reason: string };

export interface ReportKpi {
  key: string;
  label: string;
  labelZh?: string;
  /** Already in the unit the label names; null when there was nothing to measure. */
  value: number | null;
  unit?: string;
  target?: string;
  met?: boolean | null;
}

export interface ReportDrill {
  id: string;
  scenario: string;
  title: string;
  /** The scenario's Chinese title, where its file gives one (the zh report shows it). */
  titleZh?: string;
  startedAt: number;
  endedAt: number | null;
  /** The drill report's score in %, null when nothing could be judged. */
  scorePercent: number | null;
  planned: boolean;
}

export interface DrillPlanStatus {
  scenario: string;
  title: string;
  titleZh?: string;
  every: DrillInterval;
  /** Drills of this scenario at the site held in the period. */
  held: number;
  lastHeldAt: number | null;
  /** One interval after the last drill; null when never held (due at once). */
  dueAt: number | null;
  /** Due before the period's end (or, on the KPI page, before now) and not held. */
  overdue: boolean;
}

/** Corrective actions in the period: opened, closed (verified), gone overdue, escalation steps taken. */
export interface ReportCounts {
  opened: number;
  closed: number;
  overdue: number;
  escalations: number;
}

/** Shift handovers signed in the period, how they were accepted, and what the next shifts inherited. */
export interface ReportHandovers {
  held: number;
  accepted: number;
  acceptedWithRemarks: number;
  itemsCarriedOver: number;
}

export interface SensorIssue {
  sensorId: string;
  sensorName: string;
  condition: string;
  alarms: number;
}

export interface OutOfServiceSensor {
  sensorId: string;
  sensorName: string;
  since: number;
  until: number;
  by: string;
  reason: string;
}

export interface SafetyReport {
  siteId: string;
  siteName: string;
  siteNameZh?: string;
  timezone: string;
  period: SafetyReportPeriod;
  from: number;
  to: number;
  previousFrom: number;
  generatedAt: number;
  /** `schedule` or the user who asked. */
  generatedBy: string;
  alarms: {
    total: Trend;
    byCondition: TrendRow[];
    byZone: TrendRow[];
    /** Life-safety class (NFPA 72 `alarm`) only. */
    lifeSafety: Trend;
    /**
     * Every NFPA 72 signal class (alarm, supervisory, trouble), in that order: fires and gas apart
     * from a closed sprinkler valve, and from faults of the system itself. Absent on reports made
     * before it was counted.
     */
    byClass?: (Trend & { class: import('./alarm.ts').AlarmClass })[];
  };
  escalations: { alarms: Trend; highestLevel: number };
  kpis: ReportSection<ReportKpi[]>;
  drills: { held: ReportDrill[]; plan: DrillPlanStatus[]; overdue: number };
  actions: ReportSection<ReportCounts>;
  handovers: ReportSection<ReportHandovers>;
  sensors: {
    total: number;
    /** Share of sensor-time not in an `offline` alarm, %; null without sensors. */
    availabilityPct: number | null;
    offlineHours: number;
    issues: SensorIssue[];
    outOfService: OutOfServiceSensor[];
  };
}

/** One kept report, as `GET /api/reports/safety/history` lists it. */
export interface SafetyReportEntry {
  id: number;
  siteId: string;
  period: SafetyReportPeriod;
  from: number;
  to: number;
  generatedAt: number;
  generatedBy: string;
  alarms: number;
  overdueDrills: number;
}

export interface SafetyReportHistoryResponse {
  reports: SafetyReportEntry[];
  /** Whether `format=pdf` can be answered here, and why not. */
  pdf: { available: boolean; reason?: string };
}

/** `GET /api/reports/safety/overdue-drills?site=`: the drill plan as of now, for the KPI page. */
export interface OverdueDrillsResponse {
  siteId: string;
  at: number;
  plan: DrillPlanStatus[];
}
