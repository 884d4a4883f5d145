/**
 * Cluster mode (docs/architecture.md "Several nodes"): the alarm side of a node that runs some of
 * the facility's sites. Each site this node holds (its lease, site-leases.ts) has its own
 * {@link AlarmService}, scoped to that site: it sees that site's sensors only, restores and saves
 * that site's state, and numbers its events from the counter all nodes share. Everything the rest
 * of the server asks ({@link AlarmOperations}) is routed by site:
 * - observations of a site held here go to its engine; others are ignored (and counted), and
 *   their MQTT messages left unacknowledged: the holder's own session receives them;
 * - actions on an alarm, incident or sensor of a site held here are applied here; of a site held
 *   elsewhere, sent to its holder ({@link HolderForwarder}); of a site nobody holds, refused with
 *   a 503 (`SiteUnavailableError`);
 * - reads: held sites from memory, the others from the store.
 */
import type { Alarm, AlarmAction, AlarmEvent, AlarmSnapshot, Incident, Observation, SensorLiveState } from '../../../contract/index.ts';
import {
  AlarmActionError,
  createEngineState,
  openAlarms,
  openIncidents,
  restoreEngineState,
  sensorLiveState,
  sensorLiveStates,
  type EngineState,
} from '../domain/alarm/index.ts';
import { SiteRegistry, type Registry } from '../domain/registry.ts';
import type { Actor, AlarmOperations } from './alarm.operations.ts';
import type { AlarmFilter, ClusterAlarmStore } from './alarm.ports.ts';
import { AlarmService, drillAlarmsOf, type AlarmServiceDeps } from './alarm.service.ts';
import { SiteUnavailableError, type HolderAnswer, type HolderForwarder, type HolderRequest } from './site-alarms.ports.ts';

export interface SiteAlarmsDeps {
  registry: Registry;
  store: ClusterAlarmStore;
  /** What every site's engine shares (settings, audit, hub, notifier, clock, transaction, listeners). */
  engine: Omit<AlarmServiceDeps, 'registry' | 'store' | 'site'>;
  forwarder: HolderForwarder;
  /** An observation of a site this node does not hold reached it (its holder's session has it). */
  onForeignObservation?(o: Observation): void;
}

const NOT_EVALUATED = Promise.resolve(false);

export class SiteAlarms implements AlarmOperations {
  private readonly sites = new Map<string, AlarmService>();
  /** Reads of one site's stored state under way (see `storedSite`). */
  private readonly reading = new Map<string, Promise<EngineState | undefined>>();

  constructor(private readonly deps: SiteAlarmsDeps) {}

  /** The sites whose engines run here. */
  held(): string[] {
    return [...this.sites.keys()];
  }

  /**
   * This node now holds `site` (lease `token`): its engine is restored from the store, and from
   * now on its observations, actions and timers run here. Writes refuse once the lease has moved on.
   */
  async acquire(site: string, token: number): Promise<void> {
    if (this.sites.has(site)) throw new Error(`site ${site} is already held here`);
    if (this.deps.registry.site(site) === undefined) throw new Error(`no site ${site} in the facility`);
    await this.deps.store.catchUpSeq();
    const service = await AlarmService.create({
      ...this.deps.engine,
      registry: new SiteRegistry(this.deps.registry, site),
      store: this.deps.store,
      site: { id: site, token, shared: this.deps.store },
    });
    this.sites.set(site, service);
  }

  /**
   * A clean hand-over: the site's engine stops taking work, its rule states (running timers) are
   * saved and every commit it queued lands before this settles, so the next holder starts from it.
   */
  async release(site: string): Promise<void> {
    const service = this.sites.get(site);
    if (service === undefined) return;
    this.sites.delete(site);
    await service.persistRuleStates();
    await service.idle();
  }

  /**
   * The lease is gone (another node may hold the site already): the engine is dropped at once and
   * nothing more is written for it. Commits already queued are refused by the lease's fencing token.
   */
  lost(site: string): void {
    this.sites.delete(site);
  }

  /**
   * False (never evaluated) for a site not held here: a site's readings come on its own session,
   * which this node stops when it gives the site up, so one reaching it meanwhile is left
   * unacknowledged for the broker to give to the next holder.
   */
  onObservation(o: Observation): Promise<boolean> | undefined {
    const service = this.sites.get(o.siteId);
    if (service !== undefined) return service.onObservation(o);
    this.deps.onForeignObservation?.(o);
    return NOT_EVALUATED;
  }

  tick(): void {
    for (const service of this.sites.values()) service.tick();
  }

  cameraStatus(cameraId: string, answered: boolean, detail: string | null): void {
    const camera = this.deps.registry.camera(cameraId);
    if (camera !== undefined) this.sites.get(camera.siteId)?.cameraStatus(cameraId, answered, detail);
  }

