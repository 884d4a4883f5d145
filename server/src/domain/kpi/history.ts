/** What the KPIs are computed from: alarms as the store keeps them, and when each was annunciated. */
import type { Alarm } from '../../../../contract/index.ts';

/** The fields of an alarm the KPIs read. */
export type KpiAlarm = Pick<
  Alarm,
  | 'id'
  | 'siteId'
  | 'sensorId'
  | 'sensorName'
  | 'condition'
  | 'class'
  | 'priority'
  | 'raisedAt'
  | 'activatedAt'
  | 'clearedAt'
  | 'closedAt'
  | 'ackedAt'
  | 'resolution'
  | 'chattering'
>;

/**
 * One annunciation: an alarm raised, or re-activated after its condition had cleared (the
 * console sounds again, so the officer handles it again).
 */
export interface Annunciation {
  alarmId: string;
  at: number;
}

/** A half-open period [from, to), epoch ms. */
export interface KpiPeriod {
  from: number;
  to: number;
}
