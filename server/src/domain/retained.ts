/**
 * Retained MQTT messages are state, not news.
 *
 * The ingest session is persistent and subscribes again on every connection, so the broker sends
 * every retained message again (RETAIN=1) each time Vigil connects: after a restart, a network
 * blip, or a reconnect anyone on the network can provoke. Messages published while Vigil was away
 * arrive as ordinary queued deliveries (RETAIN=0). So a retained delivery is, but for the very
 * first subscription, a copy of something Vigil already has; taken as news it would store another
 * point (a payload without `ts` is stamped with the receive time: a new point every time) and
 * replay an old smoke or gas event into the alarm engine after the alarm was acknowledged and reset.
 *
 * `judgeRetained` decides per sensor, channel and drill, against what Vigil holds (the newest `ts`
 * it accepted there):
 * - nothing held: an observation, once. A detector stuck in "smoke" that Vigil was never told
 *   about must not be ignored.
 * - a device time in the payload: an observation only when newer than what is held.
 * - no device time: a `status` only updates the sensor's live state (online, battery) and is not
 *   stored; a reading or an event is a replay.
 *
 * `HeldTimes` keeps what is held, bounded: every key of a registry sensor, and at most `maxOthers`
 * keys of anything else (unregistered ids, drill traffic), the least recently heard forgotten
 * first. Forgetting only makes a later retained message count as news once more; it never
 * silences one. It also tracks which times are durable and not yet saved, so that a restart knows
 * what the last run held (the service layer writes them: services/retained.gate.ts).
 */
import type { Channel, Observation } from '../../../contract/index.ts';

export type RetainedVerdict = 'observe' | 'status_only' | 'not_newer' | 'no_device_time';
/** Why a retained delivery was not taken as an observation. */
export type RetainedIgnoredReason = Exclude<RetainedVerdict, 'observe'>;
export const RETAINED_IGNORED_REASONS: readonly RetainedIgnoredReason[] = ['not_newer', 'no_device_time', 'status_only'];

/** What Vigil holds for one sensor, channel and drill: the newest observation time it accepted there. */
export interface HeldTime {
  sensorId: string;
  channel: Channel;
  drill: string | null;
  ts: number;
}

export type HeldKey = Omit<HeldTime, 'ts'>;

/** Held times to write and keys to forget, since the last save. */
export interface HeldChanges {
  upserts: HeldTime[];
  deletes: HeldKey[];
}

/** Unregistered ids and drill keys kept at most (a registry sensor's keys are always kept). */
export const DEFAULT_MAX_OTHERS = 10_000;

/**
 * Whether the payload carried a device time. Decoding stamps an observation without one with the
 * receive time (`normaliseItem`), so `ts === receivedAt` means none. A device time equal to the
 * receive time to the millisecond reads as none too; for a retained message, published before Vigil
 * subscribed, that takes a device clock ahead by exactly the delivery delay.
 */
export function hasDeviceTime(o: Pick<Observation, 'ts' | 'receivedAt'>): boolean {
  return o.ts !== o.receivedAt;
}

/** A retained delivery of `o`, given the time Vigil holds for its sensor and channel (undefined: nothing). */
export function judgeRetained(o: Observation, held: number | undefined): RetainedVerdict {
  if (held === undefined) return 'observe';
  if (hasDeviceTime(o)) return o.ts > held ? 'observe' : 'not_newer';
  return o.channel === 'status' ? 'status_only' : 'no_device_time';
}

interface Entry extends HeldKey {
  /** A registry sensor's own key (no drill): never forgotten. */
  readonly registered: boolean;
  /** Newest time accepted (judging uses this). */
  held: number;
  /** Newest time whose point is durable: only this may be saved. */
  durable: number | null;
  /** Newest time saved (or restored). */
  saved: number | null;
}

const keyOf = (sensorId: string, channel: string, drill: string | null | undefined): string => `${sensorId}|${channel}|${drill ?? ''}`;

export class HeldTimes {
  private readonly registered = new Map<string, Entry>();
  /** Least recently heard first (an entry moves to the end when heard). */
  private readonly others = new Map<string, Entry>();
  /** Entries whose durable time is newer than the saved one. */
  private readonly unsaved = new Set<Entry>();
  /** Saved keys that were forgotten: to be deleted. */
  private readonly forgotten = new Map<string, HeldKey>();

  constructor(
    private readonly isRegistered: (sensorId: string) => boolean,
    private readonly maxOthers = DEFAULT_MAX_OTHERS,
  ) {}