  async act(alarmId: string, action: AlarmAction, actor: Actor): Promise<Alarm> {
    const local = this.serviceWithAlarm(alarmId);
    if (local !== undefined) return this.movedOn(local, { op: 'act', alarmId, action }, actor);
    const stored = await this.deps.store.get(alarmId);
    if (stored === undefined) throw new AlarmActionError('NOT_FOUND', `no alarm ${alarmId}`);
    return this.route(stored.siteId, { op: 'act', alarmId, action }, actor);
  }

  async actOnIncident(incidentId: string, action: AlarmAction, actor: Actor): Promise<Incident> {
    const local = [...this.sites.values()].find((s) => s.hasIncident(incidentId));
    if (local !== undefined) return this.movedOn(local, { op: 'actOnIncident', incidentId, action }, actor);
    const stored = await this.deps.store.getIncident(incidentId);
    if (stored === undefined) throw new AlarmActionError('NOT_FOUND', `no incident ${incidentId}`);
    return this.route(stored.siteId, { op: 'actOnIncident', incidentId, action }, actor);
  }

  async setOutOfService(sensorId: string, actor: Actor, reason: string, until: number): Promise<SensorLiveState> {
    return this.route(this.siteOfSensor(sensorId), { op: 'setOutOfService', sensorId, reason, until }, actor);
  }

  async returnToService(sensorId: string, actor: Actor): Promise<SensorLiveState> {
    return this.route(this.siteOfSensor(sensorId), { op: 'returnToService', sensorId }, actor);
  }

  /**
   * A drill's alarms and rule states live in the engine of the site it ran at, which the drill id
   * does not name: every site's engine is told, here or at its holder. A site nobody holds has
   * nothing running to end; its holder-to-be restores the drill's open alarms, which the next end
   * (or a person) closes.
   */
  async endDrill(drillId: string, by: string): Promise<void> {
    // Ending a drill is the drill service's decision, already made: the role limits nothing here.
    const actor: Actor = { username: by, role: 'admin' };
    for (const site of this.deps.registry.facility.sites) {
      try {
        await this.route(site.id, { op: 'endDrill', drillId }, actor);
      } catch (err) {
        if (!(err instanceof SiteUnavailableError)) throw err;
      }
    }
  }

  /**
   * Applies a request forwarded by another node, as this node's router would. Never forwards it
   * again: a site that is not (or no longer) held here is refused with NOT_HELD, and the sender
   * looks for the holder again.
   */
  async applyHeld<R extends HolderRequest>(site: string, request: R, actor: Actor): Promise<HolderAnswer<R>> {
    const service = this.sites.get(site);
    if (service === undefined) throw new SiteUnavailableError('NOT_HELD', site);
    return (await applyTo(service, request, actor)) as HolderAnswer<R>;
  }

  async snapshot(): Promise<AlarmSnapshot> {
    // The store first, then the engines here: every change of a held site numbered up to `seq`
    // has landed, so it is in that engine's memory by now (memory is never behind the store).
    const read = await this.storedSites();
    const local = [...this.sites.values()].map((s) => s.snapshot());
    // A site taken over here while the store was read is live already.
    const others = read.states.filter(({ site }) => !this.sites.has(site));
    return {
      seq: read.seq,
      at: this.deps.engine.clock.now(),
      alarms: [...local.flatMap((s) => s.alarms), ...others.flatMap(({ state }) => openAlarms(state))],
      incidents: [...local.flatMap((s) => s.incidents), ...others.flatMap(({ state }) => openIncidents(state))],
      sensors: this.sensorsInRegistryOrder(
        local.flatMap((s) => s.sensors),
        others,
      ),
    };
  }

  async sensorStates(): Promise<SensorLiveState[]> {
    const { states } = await this.storedSites();
    const local = [...this.sites.values()].flatMap((s) => s.sensorStates());
    return this.sensorsInRegistryOrder(
      local,
      states.filter(({ site }) => !this.sites.has(site)),
    );
  }

  async sensorState(sensorId: string): Promise<SensorLiveState> {
    const site = this.deps.registry.sensor(sensorId)?.siteId;
    // An id the facility does not know: never heard of, as one node answers it.
    if (site === undefined) return sensorLiveState(createEngineState(), sensorId);
    const service = this.sites.get(site);
    if (service !== undefined) return service.sensorState(sensorId);
    return sensorLiveState((await this.storedSite(site)) ?? createEngineState(), sensorId);
  }

  async get(alarmId: string): Promise<Alarm | undefined> {
    const local = this.serviceWithAlarm(alarmId);
    return local !== undefined ? local.get(alarmId) : this.deps.store.get(alarmId);
  }

