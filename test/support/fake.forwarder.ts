/**
 * Fakes of the cluster ports for unit tests: the store every node shares, in memory, and the
 * forwarder to a site's holder, delivering straight to the other node's `SiteAlarms`.
 */
import type { Alarm, AlarmEvent, Incident } from '../../contract/index.ts';
import type { SensorRuleState } from '../../server/src/domain/alarm/index.ts';
import type { Actor } from '../../server/src/services/alarm.operations.ts';
import type { AlarmCommit, AlarmFilter, ClusterAlarmStore, EngineMeta, SavedEngine } from '../../server/src/services/alarm.ports.ts';
import { SiteUnavailableError, type HolderAnswer, type HolderForwarder, type HolderRequest } from '../../server/src/services/site-alarms.ports.ts';

const EMPTY_META: EngineMeta = { counters: { alarm: 0, incident: 0 }, floods: [], outOfService: [], seq: 0 };
const copy = <T>(v: T): T => structuredClone(v);

/** The shared store in memory: what was committed, per site, with the one event counter and the leases' tokens. */
export class MemoryClusterStore implements ClusterAlarmStore {
  readonly alarms = new Map<string, Alarm>();
  readonly incidents = new Map<string, Incident>();
  readonly rules = new Map<string, SensorRuleState>();
  readonly siteMeta = new Map<string, EngineMeta>();
  globalMeta: EngineMeta | null = null;
  readonly events: AlarmEvent[] = [];
  seq = 0;
  /** site → fencing token of its lease (absent: nobody holds it). */
  readonly leases = new Map<string, number>();

  async commit(c: AlarmCommit): Promise<void> {
    for (const a of c.alarms) this.alarms.set(a.id, copy(a));
    for (const i of c.incidents) this.incidents.set(i.id, copy(i));
    await this.saveRuleStates(c.ruleStates, c.meta, c.site);
    this.events.push(...copy(c.events));
  }

  async saveRuleStates(states: SensorRuleState[], meta: EngineMeta, site?: string): Promise<void> {
    for (const r of states) this.rules.set(r.key, copy(r));
    if (site === undefined) this.globalMeta = copy(meta);
    else this.siteMeta.set(site, copy(meta));
  }

  async load(closedSince: number, site?: string): Promise<SavedEngine | null> {
    const meta = (site === undefined ? undefined : this.siteMeta.get(site)) ?? this.globalMeta ?? (site === undefined ? null : EMPTY_META);
    if (meta === null) return null;
    const mine = <T extends { siteId: string }>(v: T) => site === undefined || v.siteId === site;
    return copy({
      seq: site === undefined ? meta.seq : this.seq,
      state: {
        version: 1 as const,
        alarms: [...this.alarms.values()].filter((a) => mine(a) && (a.state !== 'cleared' || (a.closedAt ?? 0) >= closedSince)),
        incidents: [...this.incidents.values()].filter((i) => mine(i) && i.state !== 'closed'),
        sensors: [...this.rules.values()].filter(mine),
        outOfService: meta.outOfService,
        floods: meta.floods,
        counters: meta.counters,
        watchBaseline: null,
      },
    });
  }

  async list(f: AlarmFilter): Promise<{ total: number; alarms: Alarm[] }> {
    const alarms = [...this.alarms.values()].filter((a) => f.drillId === undefined || a.drill === f.drillId);
    return { total: alarms.length, alarms: copy(alarms) };
  }

  async get(id: string): Promise<Alarm | undefined> {
    return copy(this.alarms.get(id));
  }

  async history(alarmId: string): Promise<AlarmEvent[]> {
    return this.events.filter((e) => e.subject === 'alarm' && e.alarmId === alarmId);
  }

  async getIncident(id: string): Promise<Incident | undefined> {
    return copy(this.incidents.get(id));
  }

  async takeSeq(count: number): Promise<number> {
    this.seq += count;
    return this.seq;
  }

  async holds(site: string, token: number): Promise<boolean> {
    return this.leases.get(site) === token;
  }

  /** Runs while a read of other sites is under way (what other commits do meanwhile). */
  duringRead: (() => Promise<void>) | null = null;

  /** How many times the other sites were read. */
  reads = 0;

  async readSites(sites: readonly string[]): Promise<{ seq: number; sites: Map<string, SavedEngine> }> {
    this.reads += 1;
    await this.duringRead?.();
    const out = new Map<string, SavedEngine>();
    for (const site of sites) out.set(site, (await this.load(Number.MAX_SAFE_INTEGER, site))!);
    return { seq: this.seq, sites: out };
  }

  async catchUpSeq(): Promise<void> {
    this.seq = Math.max(this.seq, ...this.events.map((e) => e.seq));
  }
}

/** What a node does with a request for a site it holds (`SiteAlarms.applyHeld`). */
export interface Holder {
  applyHeld<R extends HolderRequest>(site: string, request: R, actor: Actor): Promise<HolderAnswer<R>>;
}

/** Delivers each request to the node the test says holds the site; NO_HOLDER when none does. */
export class FakeForwarder implements HolderForwarder {
  readonly sent: { site: string; request: HolderRequest; actor: Actor }[] = [];
  readonly holders = new Map<string, Holder>();

  async forward<R extends HolderRequest>(site: string, request: R, actor: Actor): Promise<HolderAnswer<R>> {
    this.sent.push({ site, request: copy(request), actor });
    const holder = this.holders.get(site);
    if (holder === undefined) throw new SiteUnavailableError('NO_HOLDER', site);
    // Across the wire: the request and the answer are plain JSON.
    return copy(await holder.applyHeld(site, copy(request), actor));
  }
}
