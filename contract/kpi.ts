/**
 * Alarm-system performance KPIs (ISA-18.2 / IEC 62682 monitoring and assessment, with the
 * EEMUA 191 benchmarks): `GET /api/reports/kpis` answers a {@link KpiReport}. Drill alarms never
 * count. The definitions, and why each figure is computed the way it is, are in docs/kpis.md.
 *
 * @example `GET /api/reports/kpis?site=hq&from=2026-11-01T00:00:00%2B08:00&to=2026-12-01T00:00:00%2B08:00`
 */
import type { Condition, Priority } from './alarm.ts';

/** Ten minutes: the EEMUA 191 / ISA-18.2 counting period for alarm rates and floods. */
export const KPI_SLOT_MS = 10 * 60_000;
/** A 10-minute period with more than this many alarms annunciated at one position is a flood. */
export const FLOOD_ALARMS_PER_10_MIN = 10;
/** EEMUA 191: an average of at most 1 alarm per 10 minutes is "very likely to be acceptable". */
export const ACCEPTABLE_AVG_PER_10_MIN = 1;
/** EEMUA 191: the busiest 10 minutes should hold at most 10 alarms (beyond it is a flood). */
export const ACCEPTABLE_PEAK_PER_10_MIN = 10;
/** ISA-18.2 chattering: this many annunciations of one alarm within CHATTER_WINDOW_MS. */
export const CHATTER_COUNT = 3;
export const CHATTER_WINDOW_MS = 60_000;
/** ISA-18.2 / EEMUA: an alarm active longer than this is a standing alarm; unacknowledged longer, stale. */
export const STANDING_AFTER_MS = 24 * 3_600_000;
/** The longest period one request may cover (a year: the roll-ups keep hourly data forever, raw 90 days). */
export const KPI_MAX_RANGE_MS = 366 * 86_400_000;

/**
 * EEMUA 191 / ISA-18.2 recommend about 80 % low, 15 % high and 5 % critical alarms (three
 * levels). Vigil has four: its medium and low together are the "low" share.
 */
export const RECOMMENDED_PRIORITY_SHARE: Readonly<Record<'critical' | 'high' | 'lower', number>> = { critical: 0.05, high: 0.15, lower: 0.8 };

/**
 * Targets for acknowledging, in seconds, by priority. They are the default escalation limits
 * (ESCALATION_S): an alarm not acknowledged by then escalates to the next level, so an
 * acknowledgement within them is one nobody had to be chased for. Low never escalates; an hour
 * is one round of the site by the duty officer.
 */
export const ACK_TARGET_S: Readonly<Record<Priority, number>> = { critical: 60, high: 300, medium: 1800, low: 3600 };

/**
 * Targets for resolving (cause and corrective action recorded, or closed), in seconds. Critical
 * (gas, fire) must be made safe and explained within the hour the emergency services would be
 * on site; high within a half shift; medium (trouble: an offline detector leaves its zone
 * unprotected) within a day; low within three days, the longest a detector may wait for a
 * maintenance visit.
 */
export const RESOLVE_TARGET_S: Readonly<Record<Priority, number>> = { critical: 3600, high: 4 * 3600, medium: 24 * 3600, low: 72 * 3600 };

/** Alarm rate at one operator position (a site has one console position). */
export interface KpiRate {
  /** Annunciations in the period (raised and re-activated alarms). */
  alarms: number;
  avgPerHour: number;
  /** The busiest hour (hours counted from `from`, not clock hours). */
  peakPerHour: number;
  avgPer10Min: number;
  peakPer10Min: number;
  /** 10-minute periods in the range, and of those the ones with more than FLOOD_ALARMS_PER_10_MIN. */
  slots: number;
  floodSlots: number;
  /** floodSlots / slots, 0…1 (0 when there are no slots). */
  floodShare: number;
}

