/**
 * The alarm service: feeds observations and clock ticks to the pure engine, commits every change
 * (alarm, incident, rule state, sequenced event, audit entry, notifications owed) in one database
 * transaction, then pushes it live, writes it to history and escalates it. After a restart —
 * kill -9 included — it restores the engine from the store; timers resume from their stored times.
 *
 * The engine changes synchronously, in memory; only its persistence waits. Writes go through one
 * queue, each with a copy of the state it records taken when the engine changed: commit N+1 never
 * lands, nor is pushed, before commit N, and the store never holds a rule state newer than the
 * alarms it refers to. An observation that changes nothing costs no write and no promise.
 *
 * In cluster mode (option `site`, docs/architecture.md "Several nodes") the service runs one
 * site's engine on the node holding its lease: it sees that site's registry only, restores and
 * saves that site's state and engine meta, names the site in new ids, and takes its event numbers
 * from the counter all nodes share inside each commit's transaction, after checking the lease is
 * still its own (a node that lost the site writes nothing more for it).
 */
import {
  MAX_SHELVE_S,
  type Alarm,
  type AlarmAction,
  type AlarmEvent,
  type AlarmSnapshot,
  type Incident,
  type Observation,
  type SensorLiveState,
} from '../../../contract/index.ts';
import {
  AlarmActionError,
  applyAction,
  applyIncidentAction,
  cameraStatus,
  createEngineState,
  endDrill,
  evaluate,
  openAlarms,
  openIncidents,
  restoreEngineState,
  returnToService,
  ruleKey,
  sensorsShownOffline,
  sensorLiveState,
  sensorLiveStates,
  takeOutOfService,
  tick,
  type EngineContext,
  type EngineResult,
  type EngineSettings,
  type EngineState,
  type RegistryView,
  type SensorRuleState,
} from '../domain/alarm/index.ts';
import type { Actor, AlarmOperations } from './alarm.operations.ts';
import type { AlarmCommit, AlarmFilter, AlarmStore, EngineMeta, EscalationNotifier, LiveHub, SavedEngine, SharedAlarmState } from './alarm.ports.ts';
import { auditDetail, targetOf } from './alarm.audit.ts';
import type { AuditLog } from './audit.port.ts';
import type { Clock } from './clock.ts';
import { SiteUnavailableError } from './site-alarms.ports.ts';

export type { Actor } from './alarm.operations.ts';

/** Cluster mode: the one site this engine runs, the lease it runs it under, and the store all nodes share. */
export interface SiteScope {
  id: string;
  /** The lease's fencing token: a commit lands only while the lease still has it. */
  token: number;
  shared: SharedAlarmState;
}

export interface AlarmServiceDeps {
  /** The facility (one node), or one site's part of it (cluster mode). */
  registry: RegistryView;
  settings: EngineSettings;
  store: AlarmStore;
  audit: AuditLog;
  hub: LiveHub;
  notifier: EscalationNotifier;
  clock: Clock;
  /** Runs `fn` in one database transaction. */
  transaction(fn: () => Promise<void>): Promise<void>;
  /** Every sequenced event, after it is committed (history in InfluxDB, metrics). */
  onEvent?(event: AlarmEvent): void;
  /** The store refused a write: an alarm change (still pushed live) or the periodic rule states. */
  onCommitError?(err: unknown, what: 'alarm change' | 'rule states'): void;
  /** Pushing a committed event live, or a listener of `onEvent`, failed; the other events still go. */
  onPublishError?(err: unknown, event: AlarmEvent): void;
  /** Cluster mode: this engine runs one site. Absent on a single node. */
  site?: SiteScope;
}

export class AlarmService implements AlarmOperations {
  private state: EngineState;
  private seq = 0;
  private readonly ctx: EngineContext;
  private readonly dirtySensors = new Set<string>();
  /** The last write queued; settles when it has landed (it never rejects). */
  private tail: Promise<void> = Promise.resolve();

  /** The service with the engine restored from the store (empty on a first start). */
  static async create(deps: AlarmServiceDeps): Promise<AlarmService> {
    const now = deps.clock.now();
    return new AlarmService(deps, await deps.store.load(now - deps.settings.retainClosedS * 1000, deps.site?.id), now);
  }

  private constructor(
    private readonly deps: AlarmServiceDeps,
    saved: SavedEngine | null,
    now: number,
  ) {
    this.ctx =
      deps.site === undefined
        ? { registry: deps.registry, settings: deps.settings }
        : { registry: deps.registry, settings: deps.settings, idSite: deps.site.id };
    if (saved) {
      this.state = restoreEngineState(deps.site === undefined ? saved.state : ofSite(saved.state, deps.site.id, deps.registry), { restartedAt: now });
      this.seq = saved.seq;
    } else {
      this.state = createEngineState();
    }
  }

