/**
 * Presence in hazard zones (docs/contracts.md#presence-in-hazard-zones): the ledger of who badged where
 * (domain/presence), rebuilt from InfluxDB's door events at start so a restart loses nothing and
 * kept current from ingest; the list of the zone (and building) taken when a hazard alarm is
 * raised, for its detail, its notifications and a fire's muster; muster ticks, audited.
 *
 * Names reach the API and the notifications only, never a log line: logs carry masked badges.
 */
import {
  MUSTER_CONDITIONS,
  PRESENCE_CONDITIONS,
  type Alarm,
  type AlarmEvent,
  type AlarmPresence,
  type MusterResponse,
  type MusterSummary,
  type Observation,
  type PresenceResponse,
  type PresentPerson,
} from '../../../contract/index.ts';
import { MAX_UNKNOWN_BADGES, PresenceLedger, type BadgeRead, type PresenceRules } from '../domain/presence/presence.ts';
import type { AuditLog } from './audit.port.ts';
import type { Scheduler } from './clock.ts';
import { retry, type BackoffOptions } from './retry.ts';

/** Granted badge reads in [from, to] from history (adapter: influx.presence.ts). */
export interface BadgeHistory {
  grantedReads(from: number, to: number): Promise<BadgeRead[]>;
}

export interface AlarmPresenceRecord {
  alarmId: string;
  siteId: string;
  zoneId: string;
  building: string;
  drill: string | null;
  at: number;
  windowHours: number;
  zonePeople: PresentPerson[];
  buildingPeople: PresentPerson[];
}

export interface MusterTickRecord {
  alarmId: string;
  key: string;
  at: number;
  actor: string;
}

/** Presence lists and muster ticks (adapter: sql.muster.ts). */
export interface MusterStore {
  /** Every store call (and audit append) made inside `fn` commits with it, or none does. */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  /** Keeps the first list stored for an alarm; a later one is ignored. */
  savePresence(r: AlarmPresenceRecord): Promise<void>;
  presence(alarmId: string): Promise<AlarmPresenceRecord | undefined>;
  presenceOfDrill(drillId: string): Promise<AlarmPresenceRecord[]>;
  /** False when that person was already accounted for at this muster. */
  tick(t: MusterTickRecord): Promise<boolean>;
  ticks(alarmId: string): Promise<MusterTickRecord[]>;
}

export interface PresenceLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export type MusterResult = { ok: true; muster: MusterResponse } | { ok: false; reason: 'no_muster' | 'not_listed' };

/** InfluxDB may come up after Vigil: the rebuild waits for it, live reads count meanwhile. */
const REBUILD_BACKOFF: BackoffOptions = { initialMs: 1000, maxMs: 30_000 };

/**
 * Drills' ledgers kept at once. A drill id comes from the device, so made-up ones must not grow
 * memory; the least recently read drill is let go first, and real drills run one or two at a time.
 */
export const MAX_DRILL_LEDGERS = 16;

export class PresenceService {
  private readonly ledger: PresenceLedger;
  /**
   * A drill's own badge reads (a scenario may badge people in before its fire): its alarms list
   * them with the real ones, and real lists never see them. Kept while the process runs.
   */
  private readonly drills = new Map<string, PresenceLedger>();
  /** Lists taken at a raise and still being stored: a read of that alarm's list waits for its own. */
  private readonly saving = new Map<string, Promise<void>>();
  private stopped = false;

  constructor(
    private readonly deps: {
      rules: PresenceRules;
      history: BadgeHistory;
      store: MusterStore;
      audit: AuditLog;
      scheduler: Scheduler;
      logger: PresenceLogger;
    },
  ) {
    this.ledger = new PresenceLedger(deps.rules);
  }

  private get windowHours(): number {
    return this.ledger.windowMs / 3_600_000;
  }

