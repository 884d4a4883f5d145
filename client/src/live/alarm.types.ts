/**
 * Alarm and live-event types the dashboard relies on.
 *
 * TEMPORARY: contract/alarm.ts (issue 3) is being written; until it lands these mirror the
 * alarm model of DESIGN.md and issue 3. Every other client file imports alarm types from
 * here only, so switching to the contract is a change to this one file.
 */
import type { SensorState } from '../../../contract/facility.ts';

export type AlarmClass = 'alarm' | 'supervisory' | 'trouble';
export type AlarmPriority = 'critical' | 'high' | 'medium' | 'low';
export type AlarmState =
  | 'active_unacked'
  | 'active_acked'
  | 'cleared_unacked'
  | 'cleared'
  | 'shelved'
  | 'out_of_service';

export interface Alarm {
  id: string;
  siteId: string;
  zoneId: string;
  sensorId: string;
  /** Condition, e.g. `gas_high`, `smoke`, `forced_open`, `offline`, `unknown_device`. */
  type: string;
  class: AlarmClass;
  priority: AlarmPriority;
  state: AlarmState;
  /** Epoch ms when the condition was first raised. */
  raisedAt: number;
  updatedAt: number;
  acknowledgedAt?: number | null;
  acknowledgedBy?: string | null;
  /** 0 until the first escalation, then 1, 2, … */
  escalationLevel: number;
  /** Set when the alarm belongs to a drill: shown as DRILL. */
  drill?: string | null;
  /** Reading that raised or last worsened it, when there is one. */
  value?: number | null;
  message?: string | null;
  incidentId?: string | null;
  shelvedUntil?: number | null;
  chattering?: boolean;
  latching?: boolean;
}

/** One change to one alarm, in strictly increasing `seq` order. */
export interface AlarmEvent {
  seq: number;
  at: number;
  /** What happened: raised, acknowledged, cleared, escalated, shelved, … */
  kind: string;
  alarm: Alarm;
}

/** First message after (re)connecting, and the answer to `resync`. */
export interface LiveSnapshot {
  seq: number;
  alarms: Alarm[];
  sensors: SensorState[];
}

/** Coalesced live sensor change (at most a few per second per sensor). */
export interface SensorUpdate {
  sensorId: string;
  ts: number;
  value?: number;
  event?: string;
  online?: boolean;
  battery?: number;
  rssi?: number;
}

export interface ServerToClientEvents {
  snapshot: (snapshot: LiveSnapshot) => void;
  alarm: (event: AlarmEvent) => void;
  sensor: (updates: SensorUpdate[]) => void;
}

export interface ClientToServerEvents {
  /** Ask for a fresh snapshot after a sequence gap; `sinceSeq` is the last seq applied. */
  resync: (request: { sinceSeq: number | null }) => void;
}
