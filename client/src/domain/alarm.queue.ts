/**
 * The duty officer's queue: which alarms it shows, how it groups them and in which order
 * (docs/contracts.md#the-console-queue).
 *
 * Order: unacknowledged first, life-safety alarms (fire, gas, CO, leak) above everything else,
 * then priority, then time — newest first, so a new alarm lands at the top of its band where the
 * eye already is; older ones are not lost, they carry their elapsed time and escalation level.
 *
 * Grouping is by cause (ISA-18.2 flood handling: one root cause, one row), never by zone alone:
 * - a gateway's offline alarm and its devices' offline alarms share one row;
 * - a burst of the same trouble condition in one zone shares one row.
 * Only trouble-class alarms are grouped: an alarm or supervisory signal (fire, gas, a forced door,
 * a pre-alarm) always keeps its own row, and a group's acknowledgement can only ever reach the
 * trouble alarms it holds. The server's zone incidents are not used for display for that reason.
 *
 * One smoke detector is one row: its fire alarm and its pre-alarm (two alarms on the server, one
 * per condition) are shown together under the worse of the two.
 */
import type { Alarm, Condition, Priority } from '../../../contract/alarm.ts';
import { isLifeSafety } from '../../../contract/life-safety.ts';

// The contract's PRIORITY_RANK lives in a module that also builds zod schemas at load time;
// the client imports only types from it to keep zod out of the bundle.
const PRIORITY_RANK: Record<Priority, number> = { critical: 0, high: 1, medium: 2, low: 3 };
const PRIORITIES: readonly Priority[] = ['critical', 'high', 'medium', 'low'];

/** A gateway and its devices going silent together is one cause, however many devices it has. */
const GATEWAY_GROUP_MIN = 2;
/** Fewer of the same trouble in one zone read fine as rows; more is a burst worth one row. */
const BURST_GROUP_MIN = 3;

export function isUnacked(alarm: Alarm): boolean {
  return alarm.state === 'active_unacked' || alarm.state === 'cleared_unacked';
}

/** Fire, gas, CO and leak: never folded into a group, never acknowledged with one (the server agrees). */
export { isLifeSafety };

interface SortKey {
  /** A drill's: below every real alarm, whatever its state or priority (a drill must never hide a real alarm). */
  drill: boolean;
  unacked: boolean;
  lifeSafety: boolean;
  priority: Priority;
  time: number;
  id: string;
}

function compareKeys(a: SortKey, b: SortKey): number {
  return (
    Number(a.drill) - Number(b.drill) ||
    Number(b.unacked) - Number(a.unacked) ||
    Number(b.lifeSafety) - Number(a.lifeSafety) ||
    PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] ||
    b.time - a.time ||
    a.id.localeCompare(b.id)
  );
}

const alarmKey = (a: Alarm): SortKey => ({
  drill: a.drill !== null,
  unacked: isUnacked(a),
  lifeSafety: isLifeSafety(a),
  priority: a.priority,
  time: a.raisedAt,
  id: a.id,
});

export function compareAlarms(a: Alarm, b: Alarm): number {
  return compareKeys(alarmKey(a), alarmKey(b));
}

export type GroupCause = { type: 'gateway'; gatewayId: string } | { type: 'burst'; condition: Condition };

/** Several trouble alarms with one cause, shown as one row. */
export interface AlarmGroup {
  cause: GroupCause;
  siteId: string;
  /** The zone of a burst; a gateway group's first member's zone (its devices may span zones). */
  zoneId: string;
  drill: string | null;
  /** In queue order. */
  alarms: Alarm[];
  /** The most urgent member's. */
  priority: Priority;
  /** The first member's raise time: the group's timer runs from when its cause began. */
  firstAt: number;
  unacked: number;
  /** Members per priority and per condition, most urgent and most frequent first. */
  byPriority: [Priority, number][];
  byCondition: [Condition, number][];
}

/**
 * A row. `key` is stable across renders: an alarm's own id, a detector's (so its pre-alarm
 * becoming a fire upgrades the row in place), a group's cause.
 */