  /** Rebuilds from history in the background (retrying until InfluxDB answers); resolves when done or stopped. */
  async start(): Promise<void> {
    this.stopped = false;
    const now = this.deps.scheduler.now();
    try {
      const reads = await retry(() => this.deps.history.grantedReads(now - this.ledger.windowMs, now), {
        timers: this.deps.scheduler,
        backoff: REBUILD_BACKOFF,
        stopped: () => this.stopped,
        onRetry: (err, _n, delayMs) => this.deps.logger.warn({ err: (err as Error).message, retryInMs: delayMs }, 'presence: cannot read door events yet'),
      });
      for (const r of reads) this.ledger.record(r);
      this.deps.logger.info({ reads: reads.length, windowHours: this.windowHours }, 'presence rebuilt from door events');
    } catch {
      // Stopped before InfluxDB answered.
    }
  }

  stop(): void {
    this.stopped = true;
  }

  /** Resolves once every list taken at a raise is stored (or its failure logged). */
  async idle(): Promise<void> {
    await Promise.all(this.saving.values());
  }

  /** Forgets reads older than the window (run now and then: memory, not correctness). */
  prune(): void {
    const now = this.deps.scheduler.now();
    this.ledger.prune(now);
    for (const [id, ledger] of this.drills) {
      ledger.prune(now);
      if (ledger.empty) this.drills.delete(id);
    }
  }

  /** An ingest listener: a granted read with a credential moves its holder. */
  onObservation(o: Observation): void {
    if (o.channel !== 'event' || o.type !== 'access_granted' || o.credential === undefined) return;
    let ledger = this.ledger;
    if (o.drill !== undefined) {
      ledger = this.drills.get(o.drill) ?? new PresenceLedger(this.deps.rules);
      this.drills.delete(o.drill);
      this.drills.set(o.drill, ledger);
      if (this.drills.size > MAX_DRILL_LEDGERS) this.drills.delete(this.drills.keys().next().value!);
    }
    const dropped = ledger.droppedUnknown;
    ledger.record({ t: o.ts, sensorId: o.sensorId, credential: o.credential, reader: o.reader });
    // Said at the 1st, 10th, 100th... let go: a flood is seen in the log without filling it.
    const now = ledger.droppedUnknown;
    if (now > dropped && Number.isInteger(Math.log10(now)))
      this.deps.logger.warn({ droppedUnknown: now, max: MAX_UNKNOWN_BADGES }, 'presence: more unknown badges than kept; the least recently read let go');
  }

  /** Drills' ledgers kept now (tests). */
  get drillLedgers(): number {
    return this.drills.size;
  }

  present(siteId: string, zoneId?: string): PresenceResponse {
    const at = this.deps.scheduler.now();
    return { siteId, zoneId: zoneId ?? null, at, windowHours: this.windowHours, people: this.ledger.present(at, { siteId, zoneId }) };
  }

  /** An alarm listener: a hazard alarm's raise takes the lists of its zone and its building. */
  onAlarmEvent(e: AlarmEvent): void {
    if (e.subject !== 'alarm' || e.kind !== 'raised' || !PRESENCE_CONDITIONS.has(e.alarm.condition)) return;
    const a = e.alarm;
    const building = this.ledger.buildingOf(a.zoneId);
    if (building === undefined) return;
    const at = a.raisedAt;
    const present = (where: { siteId: string; zoneId?: string; building?: string }): PresentPerson[] => {
      const real = this.ledger.present(at, where);
      const drill = a.drill === null ? undefined : this.drills.get(a.drill);
      if (!drill) return real;
      const staged = drill.present(at, where);
      const keys = new Set(staged.map((p) => p.key));
      return [...real.filter((p) => !keys.has(p.key)), ...staged].sort((x, y) => x.since - y.since || x.key.localeCompare(y.key));
    };
    const zonePeople = present({ siteId: a.siteId, zoneId: a.zoneId });
    const buildingPeople = present({ siteId: a.siteId, building });
    const save: Promise<void> = this.deps.store
      .savePresence({
        alarmId: a.id,
        siteId: a.siteId,
        zoneId: a.zoneId,
        building,
        drill: a.drill,
        at,
        windowHours: this.windowHours,
        zonePeople,
        buildingPeople,
      })
      .catch((err: unknown) => this.deps.logger.warn({ err, alarmId: a.id }, 'presence: could not store the list taken at alarm'))
      .finally(() => {
        if (this.saving.get(a.id) === save) this.saving.delete(a.id);
      });
    this.saving.set(a.id, save);
    this.deps.logger.info({ alarmId: a.id, zoneId: a.zoneId, inZone: zonePeople.length, inBuilding: buildingPeople.length }, 'presence taken at alarm');
  }

