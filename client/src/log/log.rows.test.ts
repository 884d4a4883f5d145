import { describe, expect, it } from 'vitest';
import { makeAlarm, T0 } from '../../../test/support/client.fixtures.ts';
import { withNewer, withReported } from './log.rows.ts';

const a1 = makeAlarm({ id: 'a1', raisedAt: T0, updatedAt: T0, priority: 'low', sensorName: 'Boiler CO', closedAt: null });
const a2 = makeAlarm({ id: 'a2', raisedAt: T0 + 60_000, updatedAt: T0 + 60_000, priority: 'critical', sensorName: 'Kitchen gas', closedAt: T0 + 90_000 });

describe('alarm log rows', () => {
  it('shows a resolved alarm in its row at once: the newer copy replaces the fetched row', () => {
    // The log must show a resolution as soon as it is made, not at the next fetch.
    const resolved = {
      ...a2,
      updatedAt: a2.updatedAt + 5000,
      resolution: { causeCategory: 'false_alarm' as const, cause: 'steam from the wok', correctiveAction: 'hood fan repaired', by: 'mgr', at: T0 },
    };
    const rows = withNewer([a1, a2], new Map([['a2', resolved]]));
    expect(rows.map((r) => r.resolution?.causeCategory ?? null)).toEqual([null, 'false_alarm']);
  });
  it('keeps the fetched row when the copy is older (a stale answer never undoes a change)', () => {
    const stale = { ...a2, updatedAt: a2.updatedAt - 1, state: 'active_unacked' as const };
    expect(withNewer([{ ...a2, state: 'cleared' }], new Map([['a2', stale]]))[0]?.state).toBe('cleared');
  });
  it('takes the later report of two changes stamped the same millisecond (resolving acknowledges first), never an older one', () => {
    const acked = { ...a2, state: 'cleared' as const, ackedAt: T0 + 70_000, updatedAt: T0 + 70_000 };
    const resolved = {
      ...acked,
      resolution: { causeCategory: 'equipment_fault' as const, cause: 'hose clamp', correctiveAction: 'replaced', by: 'mgr', at: T0 + 70_000 },
    };
    const both = withReported(withReported(new Map(), acked), resolved);
    expect(both.get('a2')?.resolution?.causeCategory).toBe('equipment_fault');
    expect(withReported(both, { ...a2, updatedAt: T0 + 69_000 }).get('a2')).toBe(resolved);
  });
});
