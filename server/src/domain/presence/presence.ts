/**
 * Who is presumed in which zone, from badge reads at doors (docs/contracts.md#presence-in-hazard-zones). Pure: the
 * service feeds it events from history at start and from ingest live, and asks it for a zone's or a
 * building's people at a time.
 *
 * Each credential is where its newest granted read in the window put it: the zone the reader that
 * read it leads into. A badge-out (the door's `out` reader) moves it out of the zone, to the zone
 * on the other side or outside; a badge-in elsewhere moves it too (nobody is in two zones). A read
 * older than the window no longer counts: a door with a reader on the way in only never sees
 * people leave, and the window is what forgets them.
 */
import { OUTSIDE, maskBadge, type DoorReaders, type Facility, type Person, type PresentPerson, type ReaderSide } from '../../../../contract/index.ts';

/** A granted badge read at a door, as stored and as ingested. */
export interface BadgeRead {
  t: number;
  sensorId: string;
  credential: string;
  reader?: ReaderSide | undefined;
}

/** Where each reader of a door leads: a zone id, or null for outside. */
export interface DoorPlan {
  siteId: string;
  in?: string | null;
  out?: string | null;
}

export interface PresenceRules {
  windowMs: number;
  doors: ReadonlyMap<string, DoorPlan>;
  /** Credential → its holder. */
  holders: ReadonlyMap<string, Person>;
  /** Zone id → the building its floor is in. */
  buildings: ReadonlyMap<string, string>;
  /** Building → its Chinese name; a site that is one building is named by its `nameZh`. */
  buildingsZh: ReadonlyMap<string, string>;
}

interface Whereabouts {
  t: number;
  siteId: string;
  /** null: outside every zone. */
  zoneId: string | null;
  doorId: string;
}

const HOUR_MS = 3_600_000;

/** The rules of a facility: door plans (a door without `readers` leads into its own zone), badge holders, buildings. */
export function presenceRules(
  facility: Facility,
  settings: {
    windowHours: number;
    people: readonly Person[];
    readers: ReadonlyMap<string, DoorReaders>;
    buildings: ReadonlyMap<string, string>;
    buildingsZh?: ReadonlyMap<string, string>;
  },
): PresenceRules {
  const doors = new Map<string, DoorPlan>();
  const zone = (id: string | undefined): string | null | undefined => (id === undefined ? undefined : id === OUTSIDE ? null : id);
  for (const s of facility.sensors) {
    if (s.kind !== 'door') continue;
    const r = settings.readers.get(s.id);
    doors.set(s.id, r ? { siteId: s.siteId, in: zone(r.in), out: zone(r.out) } : { siteId: s.siteId, in: s.zoneId });
  }
  const holders = new Map<string, Person>();
  for (const p of settings.people) for (const c of p.credentials) holders.set(c, p);
  const buildings = new Map<string, string>();
  const buildingsZh = new Map(settings.buildingsZh);
  for (const site of facility.sites) {
    if (site.nameZh !== undefined && !buildingsZh.has(site.name)) buildingsZh.set(site.name, site.nameZh);
    for (const floor of site.floors) for (const z of floor.zones) buildings.set(z.id, settings.buildings.get(floor.id) ?? site.name);
  }
  return { windowMs: settings.windowHours * HOUR_MS, doors, holders, buildings, buildingsZh };
}

/**
 * The zone a read puts its holder in: null = outside, undefined = the read says nothing about
 * presence (not a door, or a reader side the door does not have). A read without a side is the
 * door's `in` reader, or its only reader.
 */
export function zoneAfter(rules: PresenceRules, read: BadgeRead): { siteId: string; zoneId: string | null } | undefined {
  const door = rules.doors.get(read.sensorId);
  if (!door) return undefined;
  const side: ReaderSide = read.reader ?? (door.in === undefined ? 'out' : 'in');
  const zoneId = door[side];
  return zoneId === undefined ? undefined : { siteId: door.siteId, zoneId };
}

/** FNV-1a: a badge nobody is mapped to gets a stable key that does not reveal it. */
function hashOf(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

/** The stable key of a credential's holder (muster ticks are kept by it). */
export function personKey(rules: PresenceRules, credential: string): string {
  const p = rules.holders.get(credential);
  return p ? `person:${p.id}` : `badge:${hashOf(credential)}`;
}

/**
 * The most badges nobody is mapped to that a ledger keeps: more than any site's visitors, few
 * enough that a flood of made-up badges cannot grow memory or a muster list without end.
 */
export const MAX_UNKNOWN_BADGES = 5000;

export class PresenceLedger {
  private readonly where = new Map<string, Whereabouts>();
  /** The unknown badges, least recently read first: the one let go when there are too many. */
  private readonly unknown = new Map<string, true>();
  private dropped = 0;

  constructor(private readonly rules: PresenceRules) {}

  /** Takes a granted read; reads may come in any order (history at start, live, late ones). */
  record(read: BadgeRead): void {
    const credential = read.credential.trim();
    if (credential === '') return;
    const after = zoneAfter(this.rules, read);
    if (after === undefined) return;
    const known = this.where.get(credential);
    if (known && known.t > read.t) return;
    // A person the facility file names is never let go; an unknown badge may be, oldest first.
    if (!this.rules.holders.has(credential)) {
      this.unknown.delete(credential);
      this.unknown.set(credential, true);
      if (this.unknown.size > MAX_UNKNOWN_BADGES) {
        const oldest = this.unknown.keys().next().value!;
        this.unknown.delete(oldest);
        this.where.delete(oldest);
        this.dropped++;
      }
    }
    this.where.set(credential, { t: read.t, siteId: after.siteId, zoneId: after.zoneId, doorId: read.sensorId });
  }

  /** Unknown badges let go because there were more than MAX_UNKNOWN_BADGES. */
  get droppedUnknown(): number {
    return this.dropped;
  }

  /** Everyone presumed in the site (and zone, or building) at `now`, longest inside first. */
  present(now: number, where: { siteId: string; zoneId?: string | undefined; building?: string | undefined }): PresentPerson[] {
    const from = now - this.rules.windowMs;
    const out: PresentPerson[] = [];
    for (const [credential, w] of this.where) {
      if (w.zoneId === null || w.t < from || w.t > now || w.siteId !== where.siteId) continue;
      if (where.zoneId !== undefined && w.zoneId !== where.zoneId) continue;
      if (where.building !== undefined && this.rules.buildings.get(w.zoneId) !== where.building) continue;
      const holder = this.rules.holders.get(credential);
      out.push({
        key: personKey(this.rules, credential),
        ...(holder && { name: holder.name, ...(holder.nameZh !== undefined && { nameZh: holder.nameZh }) }),
        badge: maskBadge(credential),
        siteId: w.siteId,
        zoneId: w.zoneId,
        since: w.t,
        doorId: w.doorId,
      });
    }
    return out.sort((a, b) => a.since - b.since || a.key.localeCompare(b.key));
  }

  /** Forgets reads older than the window at `now` (they count for nobody any more). */
  prune(now: number): void {
    const from = now - this.rules.windowMs;
    for (const [credential, w] of this.where)
      if (w.t < from) {
        this.where.delete(credential);
        this.unknown.delete(credential);
      }
  }

  /** Nobody recorded (after pruning, say). */
  get empty(): boolean {
    return this.where.size === 0;
  }

  get windowMs(): number {
    return this.rules.windowMs;
  }

  buildingOf(zoneId: string): string | undefined {
    return this.rules.buildings.get(zoneId);
  }
}