  async alarmPresence(alarmId: string): Promise<AlarmPresence | undefined> {
    const r = await this.presenceOf(alarmId);
    return r && { alarmId, siteId: r.siteId, zoneId: r.zoneId, at: r.at, windowHours: r.windowHours, people: r.zonePeople };
  }

  /** The muster of a fire alarm: everyone presumed inside its building when it was raised. */
  async muster(alarm: Alarm): Promise<MusterResponse | undefined> {
    const r = await this.presenceOf(alarm.id);
    if (!r || !MUSTER_CONDITIONS.has(alarm.condition)) return undefined;
    const ticks = new Map((await this.deps.store.ticks(alarm.id)).map((t) => [t.key, t]));
    const people = r.buildingPeople.map((p) => {
      const t = ticks.get(p.key);
      return { ...p, accountedAt: t?.at ?? null, accountedBy: t?.actor ?? null };
    });
    const done = people.length > 0 && people.every((p) => p.accountedAt !== null);
    return {
      alarmId: alarm.id,
      drill: alarm.drill,
      siteId: r.siteId,
      building: r.building,
      ...this.buildingZh(r.building),
      startedAt: r.at,
      people,
      allAccountedAt: done ? Math.max(...people.map((p) => p.accountedAt ?? 0)) : null,
    };
  }

  private async presenceOf(alarmId: string): Promise<AlarmPresenceRecord | undefined> {
    await this.saving.get(alarmId);
    return this.deps.store.presence(alarmId);
  }

  /** Looked up when read: a muster stores the building's name as the file gave it then. */
  private buildingZh(building: string): { buildingZh?: string } {
    const zh = this.deps.rules.buildingsZh.get(building);
    return zh === undefined ? {} : { buildingZh: zh };
  }

  /** Ticks one person off as accounted for, audited; ticking twice keeps the first tick. */
  async account(alarm: Alarm, key: string, actor: string): Promise<MusterResult> {
    const before = await this.muster(alarm);
    if (!before) return { ok: false, reason: 'no_muster' };
    const person = before.people.find((p) => p.key === key);
    if (!person) return { ok: false, reason: 'not_listed' };
    const at = this.deps.scheduler.now();
    // The tick and its audit entry commit together; a second tick (here or on another node) is no change and no entry.
    await this.deps.store.transaction(async () => {
      if (await this.deps.store.tick({ alarmId: alarm.id, key, at, actor }))
        await this.deps.audit.append({
          actor,
          action: 'muster.accounted',
          target: `alarm:${alarm.id}`,
          at,
          // The key and the masked badge identify the line; the name stays in the muster itself.
          detail: { person: key, badge: person.badge, ...(alarm.drill !== null && { drill: alarm.drill }) },
        });
    });
    return { ok: true, muster: (await this.muster(alarm))! };
  }

  /** A drill's musters, for its report: how long accounting for everyone took. */
  async drillMusters(drillId: string, alarmOf: (id: string) => Alarm | undefined | Promise<Alarm | undefined>): Promise<MusterSummary[]> {
    const out: MusterSummary[] = [];
    for (const r of await this.deps.store.presenceOfDrill(drillId)) {
      const alarm = await alarmOf(r.alarmId);
      const m = alarm && (await this.muster(alarm));
      if (!m) continue;
      out.push({
        alarmId: m.alarmId,
        building: m.building,
        ...this.buildingZh(m.building),
        people: m.people.length,
        accounted: m.people.filter((p) => p.accountedAt !== null).length,
        startedAt: m.startedAt,
        timeToAccountS: m.allAccountedAt === null ? null : Math.round((m.allAccountedAt - m.startedAt) / 1000),
      });
    }
    return out;
  }
}