  get currentSeq(): number {
    return this.seq;
  }

  /**
   * Evaluate one accepted observation. Runs in the ingest path: cheap when nothing changes.
   * What it changed that is stored at once (an alarm change, a timer armed) settles the promise
   * returned: true once committed — or once the store failed and the change went live all the same
   * (see `commit`) — false when refused because the site has moved to another node. Undefined when
   * there is nothing to wait for. Ingest acknowledges the MQTT message only after true
   * (ingest.service.ts), so a refused change's message reaches the site's next holder.
   */
  onObservation(o: Observation): Promise<boolean> | undefined {
    const key = o.drill === undefined ? o.sensorId : ruleKey(o.sensorId, o.drill);
    const armedBefore = this.state.sensors.get(key)?.wakeAt ?? null;
    const result = evaluate(this.state, o, this.deps.registry.sensor(o.sensorId), this.ctx, this.deps.clock.now());
    let settled: Promise<boolean> | undefined;
    if (result.events.length > 0) {
      settled = this.commit(result);
    } else {
      // A timer was armed without an alarm yet (a door opened, gas above low during its on-delay):
      // store it now, so a crash before the periodic save does not forget that it is running.
      const rs = this.state.sensors.get(key);
      if (rs !== undefined && rs.wakeAt !== null && rs.wakeAt !== armedBefore) settled = this.saveRuleStates([rs]);
    }
    if (o.drill === undefined) this.dirtySensors.add(o.sensorId);
    return settled;
  }

  /** Timers: on-delays, held-open doors, offline watchdog, escalation, shelf expiry. Call every second. */
  tick(): void {
    const result = tick(this.state, this.ctx, this.deps.clock.now());
    if (result.events.length > 0) void this.commit(result);
  }

  /** A verification camera's probe answered or not: `camera_offline` is raised or returns to normal. */
  cameraStatus(cameraId: string, answered: boolean, detail: string | null): void {
    const result = cameraStatus(this.state, this.ctx, cameraId, answered, detail, this.deps.clock.now());
    if (result.events.length > 0) void this.commit(result);
  }

  /** The alarm as the action left it, once the change is committed (and pushed). */
  async act(alarmId: string, action: AlarmAction, actor: Actor): Promise<Alarm> {
    const result = applyAction(this.state, this.ctx, alarmId, action, actor.username, { maxShelveS: MAX_SHELVE_S[actor.role] }, this.deps.clock.now());
    if (result instanceof AlarmActionError) throw result;
    // A copy: the engine may change the alarm again before the commit lands.
    const alarm = { ...this.state.alarms.get(alarmId)! };
    await this.commitAction(result);
    return alarm;
  }

  async actOnIncident(incidentId: string, action: AlarmAction, actor: Actor): Promise<Incident> {
    const result = applyIncidentAction(
      this.state,
      this.ctx,
      incidentId,
      action,
      actor.username,
      { maxShelveS: MAX_SHELVE_S[actor.role] },
      this.deps.clock.now(),
    );
    if (result instanceof AlarmActionError) throw result;
    const incident = this.state.incidents.get(incidentId)!;
    const copy = { ...incident, alarmIds: [...incident.alarmIds] };
    await this.commitAction(result);
    return copy;
  }

  async setOutOfService(sensorId: string, actor: Actor, reason: string, until: number): Promise<SensorLiveState> {
    const result = takeOutOfService(this.state, this.ctx, sensorId, actor.username, reason, until, this.deps.clock.now());
    if (result instanceof AlarmActionError) throw result;
    this.dirtySensors.add(sensorId);
    const live = sensorLiveState(this.state, sensorId);
    await this.commitAction(result);
    return live;
  }

  async returnToService(sensorId: string, actor: Actor): Promise<SensorLiveState> {
    const result = returnToService(this.state, this.ctx, sensorId, actor.username, this.deps.clock.now());
    if (result instanceof AlarmActionError) throw result;
    this.dirtySensors.add(sensorId);
    const live = sensorLiveState(this.state, sensorId);
    await this.commitAction(result);
    return live;
  }

  snapshot(): AlarmSnapshot {
    return {
      seq: this.seq,
      at: this.deps.clock.now(),
      alarms: openAlarms(this.state),
      incidents: openIncidents(this.state),
      sensors: sensorLiveStates(this.state, this.deps.registry),
    };
  }

  sensorStates(): SensorLiveState[] {
    return sensorLiveStates(this.state, this.deps.registry);
  }