  list(filter: AlarmFilter): Promise<{ total: number; alarms: Alarm[] }> {
    return this.deps.store.list(filter);
  }

  history(alarmId: string): Promise<AlarmEvent[]> {
    return this.deps.store.history(alarmId);
  }

  /** Every alarm a drill raised: closed ones and those of other sites from the store, open ones held here live. */
  drillAlarms(drillId: string): Promise<Alarm[]> {
    return drillAlarmsOf(
      this.deps.store,
      drillId,
      [...this.sites.values()].flatMap((service) => service.liveDrillAlarms(drillId)),
    );
  }

  flushSensorUpdates(): void {
    for (const service of this.sites.values()) service.flushSensorUpdates();
  }

  async persistRuleStates(): Promise<void> {
    await Promise.all([...this.sites.values()].map((s) => s.persistRuleStates()));
  }

  async idle(): Promise<void> {
    await Promise.all([...this.sites.values()].map((s) => s.idle()));
  }

  private serviceWithAlarm(alarmId: string): AlarmService | undefined {
    for (const service of this.sites.values()) if (service.hasAlarm(alarmId)) return service;
    return undefined;
  }

  private siteOfSensor(sensorId: string): string {
    const sensor = this.deps.registry.sensor(sensorId);
    if (sensor === undefined) throw new AlarmActionError('NOT_FOUND', `no sensor ${sensorId}`);
    return sensor.siteId;
  }

  /** Here when held here, else at the holder. */
  private async route<R extends HolderRequest>(site: string, request: R, actor: Actor): Promise<HolderAnswer<R>> {
    const service = this.sites.get(site);
    if (service !== undefined) return this.movedOn(service, request, actor);
    return this.deps.forwarder.forward(site, request, actor);
  }

  /**
   * Applied here; should the site move to another node before the change lands (the commit is
   * refused: nothing of it was stored or pushed), it goes to the new holder instead of being
   * reported done.
   */
  private async movedOn<R extends HolderRequest>(service: AlarmService, request: R, actor: Actor): Promise<HolderAnswer<R>> {
    try {
      return (await applyTo(service, request, actor)) as HolderAnswer<R>;
    } catch (err) {
      if (!(err instanceof SiteUnavailableError && err.code === 'NOT_HELD')) throw err;
      return this.deps.forwarder.forward(err.site, request, actor);
    }
  }

  /**
   * The engine state of the sites not held here, as stored, with the event number it is current
   * at, read together (one snapshot of the store): a console given this and the held sites' live
   * state, then every event after `seq`, misses nothing.
   */
  private async storedSites(only?: string[]): Promise<{ seq: number; states: { site: string; state: EngineState }[] }> {
    const sites = only ?? this.deps.registry.facility.sites.map((s) => s.id).filter((id) => !this.sites.has(id));
    const now = this.deps.engine.clock.now();
    const read = await this.deps.store.readSites(sites);
    const states = [...read.sites].map(([site, saved]) => ({ site, state: restoreEngineState(saved.state, { restartedAt: now }) }));
    return { seq: read.seq, states };
  }

  /**
   * One site's stored state; asked for many sensors at once (the gateways view asks per sensor),
   * it is read once for all of them.
   */
  private storedSite(site: string): Promise<EngineState | undefined> {
    let read = this.reading.get(site);
    if (read === undefined) {
      read = this.storedSites([site])
        .then((r) => r.states[0]?.state)
        .finally(() => this.reading.delete(site));
      this.reading.set(site, read);
    }
    return read;
  }

  /** Sensor states in the registry's order (the single node's), held sites' live, others' stored. */
  private sensorsInRegistryOrder(live: SensorLiveState[], stored: { site: string; state: EngineState }[]): SensorLiveState[] {
    const byId = new Map(live.map((s) => [s.sensorId, s]));
    for (const { site, state } of stored) for (const s of sensorLiveStates(state, new SiteRegistry(this.deps.registry, site))) byId.set(s.sensorId, s);
    return this.deps.registry.allSensors().flatMap((s) => {
      const state = byId.get(s.id);
      return state === undefined ? [] : [state];
    });
  }
}

function applyTo(service: AlarmService, request: HolderRequest, actor: Actor): Promise<unknown> {
  switch (request.op) {
    case 'act':
      return service.act(request.alarmId, request.action, actor);
    case 'actOnIncident':
      return service.actOnIncident(request.incidentId, request.action, actor);
    case 'setOutOfService':
      return service.setOutOfService(request.sensorId, actor, request.reason, request.until);
    case 'returnToService':
      return service.returnToService(request.sensorId, actor);
    case 'endDrill':
      return service.endDrill(request.drillId, actor.username).then(() => null);
  }
}
