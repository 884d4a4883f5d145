/** Ports of the alarm service: where alarm state is kept, and where changes are pushed. */
import type { Alarm, AlarmEvent, AlarmSortColumn, Incident, OutOfService, SensorLiveState, SortOrder } from '../../../contract/index.ts';
import type { PersistedEngineState, SensorRuleState } from '../domain/alarm/index.ts';

export interface EngineMeta {
  counters: { alarm: number; incident: number };
  floods: { key: string; times: number[] }[];
  outOfService: ({ sensorId: string } & OutOfService)[];
  seq: number;
}

/** One committed batch of engine changes: written in a single transaction. */
export interface AlarmCommit {
  events: AlarmEvent[];
  alarms: Alarm[];
  incidents: Incident[];
  ruleStates: SensorRuleState[];
  meta: EngineMeta;
}

export interface AlarmFilter {
  state?: string;
  site?: string;
  zone?: string;
  sensor?: string;
  kind?: string;
  priority?: string;
  from?: number;
  to?: number;
  drill?: 'only' | 'exclude' | 'include';
  /** Only this drill's alarms. */
  drillId?: string;
  /** Order of the whole result before paging; raise time, newest first, when absent. */
  sort?: AlarmSortColumn;
  order?: SortOrder;
  limit: number;
  offset: number;
}

/** What a restart restores the engine from, and the last event sequence number handed out. */
export interface SavedEngine {
  state: PersistedEngineState;
  seq: number;
}

/** Durable alarm state (SQLite or PostgreSQL): alarms, incidents, rule states, the event history. */
export interface AlarmStore {
  /** Joins the caller's transaction when there is one. */
  commit(c: AlarmCommit): Promise<void>;
  saveRuleStates(states: SensorRuleState[], meta: EngineMeta): Promise<void>;
  /**
   * Everything needed to rebuild the engine after a restart; closed alarms older than `closedSince`
   * are left out. With `site`, only that site's alarms, incidents and rule states (a node taking
   * the site over); the engine meta (counters, floods, out of service, seq) is the global one.
   */
  load(closedSince: number, site?: string): Promise<SavedEngine | null>;
  list(filter: AlarmFilter): Promise<{ total: number; alarms: Alarm[] }>;
  get(id: string): Promise<Alarm | undefined>;
  history(alarmId: string): Promise<AlarmEvent[]>;
}

/** Pushes changes to connected dashboards. */
export interface LiveHub {
  publish(event: AlarmEvent): void;
  sensors(updates: SensorLiveState[]): void;
}

/** Tells the next level up (webhooks) when an alarm escalates. */
export interface EscalationNotifier {
  /** Called inside the alarm commit's transaction: the notifications owed are stored with the escalation. */
  escalated(event: AlarmEvent): void | Promise<void>;
}