  sensorState(sensorId: string): SensorLiveState {
    return sensorLiveState(this.state, sensorId);
  }

  /** Whether the engine holds this alarm (open, or closed within the retention). */
  hasAlarm(alarmId: string): boolean {
    return this.state.alarms.has(alarmId);
  }

  hasIncident(incidentId: string): boolean {
    return this.state.incidents.has(incidentId);
  }

  /** The drill's alarms the engine holds. */
  liveDrillAlarms(drillId: string): Alarm[] {
    return [...this.state.alarms.values()].filter((a) => a.drill === drillId);
  }

  /** Open alarms live from the engine; closed ones from the store. */
  async get(alarmId: string): Promise<Alarm | undefined> {
    return this.state.alarms.get(alarmId) ?? (await this.deps.store.get(alarmId));
  }

  list(filter: AlarmFilter): Promise<{ total: number; alarms: Alarm[] }> {
    return this.deps.store.list(filter);
  }

  history(alarmId: string): Promise<AlarmEvent[]> {
    return this.deps.store.history(alarmId);
  }

  /** Every alarm a drill raised (open ones live, closed ones from the store). */
  drillAlarms(drillId: string): Promise<Alarm[]> {
    return drillAlarmsOf(this.deps.store, drillId, this.liveDrillAlarms(drillId));
  }

  /** A drill is over: its open alarms close ("drill ended", kept for the report), its rule states go. */
  async endDrill(drillId: string, by: string): Promise<void> {
    const result = endDrill(this.state, this.ctx, drillId, by, this.deps.clock.now());
    if (result.events.length > 0) await this.commit(result);
  }

  /** Live sensor values, coalesced: called every 500 ms, so at most 2 updates per second per sensor. */
  flushSensorUpdates(): void {
    if (this.dirtySensors.size === 0) return;
    const updates = [...this.dirtySensors].filter((id) => this.deps.registry.sensor(id)).map((id) => sensorLiveState(this.state, id));
    this.dirtySensors.clear();
    if (updates.length) this.deps.hub.sensors(updates);
  }

  /** Saves every sensor's rule state (last seen, levels, timers); called periodically and at shutdown. Never rejects. */
  async persistRuleStates(): Promise<void> {
    await this.saveRuleStates([...this.state.sensors.values()]);
  }

  /** Settles once every write queued so far, and any queued meanwhile, has landed (shutdown). */
  async idle(): Promise<void> {
    for (let last = this.tail; ; last = this.tail) {
      await last;
      if (last === this.tail) return;
    }
  }

  /** A copy: the engine goes on changing the state while the write waits its turn. */
  private meta(): EngineMeta {
    return structuredClone({
      counters: this.state.counters,
      floods: [...this.state.floods].map(([key, times]) => ({ key, times })),
      outOfService: [...this.state.outOfService].map(([sensorId, oos]) => ({ sensorId, ...oos })),
      seq: this.seq,
    });
  }

  /** Cluster mode: refuses (rolling back the transaction) once the site's lease is no longer this engine's. */
  private async fence(site: SiteScope): Promise<void> {
    if (!(await site.shared.holds(site.id, site.token))) throw new SiteUnavailableError('NOT_HELD', site.id);
  }

  /** Runs `write` after every write queued before it; `write` must not reject. */
  private enqueue<T>(write: () => Promise<T>): Promise<T> {
    const done = this.tail.then(write);
    // Should a write reject after all, the ones behind it still run.
    this.tail = done.then(
      () => undefined,
      () => undefined,
    );
    return done;
  }

  /**
   * False when refused because the site has moved to another node; true otherwise, a store failure
   * included: it is logged, and the next periodic save writes the states again.
   */
  private saveRuleStates(states: SensorRuleState[]): Promise<boolean> {
    const copies = structuredClone(states);
    const meta = this.meta();
    const site = this.deps.site;
    return this.enqueue(async () => {
      try {
        if (site === undefined) await this.deps.store.saveRuleStates(copies, meta);
        else
          await this.deps.transaction(async () => {
            await this.fence(site);
            await this.deps.store.saveRuleStates(copies, meta, site.id);
          });
      } catch (err) {
        this.deps.onCommitError?.(err, 'rule states');
        return !(err instanceof SiteUnavailableError);
      }
      return true;
    });
  }

