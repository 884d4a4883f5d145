import { describe, expect, it } from 'vitest';
import { makeAlarm, makeIncident, T0 } from '../../../test/support/client.fixtures.ts';
import { buildQueue, compareAlarms } from './alarm.queue.ts';

const ids = (items: ReturnType<typeof buildQueue>['items']): string[] => items.map((i) => (i.kind === 'alarm' ? i.alarm.id : `incident:${i.incident.id}`));

describe('alarm queue ordering (unacknowledged first, then priority, then time)', () => {
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

  it('groups the members of a flood incident into one row, ordered like any other row', () => {
    const incident = makeIncident({ id: 'inc-1', priority: 'high', unackedCount: 2, openedAt: T0 + 10_000 });
    const incidents = new Map([[incident.id, incident]]);
    const queue = buildQueue(
      [
        makeAlarm({ id: 'm1', priority: 'high', incidentId: 'inc-1', raisedAt: T0 + 10_000 }),
        makeAlarm({ id: 'm2', priority: 'medium', incidentId: 'inc-1', raisedAt: T0 + 11_000 }),
        makeAlarm({ id: 'critical', priority: 'critical' }),
        makeAlarm({ id: 'acked-high', priority: 'high', state: 'active_acked' }),
      ],
      incidents,
    );
    expect(ids(queue.items)).toEqual(['critical', 'incident:inc-1', 'acked-high']);
    const row = queue.items[1];
    expect(row?.kind === 'incident' && row.alarms.map((a) => a.id)).toEqual(['m1', 'm2']);
    expect(queue.unackedCount).toBe(3);
  });

  it('shows an alarm on its own when its incident is unknown to the client', () => {
    const queue = buildQueue([makeAlarm({ id: 'orphan', incidentId: 'gone' })]);
    expect(ids(queue.items)).toEqual(['orphan']);
  });
});
