import { describe, expect, it } from 'vitest';
import type { Alarm } from '../../../contract/alarm.ts';
import { makeAlarm, T0 } from '../../../test/support/client.fixtures.ts';
import { buildQueue, compareAlarms, groupAckTargets, holdOrder, rowAckTargets, totalsByPriority, type AlarmGroup, type QueueItem } from './alarm.queue.ts';

const ids = (items: QueueItem[]): string[] => items.map((i) => (i.kind === 'alarm' ? i.alarm.id : i.key));

describe('alarm queue ordering (unacknowledged first, life safety, then priority, then time)', () => {
  it('puts every unacknowledged alarm above every acknowledged one, whatever the priority', () => {
    const queue = buildQueue([
      makeAlarm({ id: 'acked-critical', priority: 'critical', state: 'active_acked' }),
      makeAlarm({ id: 'unacked-low', priority: 'low', state: 'active_unacked' }),
    ]);
    expect(ids(queue.items)).toEqual(['unacked-low', 'acked-critical']);
  });

  it('treats "returned to normal, unacknowledged" as unacknowledged (ISA-18.2 rtn_unacked)', () => {
    const queue = buildQueue([
      makeAlarm({ id: 'acked', priority: 'critical', state: 'active_acked' }),
      makeAlarm({ id: 'rtn-unacked', priority: 'medium', state: 'cleared_unacked', conditionActive: false }),
    ]);
    expect(ids(queue.items)).toEqual(['rtn-unacked', 'acked']);
    expect(queue.unackedCount).toBe(1);
  });

  it('orders by priority within the same acknowledgement state, then newest first', () => {
    const queue = buildQueue([
      makeAlarm({ id: 'low', priority: 'low', raisedAt: T0 + 5_000 }),
      makeAlarm({ id: 'high-old', priority: 'high', raisedAt: T0 }),
      makeAlarm({ id: 'critical', priority: 'critical', raisedAt: T0 - 60_000 }),
      makeAlarm({ id: 'high-new', priority: 'high', raisedAt: T0 + 1_000 }),
      makeAlarm({ id: 'medium', priority: 'medium', raisedAt: T0 + 9_000 }),
    ]);
    expect(ids(queue.items)).toEqual(['critical', 'high-new', 'high-old', 'medium', 'low']);
  });

  it('is a total order: equal alarms fall back to the id, so rows never jump between renders', () => {
    const a = makeAlarm({ id: 'a' });
    const b = makeAlarm({ id: 'b' });
    expect(compareAlarms(a, b)).toBeLessThan(0);
    expect(compareAlarms(b, a)).toBeGreaterThan(0);
  });

  it('keeps shelved and out-of-service alarms out of the queue but lists them apart', () => {
    const queue = buildQueue([
      makeAlarm({ id: 'shelved', shelved: { at: T0, until: T0 + 3_600_000, by: 'li.na', reason: 'chattering' } }),
      makeAlarm({ id: 'oos', outOfService: true }),
      makeAlarm({ id: 'closed', state: 'cleared' }),
      makeAlarm({ id: 'live' }),
    ]);
    expect(ids(queue.items)).toEqual(['live']);
    expect(queue.shelved.map((a) => a.id)).toEqual(['shelved']);
    expect(queue.outOfService.map((a) => a.id)).toEqual(['oos']);
    expect(queue.unackedCount).toBe(1);
  });

  it("gives a lone row the same empty 'also' list on every rebuild, so memoised rows do not render again on each update", () => {
    const alarms = [makeAlarm({ id: 'gas' }), makeAlarm({ id: 'smoke', sensorId: 'SMK', condition: 'smoke' })];
    const first = buildQueue(alarms).items;
    const second = buildQueue(alarms).items;
    expect(first.map((i) => i.kind === 'alarm' && i.also)).toEqual([[], []]);
    first.forEach((item, n) => expect(item.kind === 'alarm' && item.also).toBe(second[n]?.kind === 'alarm' && second[n].also));
  });

  it('shows an alarm on its own even when the server grouped it into a zone incident', () => {
    const queue = buildQueue([makeAlarm({ id: 'm1', incidentId: 'inc-1' }), makeAlarm({ id: 'm2', incidentId: 'inc-1' })]);
    expect(ids(queue.items)).toEqual(['m1', 'm2']);
  });
});

