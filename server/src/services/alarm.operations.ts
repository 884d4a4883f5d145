/**
 * What the rest of the server asks of the alarm side: the routers, the realtime hub, drills,
 * handovers, reports. One node runs one {@link AlarmService} for every site and it answers all of
 * it; in cluster mode (several nodes, docs/architecture.md "Several nodes") `SiteAlarms`
 * (site-alarms.ts) answers it, running the engines of the sites this node holds and reaching the
 * others through the store and their holders. Callers are written against this interface alone,
 * so they do not know which of the two they talk to.
 *
 * The reads that one node answers from memory (`snapshot`, `sensorStates`, `sensorState`) may be
 * answered asynchronously by a node that must read other sites from the store: callers await them.
 */
import type { Alarm, AlarmAction, AlarmEvent, AlarmSnapshot, Incident, Observation, Role, SensorLiveState } from '../../../contract/index.ts';
import type { AlarmFilter } from './alarm.ports.ts';

/** Who acts: the audit trail and the engine's role limits (how long a role may shelve) take it from here. */
export interface Actor {
  username: string;
  role: Role;
}

export type MaybePromise<T> = T | Promise<T>;

export interface AlarmOperations {
  /**
   * Evaluate one accepted observation (the ingest path: cheap when nothing changes). The promise,
   * when there is one, settles once what it changed is committed: true, or false when it was not
   * evaluated here after all (its site is run by another node); the MQTT message is acknowledged
   * only after true.
   */
  onObservation(o: Observation): Promise<boolean> | undefined;
  /** Timers: on-delays, held-open doors, offline watchdog, escalation, shelf expiry. Called every second. */
  tick(): void;
  /** A verification camera's probe answered or not. */
  cameraStatus(cameraId: string, answered: boolean, detail: string | null): void;

  /** The alarm as the action left it, once the change is committed (and pushed). */
  act(alarmId: string, action: AlarmAction, actor: Actor): Promise<Alarm>;
  actOnIncident(incidentId: string, action: AlarmAction, actor: Actor): Promise<Incident>;
  setOutOfService(sensorId: string, actor: Actor, reason: string, until: number): Promise<SensorLiveState>;
  returnToService(sensorId: string, actor: Actor): Promise<SensorLiveState>;
  /** A drill is over: its open alarms close ("drill ended"), its rule states go. */
  endDrill(drillId: string, by: string): Promise<void>;

  /** Every open alarm and incident and every sensor's live state, with the seq it is current at. */
  snapshot(): MaybePromise<AlarmSnapshot>;
  sensorStates(): MaybePromise<SensorLiveState[]>;
  sensorState(sensorId: string): MaybePromise<SensorLiveState>;
  get(alarmId: string): Promise<Alarm | undefined>;
  list(filter: AlarmFilter): Promise<{ total: number; alarms: Alarm[] }>;
  history(alarmId: string): Promise<AlarmEvent[]>;
  drillAlarms(drillId: string): Promise<Alarm[]>;

  /** Live sensor values, coalesced: called every 500 ms. */
  flushSensorUpdates(): void;
  /** Saves every rule state (periodically and at shutdown). Never rejects. */
  persistRuleStates(): Promise<void>;
  /** Settles once every write queued so far has landed (shutdown). */
  idle(): Promise<void>;
}