  /**
   * Commits the change, then pushes it; settles when both are done, and never rejects. False when
   * it was refused because the site has moved to another node (cluster mode): nothing of it was
   * stored or pushed. True otherwise, also when the store failed: the change is pushed live all
   * the same and logged fatal, and the message that caused it is acknowledged: a redelivery would
   * meet the same failing store, and a single node has no other node to give it to.
   */
  private commit(result: EngineResult): Promise<boolean> {
    const site = this.deps.site;
    // Cluster mode: numbered in the commit's transaction (below); until then, 0.
    const events: AlarmEvent[] = result.events.map((e) => ({ ...e, seq: site === undefined ? ++this.seq : 0 }) as AlarmEvent);
    const alarms = new Map<string, Alarm>();
    const incidents = new Map<string, Incident>();
    const ruleKeys = new Set<string>();
    for (const e of events) {
      if (e.subject === 'alarm') {
        alarms.set(e.alarmId, e.alarm);
        ruleKeys.add(ruleKey(e.alarm.sensorId, e.alarm.drill));
        // A gateway going offline or coming back changes how every sensor behind it is shown.
        for (const s of sensorsShownOffline(e.alarm, this.deps.registry)) {
          ruleKeys.add(s.id);
          this.dirtySensors.add(s.id);
        }
      } else if (e.subject === 'incident') {
        incidents.set(e.incidentId, e.incident);
      } else {
        ruleKeys.add(e.sensorId);
      }
    }
    const ruleStates = [...ruleKeys].map((k) => this.state.sensors.get(k)).filter((r): r is SensorRuleState => r !== undefined);
    // Events, and the alarms and incidents in them, are copies already (domain/alarm/events.ts).
    const batch: AlarmCommit = {
      events,
      alarms: [...alarms.values()],
      incidents: [...incidents.values()],
      ruleStates: structuredClone(ruleStates),
      meta: this.meta(),
      ...(site !== undefined && { site: site.id }),
    };
    return this.enqueue(async () => {
      try {
        await this.deps.transaction(async () => {
          if (site !== undefined) {
            await this.fence(site);
            const last = await site.shared.takeSeq(events.length);
            events.forEach((e, i) => (e.seq = last - events.length + 1 + i));
            batch.meta.seq = last;
            this.seq = Math.max(this.seq, last);
          }
          await this.deps.store.commit(batch);
          for (const e of events) {
            await this.deps.audit.append({ actor: e.actor, action: `${e.subject}.${e.kind}`, target: targetOf(e), at: e.at, detail: auditDetail(e) });
            // In the same transaction: the escalation and the notifications it owes are stored together or not at all.
            // A drill's alarms escalate on the consoles like real ones, but never reach real contacts.
            if (e.subject === 'alarm' && e.kind === 'escalated' && e.alarm.drill === null) await this.deps.notifier.escalated(e);
          }
        });
      } catch (err) {
        // The site has moved to another node: its engine there is the truth, and this one's
        // change never happened.
        if (err instanceof SiteUnavailableError) {
          this.deps.onCommitError?.(err, 'alarm change');
          return false;
        }
        // The store failing must not silence an alarm: push it anyway, and say loudly what happened.
        // Cluster mode: no number was taken; this node's next ones make a console see a gap and
        // ask for a snapshot, which has the change (it is in this engine's memory).
        if (site !== undefined) events.forEach((e, i) => (e.seq = this.seq + 1 + i));
        this.deps.onCommitError?.(err, 'alarm change');
      }
      for (const e of events) {
        try {
          this.deps.hub.publish(e);
          this.deps.onEvent?.(e);
        } catch (err) {
          this.deps.onPublishError?.(err, e);
        }
      }
      return true;
    });
  }

  /** A person's change: refused when the site moved away meanwhile, so it is not reported done. */
  private async commitAction(result: EngineResult): Promise<void> {
    if (!(await this.commit(result))) throw new SiteUnavailableError('NOT_HELD', this.deps.site!.id);
  }
}

/** Every alarm a drill raised: as stored, and the live ones (open, in an engine's memory) over them. */
export async function drillAlarmsOf(store: AlarmStore, drillId: string, live: Iterable<Alarm>): Promise<Alarm[]> {
  const byId = new Map<string, Alarm>();
  for (const a of (await store.list({ drill: 'only', limit: 1000, offset: 0, drillId })).alarms) byId.set(a.id, a);
  for (const a of live) byId.set(a.id, a);
  return [...byId.values()];
}

/**
 * A site's engine state restored from what a single node left (the global engine meta, until the
 * site's engine saves its own): only the out-of-service sensors and alarm floods of this site.
 */
function ofSite(state: SavedEngine['state'], site: string, registry: RegistryView): SavedEngine['state'] {
  return {
    ...state,
    outOfService: state.outOfService.filter((o) => registry.sensor(o.sensorId) !== undefined),
    floods: state.floods.filter((f) => f.key === site || f.key.startsWith(`${site}#`)),
  };
}