// The flood of the night in question: three fires, four smoke pre-alarms, six devices offline
// behind one gateway, a forced door in another zone, all in one site within a few minutes.
const fire = (n: number, at: number): Alarm =>
  makeAlarm({ id: `fire-${n}`, sensorId: `SMK-${n}`, condition: 'smoke', class: 'alarm', priority: 'critical', raisedAt: at, sopKey: 'fire' });
const preAlarm = (n: number, at: number): Alarm =>
  makeAlarm({ id: `pre-${n}`, sensorId: `SMK-${n}`, condition: 'smoke_pre_alarm', class: 'supervisory', priority: 'high', latching: false, raisedAt: at });
const offline = (n: number, at: number): Alarm =>
  makeAlarm({
    id: `off-${n}`,
    sensorId: `DEV-${n}`,
    condition: 'offline',
    class: 'trouble',
    priority: 'medium',
    latching: false,
    raisedAt: at,
    gatewayId: 'GW-1',
  });
const gatewayDown = makeAlarm({
  id: 'gw-1',
  sensorId: 'GW-1',
  sensorKind: 'gateway',
  gatewayId: 'GW-1',
  condition: 'gateway_offline',
  class: 'trouble',
  priority: 'medium',
  latching: false,
  raisedAt: T0 + 1_000,
});
const forcedDoor = makeAlarm({
  id: 'door',
  sensorId: 'ARC-DOOR',
  zoneId: 'archive',
  condition: 'door_forced',
  class: 'supervisory',
  priority: 'high',
  latching: false,
  raisedAt: T0 + 90_000,
});

const groups = (items: QueueItem[]): AlarmGroup[] => items.flatMap((i) => (i.kind === 'group' ? [i.group] : []));

