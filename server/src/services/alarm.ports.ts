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

/** Durable alarm state (SQLite): alarms, incidents, rule states, the event history. */
export interface AlarmStore {
  commit(c: AlarmCommit): void;
  saveRuleStates(states: SensorRuleState[], meta: EngineMeta): void;
  /** Everything needed to rebuild the engine after a restart; closed alarms older than `closedSince` are left out. */
  load(closedSince: number): { state: PersistedEngineState; seq: number } | null;
  list(filter: AlarmFilter): { total: number; alarms: Alarm[] };
  get(id: string): Alarm | undefined;
  history(alarmId: string): AlarmEvent[];
}

/** Pushes changes to connected dashboards. */
export interface LiveHub {
  publish(event: AlarmEvent): void;
  sensors(updates: SensorLiveState[]): void;
}

/** Tells the next level up (webhooks) when an alarm escalates. */
export interface EscalationNotifier {
  escalated(event: AlarmEvent): void;
}