export type QueueItem = { kind: 'alarm'; key: string; alarm: Alarm; also: readonly Alarm[] } | { kind: 'group'; key: string; group: AlarmGroup };

function itemKey(item: QueueItem): SortKey {
  if (item.kind === 'alarm') {
    const own = alarmKey(item.alarm);
    return { ...own, unacked: own.unacked || item.also.some(isUnacked), id: item.key };
  }
  const { group } = item;
  // The first raise time, not the newest: a group does not jump each time a member joins it.
  return { drill: group.drill !== null, unacked: group.unacked > 0, lifeSafety: false, priority: group.priority, time: group.firstAt, id: item.key };
}

export interface AlarmQueue {
  /** Alarms and groups that need or may need action, in display order. */
  items: QueueItem[];
  /** Silenced on purpose; listed apart so they are not forgotten. */
  shelved: Alarm[];
  outOfService: Alarm[];
  unackedCount: number;
}

/**
 * One shared empty list: a fresh [] on every rebuild would be a new prop for each memoised row,
 * and all 300 rows of a busy queue would render again on every alarm update.
 */
const NO_ALSO: readonly Alarm[] = Object.freeze([]);

const SMOKE_FAMILY: ReadonlySet<Condition> = new Set<Condition>(['smoke', 'smoke_pre_alarm']);

/** The gateway an offline-type trouble is about, when it is one; else null. */
function gatewayOf(alarm: Alarm): string | null {
  if (alarm.condition === 'gateway_offline') return alarm.gatewayId ?? alarm.sensorId;
  if (alarm.condition === 'offline' && alarm.gatewayId !== undefined) return alarm.gatewayId;
  return null;
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function tally<K extends string>(keys: K[], order: (a: K, b: K) => number): [K, number][] {
  const counts = new Map<K, number>();
  for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
  return [...counts].sort((a, b) => order(a[0], b[0]) || b[1] - a[1] || a[0].localeCompare(b[0]));
}

function makeGroup(cause: GroupCause, members: Alarm[]): AlarmGroup {
  const alarms = [...members].sort(compareAlarms);
  const first = alarms.reduce((a, b) => (b.raisedAt < a.raisedAt ? b : a));
  return {
    cause,
    siteId: first.siteId,
    zoneId: first.zoneId,
    drill: first.drill,
    alarms,
    priority: alarms.reduce<Priority>((p, a) => (PRIORITY_RANK[a.priority] < PRIORITY_RANK[p] ? a.priority : p), 'low'),
    firstAt: first.raisedAt,
    unacked: alarms.filter(isUnacked).length,
    byPriority: tally(
      alarms.map((a) => a.priority),
      (a, b) => PRIORITY_RANK[a] - PRIORITY_RANK[b],
    ),
    byCondition: tally(
      alarms.map((a) => a.condition),
      () => 0,
    ),
  };
}

export function buildQueue(alarms: Iterable<Alarm>): AlarmQueue {
  const queue: AlarmQueue = { items: [], shelved: [], outOfService: [], unackedCount: 0 };
  const detectors = new Map<string, Alarm[]>();
  const byGateway = new Map<string, Alarm[]>();
  const troubles: Alarm[] = [];
  for (const alarm of alarms) {
    if (alarm.state === 'cleared') continue;
    if (alarm.outOfService) {
      queue.outOfService.push(alarm);
      continue;
    }
    if (alarm.shelved) {
      queue.shelved.push(alarm);
      continue;
    }
    if (isUnacked(alarm)) queue.unackedCount += 1;
    const drill = alarm.drill ?? '';
    if (SMOKE_FAMILY.has(alarm.condition)) {
      pushTo(detectors, `det:${alarm.siteId}:${alarm.sensorId}:${drill}`, alarm);
    } else if (alarm.class !== 'trouble' || isLifeSafety(alarm)) {
      queue.items.push({ kind: 'alarm', key: alarm.id, alarm, also: NO_ALSO });
    } else {
      const gatewayId = gatewayOf(alarm);
      if (gatewayId !== null) pushTo(byGateway, `gw:${alarm.siteId}:${gatewayId}:${drill}`, alarm);
      else troubles.push(alarm);
    }
  }

  for (const [key, members] of detectors) {
    members.sort((a, b) => PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] || compareAlarms(a, b));
    const [worst, ...also] = members as [Alarm, ...Alarm[]];
    // Keyed by the detector even when alone: its pre-alarm becoming a fire is the same row.
    queue.items.push({ kind: 'alarm', key, alarm: worst, also: also.length > 0 ? also : NO_ALSO });
  }

  for (const [key, members] of byGateway) {
    const first = members[0] as Alarm;
    if (members.length >= GATEWAY_GROUP_MIN)
      queue.items.push({ kind: 'group', key, group: makeGroup({ type: 'gateway', gatewayId: gatewayOf(first) ?? '' }, members) });
    else troubles.push(...members);
  }

  const bursts = new Map<string, Alarm[]>();
  for (const alarm of troubles) pushTo(bursts, `burst:${alarm.siteId}:${alarm.zoneId}:${alarm.condition}:${alarm.drill ?? ''}`, alarm);
  for (const [key, members] of bursts) {
    const first = members[0] as Alarm;
    if (members.length >= BURST_GROUP_MIN) queue.items.push({ kind: 'group', key, group: makeGroup({ type: 'burst', condition: first.condition }, members) });
    else for (const alarm of members) queue.items.push({ kind: 'alarm', key: alarm.id, alarm, also: NO_ALSO });
  }

  queue.items.sort((a, b) => compareKeys(itemKey(a), itemKey(b)));
  queue.shelved.sort(compareAlarms);
  queue.outOfService.sort(compareAlarms);
  return queue;
}