describe('flood grouping by cause (ISA-18.2 flood handling; life-safety alarms never grouped)', () => {
  const flood = [
    fire(1, T0),
    fire(2, T0 + 20_000),
    fire(3, T0 + 40_000),
    preAlarm(1, T0 - 60_000),
    preAlarm(2, T0 - 50_000),
    preAlarm(4, T0 + 5_000),
    preAlarm(5, T0 + 6_000),
    gatewayDown,
    ...[1, 2, 3, 4, 5].map((n) => offline(n, T0 + 2_000 + n * 100)),
    forcedDoor,
  ];

  it('keeps every fire alarm as its own row, above everything else', () => {
    const queue = buildQueue(flood);
    const rows = ids(queue.items);
    expect(rows.slice(0, 3)).toEqual(['fire-3', 'fire-2', 'fire-1']);
    for (const g of groups(queue.items)) expect(g.alarms.some((a) => a.condition === 'smoke')).toBe(false);
  });

  it('puts a life-safety alarm above a more urgent alarm of another kind (a leak above a forced secure door)', () => {
    const leak = makeAlarm({ id: 'leak', condition: 'leak', class: 'alarm', priority: 'high', raisedAt: T0 });
    const door = makeAlarm({ id: 'door-critical', condition: 'door_forced', class: 'alarm', priority: 'critical', raisedAt: T0 + 1_000 });
    expect(ids(buildQueue([door, leak]).items)).toEqual(['leak', 'door-critical']);
  });

  it('puts a gateway and its offline devices into one row, and nothing else into it', () => {
    const queue = buildQueue(flood);
    const [group, ...others] = groups(queue.items);
    expect(others).toEqual([]);
    expect(group?.cause).toEqual({ type: 'gateway', gatewayId: 'GW-1' });
    expect(group?.alarms.map((a) => a.id).sort()).toEqual(['gw-1', 'off-1', 'off-2', 'off-3', 'off-4', 'off-5']);
  });

  it('says what a group holds, and times it from its first alarm', () => {
    const group = groups(buildQueue(flood).items)[0];
    expect(group?.byPriority).toEqual([['medium', 6]]);
    expect(group?.byCondition).toEqual([
      ['offline', 5],
      ['gateway_offline', 1],
    ]);
    expect(group?.unacked).toBe(6);
    expect(group?.firstAt).toBe(T0 + 1_000);
  });

  it('leaves an unrelated forced door a row of its own, never an "incident" of one', () => {
    const queue = buildQueue(flood);
    expect(queue.items.find((i) => i.key === 'door')).toMatchObject({ kind: 'alarm', alarm: { id: 'door' } });
  });

  it('shows one row per smoke detector: its fire with its pre-alarm, the fire first', () => {
    const queue = buildQueue(flood);
    const row = queue.items.find((i) => i.kind === 'alarm' && i.alarm.id === 'fire-1');
    expect(row?.kind === 'alarm' && row.also.map((a) => a.id)).toEqual(['pre-1']);
    expect(ids(queue.items).filter((id) => id.startsWith('pre-'))).toEqual(['pre-5', 'pre-4']);
    // Thirteen rows of the night became: 3 fires (2 with their pre-alarm), 2 pre-alarms, 1 group, 1 door.
    expect(queue.items).toHaveLength(7);
    expect(queue.unackedCount).toBe(flood.length);
  });

  it('keeps a detector in the same row when its pre-alarm becomes a fire', () => {
    const before = buildQueue([preAlarm(7, T0)]).items[0];
    const after = buildQueue([preAlarm(7, T0), fire(7, T0 + 30_000)]).items[0];
    expect(before?.key).toBe(after?.key);
    expect(after?.kind === 'alarm' && after.alarm.id).toBe('fire-7');
  });

  it("acknowledges a detector's fire and pre-alarm together, only those unacknowledged", () => {
    const row = buildQueue([{ ...preAlarm(8, T0), state: 'active_acked' }, fire(8, T0 + 1)]).items[0];
    expect(row?.kind === 'alarm' && rowAckTargets(row).map((a) => a.id)).toEqual(['fire-8']);
    const both = buildQueue([preAlarm(9, T0), fire(9, T0 + 1)]).items[0];
    expect(both?.kind === 'alarm' && rowAckTargets(both).map((a) => a.id)).toEqual(['fire-9', 'pre-9']);
  });

  it('groups a burst of the same trouble in one zone, not the same trouble across zones', () => {
    const battery = (n: number, zoneId: string): Alarm =>
      makeAlarm({ id: `bat-${n}-${zoneId}`, sensorId: `B-${n}`, zoneId, condition: 'battery_low', class: 'trouble', priority: 'low', latching: false });
    const queue = buildQueue([battery(1, 'kitchen'), battery(2, 'kitchen'), battery(3, 'kitchen'), battery(4, 'archive'), battery(5, 'archive')]);
    const [group, ...others] = groups(queue.items);
    expect(others).toEqual([]);
    expect(group?.cause).toEqual({ type: 'burst', condition: 'battery_low' });
    expect(group?.zoneId).toBe('kitchen');
    expect(ids(queue.items).filter((id) => !id.startsWith('burst:'))).toEqual(['bat-4-archive', 'bat-5-archive']);
  });

  it('never groups life-safety alarms, even a burst of them in one zone', () => {
    const leak = (n: number): Alarm => makeAlarm({ id: `leak-${n}`, sensorId: `L-${n}`, condition: 'leak', class: 'alarm', priority: 'high' });
    const co = (n: number): Alarm => makeAlarm({ id: `co-${n}`, sensorId: `C-${n}`, condition: 'co', class: 'alarm', priority: 'critical' });
    const queue = buildQueue([
      leak(1),
      leak(2),
      leak(3),
      co(1),
      co(2),
      co(3),
      makeAlarm({ id: 'gas-1' }),
      makeAlarm({ id: 'gas-2' }),
      makeAlarm({ id: 'gas-3' }),
    ]);
    expect(groups(queue.items)).toEqual([]);
    expect(queue.items).toHaveLength(9);
  });

  it('keeps drill alarms out of real groups', () => {
    const queue = buildQueue([gatewayDown, offline(1, T0), { ...offline(2, T0), drill: 'drill-1' }]);
    expect(
      groups(queue.items)[0]
        ?.alarms.map((a) => a.id)
        .sort(),
    ).toEqual(['gw-1', 'off-1']);
    expect(ids(queue.items)).toContain('off-2');
  });

  it("a group's acknowledge reaches only its unacknowledged trouble alarms", () => {
    const group = groups(buildQueue([gatewayDown, offline(1, T0), { ...offline(2, T0), state: 'active_acked' }]).items)[0];
    if (!group) throw new Error('expected a group');
    expect(groupAckTargets(group).map((a) => a.id)).toEqual(['gw-1', 'off-1']);
    // Even were a life-safety alarm ever put in a group, its acknowledge would leave it out.
    expect(groupAckTargets({ ...group, alarms: [...group.alarms, fire(1, T0)] }).map((a) => a.id)).toEqual(['gw-1', 'off-1']);
  });
});

