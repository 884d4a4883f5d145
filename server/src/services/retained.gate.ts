/**
 * Ingest's side of the retained-message rule (domain/retained.ts): sorts a retained delivery's
 * observations into news, status-only and replays (counted), records what Vigil accepts, and
 * keeps the held times in the store so that a restart — kill -9 included — does not take the
 * broker's retained copies as news again.
 *
 * When held times are written, and why that is enough:
 * - only once an observation's point is durable (a time saved earlier would, after a crash, turn
 *   away the broker's redelivery of that unacknowledged message: the point lost);
 * - at once (one write per stored batch) when a registry sensor's key gets its first time: until
 *   then a restart would take its retained message as never heard of, and store it again;
 * - periodically and at shutdown (the composition root calls `save`), and in the same
 *   transaction as every alarm change (compose/alarms.ts). A replay can re-run a rule harmfully
 *   only after the alarm it raised has moved on (acknowledged, cleared, reset); each of those
 *   commits the held times of every observation durable by then, with it. What a kill -9 can
 *   still lose is a few seconds of newer device times that changed no alarm: their replay is the
 *   same InfluxDB point again (same time, same content) and meets an engine that already has it.
 */
import type { Observation } from '../../../contract/index.ts';
import type { HeldChanges, HeldTime, HeldTimes, RetainedIgnoredReason } from '../domain/retained.ts';

/** Where held times are kept between runs (SQLite or PostgreSQL). */
export interface HeldTimesStore {
  load(): Promise<HeldTime[]>;
  /** Writes all changes or none; inside the caller's transaction when there is one. */
  save(changes: HeldChanges): Promise<void>;
}

export interface RetainedGateObserver {
  /** A retained observation not taken as one: counted. */
  ignored(reason: RetainedIgnoredReason, o: Observation): void;
  saveFailed(err: unknown): void;
}

export interface RetainedSorted {
  /** News: stored and evaluated like any observation. */
  observe: Observation[];
  /** Status without a device time for a sensor Vigil holds: updates its live state, not stored. */
  statusOnly: Observation[];
}

export class RetainedGate {
  private saveQueued = false;

  /** A gate holding what the store kept from earlier runs. */
  static async create(
    held: HeldTimes,
    store: HeldTimesStore,
    observer: RetainedGateObserver,
    defer?: (run: () => Promise<void>) => void,
  ): Promise<RetainedGate> {
    held.restore(await store.load());
    return new RetainedGate(held, store, observer, defer);
  }

  private constructor(
    private readonly held: HeldTimes,
    private readonly store: HeldTimesStore,
    private readonly observer: RetainedGateObserver,
    /** Runs the prompt save once the current synchronous run (a stored batch's acknowledgements) is over. */
    private readonly defer: (run: () => Promise<void>) => void = (run) => queueMicrotask(() => void run()),
  ) {}

  /** A retained delivery's observations, judged each against what was held before the message. */
  sort(observations: readonly Observation[]): RetainedSorted {
    const sorted: RetainedSorted = { observe: [], statusOnly: [] };
    for (const o of observations) {
      const verdict = this.held.judge(o);
      if (verdict === 'observe') sorted.observe.push(o);
      else {
        if (verdict === 'status_only') sorted.statusOnly.push(o);
        this.observer.ignored(verdict, o);
      }
    }
    return sorted;
  }

  /** Observations accepted from any source (MQTT, retained or not, and HTTP): Vigil holds them. */
  accepted(observations: readonly Observation[]): void {
    for (const o of observations) this.held.accepted(o);
  }

  /** Their points are durable: their times may be saved. */
  durable(observations: readonly Observation[]): void {
    let urgent = false;
    for (const o of observations) if (this.held.durable(o)) urgent = true;
    if (!urgent || this.saveQueued) return;
    this.saveQueued = true;
    this.defer(() => {
      this.saveQueued = false;
      return this.save();
    });
  }

  /**
   * Writes what changed since the last save (taken at the call, so saves running at once write
   * different changes). Never rejects: a failed write is retried at the next save.
   */
  async save(): Promise<void> {
    await this.write().catch((err: unknown) => this.observer.saveFailed(err));
  }

  /**
   * Runs `transaction` (an alarm commit) with the held times that changed written inside it, by the
   * `save` it is given: the commit does not land without the held times it was to carry (a failed
   * write rejects, and PostgreSQL could not commit after a failed statement anyway). When the
   * transaction does not commit — its write failed, or anything after it, COMMIT included — the
   * changes are due again at the next save.
   */
  async savedWith<T>(transaction: (save: () => Promise<void>) => Promise<T>): Promise<T> {
    let taken: HeldChanges | null = null;
    try {
      return await transaction(async () => {
        // Called again when the store runs the whole transaction again (PostgreSQL aborted it as a
        // deadlock's victim): what the rolled-back run took is due in this one.
        if (taken !== null) this.held.notSaved(taken);
        taken = this.held.takeChanges();
        if (taken.upserts.length > 0 || taken.deletes.length > 0) await this.store.save(taken);
      });
    } catch (err) {
      if (taken !== null) this.held.notSaved(taken);
      throw err;
    }
  }

  private async write(): Promise<void> {
    const changes = this.held.takeChanges();
    if (changes.upserts.length === 0 && changes.deletes.length === 0) return;
    try {
      await this.store.save(changes);
    } catch (err) {
      this.held.notSaved(changes);
      throw err;
    }
  }
}