  get size(): number {
    return this.registered.size + this.others.size;
  }

  /** What an earlier run saved. Beyond the bound, the oldest others are dropped (and deleted at the next save). */
  restore(rows: readonly HeldTime[]): void {
    for (const r of [...rows].sort((a, b) => a.ts - b.ts)) {
      const drill = r.drill ?? null;
      const entry: Entry = {
        sensorId: r.sensorId,
        channel: r.channel,
        drill,
        registered: drill === null && this.isRegistered(r.sensorId),
        held: r.ts,
        durable: r.ts,
        saved: r.ts,
      };
      const key = keyOf(r.sensorId, r.channel, drill);
      if (entry.registered) this.registered.set(key, entry);
      else this.others.set(key, entry);
    }
    this.trim();
  }

  /** The time held for `o`'s sensor, channel and drill; undefined when nothing is. */
  heldFor(o: Observation): number | undefined {
    return this.entry(o)?.held;
  }

  judge(o: Observation): RetainedVerdict {
    return judgeRetained(o, this.heldFor(o));
  }

  /** `o` was accepted (its point queued, its rules run): Vigil holds it from now on. */
  accepted(o: Observation): void {
    const key = keyOf(o.sensorId, o.channel, o.drill);
    const found = this.registered.get(key) ?? this.others.get(key);
    if (found) {
      if (o.ts > found.held) found.held = o.ts;
      if (!found.registered) {
        this.others.delete(key);
        this.others.set(key, found);
      }
      return;
    }
    const drill = o.drill ?? null;
    const entry: Entry = {
      sensorId: o.sensorId,
      channel: o.channel,
      drill,
      registered: drill === null && this.isRegistered(o.sensorId),
      held: o.ts,
      durable: null,
      saved: null,
    };
    // Heard again after it was forgotten: the pending delete would lose the new time.
    this.forgotten.delete(key);
    if (entry.registered) this.registered.set(key, entry);
    else {
      this.others.set(key, entry);
      this.trim();
    }
  }

  /**
   * `o`'s point is durable, so its time may be saved. A time saved before its point is durable
   * would, after a crash, turn away the broker's redelivery of that very message: the point lost.
   * Returns true when a registry sensor's key got its first durable time: until that is saved, a
   * restart would take its retained message as news again (a second point), so it is worth saving
   * at once rather than at the next periodic save.
   */
  durable(o: Observation): boolean {
    const e = this.entry(o);
    if (!e) return false; // forgotten meanwhile
    const first = e.durable === null && e.saved === null;
    if (e.durable === null || o.ts > e.durable) e.durable = o.ts;
    if (e.saved === null || e.durable > e.saved) this.unsaved.add(e);
    return first && e.registered;
  }

  /** Everything to write since the last save, marked saved (hand it back with `unsaved` if the write fails). */
  takeChanges(): HeldChanges {
    const upserts: HeldTime[] = [];
    for (const e of this.unsaved) {
      const ts = e.durable!;
      upserts.push({ sensorId: e.sensorId, channel: e.channel, drill: e.drill, ts });
      e.saved = ts;
    }
    this.unsaved.clear();
    const deletes = [...this.forgotten.values()];
    this.forgotten.clear();
    return { upserts, deletes };
  }

  /** The write of `changes` failed: they are due again at the next save. */
  notSaved(changes: HeldChanges): void {
    for (const u of changes.upserts) {
      const key = keyOf(u.sensorId, u.channel, u.drill);
      const e = this.registered.get(key) ?? this.others.get(key);
      if (!e) continue;
      // Unknown what the store has now: the upsert keeps the newer of the two.
      e.saved = null;
      this.unsaved.add(e);
    }
    for (const d of changes.deletes) {
      const key = keyOf(d.sensorId, d.channel, d.drill);
      if (!this.registered.has(key) && !this.others.has(key)) this.forgotten.set(key, d);
    }
  }

  private entry(o: Observation): Entry | undefined {
    const key = keyOf(o.sensorId, o.channel, o.drill);
    return this.registered.get(key) ?? this.others.get(key);
  }

  private trim(): void {
    for (const [key, e] of this.others) {
      if (this.others.size <= this.maxOthers) break;
      this.others.delete(key);
      this.unsaved.delete(e);
      if (e.saved !== null) this.forgotten.set(key, { sensorId: e.sensorId, channel: e.channel, drill: e.drill });
    }
  }
}