describe('rows held still under the pointer', () => {
  const a = makeAlarm({ id: 'a', raisedAt: T0 });
  const b = makeAlarm({ id: 'b', raisedAt: T0 + 1_000 });
  const c = makeAlarm({ id: 'c', raisedAt: T0 + 2_000 });

  it('shows everything in queue order when nothing is held', () => {
    const { items, held } = holdOrder(buildQueue([a, b]).items, null);
    expect(ids(items)).toEqual(['b', 'a']);
    expect(held).toEqual([]);
  });

  it('keeps the shown rows where they were and holds a new one back, even one that sorts first', () => {
    const { items, held } = holdOrder(buildQueue([a, b, c]).items, ['b', 'a']);
    expect(ids(items)).toEqual(['b', 'a']);
    expect(ids(held)).toEqual(['c']);
  });

  it('holds nothing back when no row was shown (the queue was empty): never "No active alarms" over a held alarm', () => {
    const { items, held } = holdOrder(buildQueue([a]).items, []);
    expect(ids(items)).toEqual(['a']);
    expect(held).toEqual([]);
  });

  it('does not move a shown row whose sort position changed (acknowledged meanwhile)', () => {
    const { items } = holdOrder(buildQueue([a, { ...b, state: 'active_acked' }]).items, ['b', 'a']);
    expect(ids(items)).toEqual(['b', 'a']);
  });
});

describe('totals by priority and state', () => {
  const alarms = [
    makeAlarm({ id: '1', priority: 'critical' }),
    makeAlarm({ id: '2', priority: 'critical', state: 'active_acked' }),
    makeAlarm({ id: '3', priority: 'medium', shelved: { at: T0, until: T0 + 1, by: 'li', reason: 'x' } }),
    makeAlarm({ id: '4', priority: 'low', outOfService: true }),
    makeAlarm({ id: '5', priority: 'high', siteId: 'gh' }),
    makeAlarm({ id: '6', priority: 'high', drill: 'drill-1' }),
    makeAlarm({ id: '7', priority: 'high', state: 'cleared' }),
  ];

  it('counts one site, or all sites, leaving out drills and closed alarms', () => {
    const hq = totalsByPriority(alarms, 'hq');
    expect(hq.critical).toEqual({ unacked: 1, acked: 1, shelved: 0, outOfService: 0 });
    expect(hq.medium.shelved).toBe(1);
    expect(hq.low.outOfService).toBe(1);
    expect(hq.high).toEqual({ unacked: 0, acked: 0, shelved: 0, outOfService: 0 });
    expect(totalsByPriority(alarms, null).high.unacked).toBe(1);
  });
});