/** One point of the rate chart: a bucket of whole 10-minute periods. */
export interface KpiRatePoint {
  /** Start of the bucket, epoch ms. */
  t: number;
  alarms: number;
  /** The busiest 10 minutes inside the bucket. */
  peakPer10Min: number;
}

/** Per site (an operator position). */
export interface KpiSiteRate extends KpiRate {
  siteId: string;
}

/** An alarm (sensor + condition) ranked by how often it was annunciated. */
export interface KpiFrequentAlarm {
  siteId: string;
  sensorId: string;
  sensorName: string;
  condition: Condition;
  priority: Priority;
  count: number;
  /** The most annunciations within any CHATTER_WINDOW_MS. */
  maxPerMinute: number;
}

/** An alarm open at the end of the period: standing (active > 24 h) or stale (unacknowledged > 24 h). */
export interface KpiLongAlarm {
  alarmId: string;
  siteId: string;
  sensorId: string;
  sensorName: string;
  condition: Condition;
  priority: Priority;
  /** Since when: the last activation (standing) or the raise (stale). */
  since: number;
  /** Up to the end of the period, in seconds. */
  durationS: number;
}

export interface KpiShelved {
  alarmId: string;
  siteId: string;
  sensorId: string;
  sensorName: string;
  condition: Condition;
  by: string;
  reason: string;
  until: number;
}

export interface KpiOutOfService {
  siteId: string;
  sensorId: string;
  sensorName: string;
  by: string;
  reason: string;
  since: number;
  /** Absent only for records made before an end was required. */
  until: number | null;
}

/** Time to acknowledge or to resolve, for one priority. */
export interface KpiResponseTime {
  priority: Priority;
  /** Alarms raised in the period that were acknowledged (resolved). */
  count: number;
  medianS: number | null;
  p90S: number | null;
  targetS: number;
  /**
   * Done within target / alarms whose target time has passed or that were done, 0…1; null when
   * there are none. An alarm still waiting inside its target counts neither way.
   */
  withinTarget: number | null;
}

export interface KpiPriorityShare {
  priority: Priority;
  count: number;
  share: number;
}

/**
 * Alarms raised in the period of one NFPA 72 signal class, and their share of all raised: a
 * facility-services reader sees how many were fires and gas (alarm), off-normal equipment such as
 * a closed sprinkler valve (supervisory), and faults of the system itself (trouble).
 */
export interface KpiClassShare {
  class: import('./alarm.ts').AlarmClass;
  count: number;
  share: number;
}

export interface KpiAvailability {
  siteId: string;
  sensorId: string;
  sensorName: string;
  /** Share of the period the sensor was online and reporting, 0…1. */
  available: number;
  /** Seconds it was offline (an offline alarm, its own or its gateway's) or silent. */
  unavailableS: number;
}

/** `GET /api/reports/kpis` answer. All times epoch ms; JSON as it is. */
export interface KpiReport {
  /** The site asked for, or null for all sites. */
  siteId: string | null;
  from: number;
  to: number;
  /** When it was computed (the end of a period in the future is clipped to it). */
  at: number;
  /** Operator positions counted: one per site. */
  positions: number;
  /** Over the positions: the average per position, the peak of any position. */
  rate: KpiRate;
  sites: KpiSiteRate[];
  series: KpiRatePoint[];
  /** Length of one series bucket (a multiple of 10 minutes). */
  seriesStepMs: number;
  topAlarms: KpiFrequentAlarm[];
  chattering: KpiFrequentAlarm[];
  standing: KpiLongAlarm[];
  stale: KpiLongAlarm[];
  /** Now, whatever the period: shelving and out-of-service are states, not history. */
  shelved: KpiShelved[];
  outOfService: KpiOutOfService[];
  ack: KpiResponseTime[];
  resolve: KpiResponseTime[];
  priorities: KpiPriorityShare[];
  /** Every class, in NFPA 72's order (alarm, supervisory, trouble). */
  classes: KpiClassShare[];
  /** Worst first. */
  availability: KpiAvailability[];
}
