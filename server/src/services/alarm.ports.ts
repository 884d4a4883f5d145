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
  /** Cluster mode: the site whose engine made the change; its meta is that site's row. */
  site?: string;
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
  /** With `site` (cluster mode), the meta is that site's. */
  saveRuleStates(states: SensorRuleState[], meta: EngineMeta, site?: string): Promise<void>;
  /**
   * Everything needed to rebuild the engine after a restart; closed alarms older than `closedSince`
   * are left out. With `site`, only that site's alarms, incidents and rule states (a node taking
   * the site over), and that site's engine meta; until a site engine has saved its own, the global
   * one (left by a single node: the engine takes from it what is its site's). With `site` there is
   * always something to load (empty counters when nothing was ever saved), and `seq` is the shared
   * counter's (the last event number any node handed out).
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

/**
 * Cluster mode: what a site's engine needs of the store every node shares, beyond {@link AlarmStore}.
 * Both join the caller's transaction (the alarm commit's).
 */
export interface SharedAlarmState {
  /**
   * Takes the next `count` event numbers from the one counter all nodes share and answers the
   * last. The counter's row stays locked until the transaction ends, so numbers are handed out in
   * commit order, and a rollback gives them back: no gap, no number twice.
   */
  takeSeq(count: number): Promise<number>;
  /**
   * Whether this node still holds `site` with the lease's fencing `token`; the lease's row stays
   * locked until the transaction ends, so no other node can take the site while the commit lands.
   */
  holds(site: string, token: number): Promise<boolean>;
}

/** Cluster mode: the reads a node answers for the sites it does not hold. */
export interface ClusterAlarmStore extends AlarmStore, SharedAlarmState {
  getIncident(id: string): Promise<Incident | undefined>;
  /**
   * The open alarms and incidents, rule states and engine meta of `sites` (as `load` gives them,
   * without closed alarms), and the last event number handed out, in ONE read: a console given
   * these, then every event after `seq`, misses nothing and sees nothing twice as new.
   */
  readSites(sites: readonly string[]): Promise<{ seq: number; sites: Map<string, SavedEngine> }>;
  /** Raises the counter to the highest number stored, should a node without NODE_ID have added events since. */
  catchUpSeq(): Promise<void>;
}