/** What a group's acknowledge sends: its unacknowledged members, and never a life-safety alarm. */
export function groupAckTargets(group: AlarmGroup): Alarm[] {
  return group.alarms.filter((a) => isUnacked(a) && !isLifeSafety(a));
}

/** What a row's acknowledge sends: the alarm and, for a detector's row, its other alarm too. */
export function rowAckTargets(item: Extract<QueueItem, { kind: 'alarm' }>): Alarm[] {
  return [item.alarm, ...item.also].filter(isUnacked);
}

/**
 * Rows held still while the officer's pointer is over the queue: the rows shown keep their
 * order (a click lands on the row that was under the pointer), rows that are new are held back
 * and announced until the officer asks for them or the pointer leaves.
 * `shown` null or empty: nothing is held.
 */
export function holdOrder(items: readonly QueueItem[], shown: readonly string[] | null): { items: QueueItem[]; held: QueueItem[] } {
  // Nothing shown, nothing to keep still: a held first alarm would leave "No active alarms" on screen.
  if (shown === null || shown.length === 0) return { items: [...items], held: [] };
  const position = new Map(shown.map((key, i) => [key, i]));
  const kept: QueueItem[] = [];
  const held: QueueItem[] = [];
  for (const item of items) (position.has(item.key) ? kept : held).push(item);
  kept.sort((a, b) => (position.get(a.key) ?? 0) - (position.get(b.key) ?? 0));
  return { items: kept, held };
}

export type StateTotals = Record<'unacked' | 'acked' | 'shelved' | 'outOfService', number>;
export type PriorityTotals = Record<Priority, StateTotals>;

/**
 * Open alarms per priority and state, for one site or (siteId null) all. Drill alarms are left
 * out: they are never counted in real statistics, and their rows carry the DRILL label.
 */
export function totalsByPriority(alarms: Iterable<Alarm>, siteId: string | null): PriorityTotals {
  const totals = Object.fromEntries(PRIORITIES.map((p) => [p, { unacked: 0, acked: 0, shelved: 0, outOfService: 0 }])) as PriorityTotals;
  for (const a of alarms) {
    if (a.state === 'cleared' || a.drill !== null || (siteId !== null && a.siteId !== siteId)) continue;
    const t = totals[a.priority];
    if (a.outOfService) t.outOfService += 1;
    else if (a.shelved) t.shelved += 1;
    else if (isUnacked(a)) t.unacked += 1;
    else t.acked += 1;
  }
  return totals;
}
