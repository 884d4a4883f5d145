// A drill's alarms look like the real thing on purpose, so the queue must never let one stand in
// front of a real alarm: every real alarm sorts above every drill alarm, whatever the states,
// priorities and conditions (docs/contracts.md#drills).
import { describe, expect, it } from 'vitest';
import { makeAlarm, T0 } from '../../../test/support/client.fixtures.ts';
import { buildQueue, compareAlarms, type QueueItem } from './alarm.queue.ts';

const ids = (items: QueueItem[]): string[] => items.map((i) => (i.kind === 'alarm' ? i.alarm.id : i.key));

describe('drill alarms in the queue', () => {
  it('sort below every real alarm: an unacknowledged critical drill fire below an acknowledged low real trouble', () => {
    const queue = buildQueue([
      makeAlarm({ id: 'drill-fire', drill: 'drill-1', condition: 'smoke', priority: 'critical', state: 'active_unacked', raisedAt: T0 + 9_000 }),
      makeAlarm({ id: 'real-battery', condition: 'battery_low', priority: 'low', state: 'active_acked', raisedAt: T0 }),
      makeAlarm({ id: 'drill-gas', drill: 'drill-1', condition: 'gas', priority: 'high', state: 'active_unacked', raisedAt: T0 + 5_000 }),
      makeAlarm({ id: 'real-gas', condition: 'gas', priority: 'high', state: 'active_unacked', raisedAt: T0 + 1_000 }),
    ]);
    expect(ids(queue.items)).toEqual(['real-gas', 'real-battery', 'drill-fire', 'drill-gas']);
    // Both still count as waiting for acknowledgement: below is not hidden.
    expect(queue.unackedCount).toBe(3);
  });

  it('keep the usual order among themselves', () => {
    const critical = makeAlarm({ id: 'd-critical', drill: 'drill-1', priority: 'critical' });
    const medium = makeAlarm({ id: 'd-medium', drill: 'drill-1', priority: 'medium', condition: 'gas_rise' });
    expect(compareAlarms(critical, medium)).toBeLessThan(0);
    expect(compareAlarms(makeAlarm({ id: 'real', priority: 'low', state: 'active_acked', condition: 'battery_low' }), critical)).toBeLessThan(0);
  });
});
