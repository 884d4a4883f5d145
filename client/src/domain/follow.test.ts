// "The alarm comes to the officer": the plan follows a new alarm of the highest priority present,
// unless the officer touched the console in the last 30 s (then a "Go to" prompt).
import { describe, expect, it } from 'vitest';
import { makeAlarm, T0 } from '../../../test/support/client.fixtures.ts';
import { INTERACTION_QUIET_MS, alarmToFollow, followAction } from './follow.ts';

const placed = (id: string): boolean => !id.startsWith('GW-');
const critical = (id: string, at = T0) => makeAlarm({ id, sensorId: `S-${id}`, priority: 'critical', raisedAt: at });
const high = (id: string, at = T0) => makeAlarm({ id, sensorId: `S-${id}`, priority: 'high', class: 'supervisory', raisedAt: at });

describe('which new alarm the plan follows', () => {
  it('follows a new alarm of the highest priority present', () => {
    expect(alarmToFollow(new Set(['h1']), [high('h1'), critical('c1')], placed)?.id).toBe('c1');
    expect(alarmToFollow(new Set(['c1']), [critical('c1'), critical('c2', T0 + 1)], placed)?.id).toBe('c2');
  });

  it('does not leave a critical alarm for a new, lower one', () => {
    expect(alarmToFollow(new Set(['c1']), [critical('c1'), high('h1', T0 + 1)], placed)).toBeNull();
  });

  it('ignores alarms it already knew, silenced ones and ones with no place on a plan', () => {
    expect(alarmToFollow(new Set(['c1']), [critical('c1')], placed)).toBeNull();
    const shelved = makeAlarm({ ...critical('c2'), shelved: { at: T0, until: T0 + 60_000, by: 'li', reason: 'cleaning' } });
    expect(alarmToFollow(new Set(), [shelved, high('h1')], placed)?.id).toBe('h1');
    expect(alarmToFollow(new Set(), [makeAlarm({ ...critical('c3'), sensorId: 'GW-1' })], placed)).toBeNull();
    expect(alarmToFollow(new Set(), [makeAlarm({ ...critical('c4'), state: 'cleared' })], placed)).toBeNull();
  });

  it('takes the newest when several arrive together', () => {
    expect(alarmToFollow(new Set(), [critical('a', T0 + 5), critical('b', T0 + 9), critical('c', T0 + 1)], placed)?.id).toBe('b');
  });
});

describe('going there or asking first', () => {
  it('goes when the officer has not touched the console for 30 s, asks when they have', () => {
    expect(followAction(true, T0, null)).toBe('go');
    expect(followAction(true, T0 + INTERACTION_QUIET_MS, T0)).toBe('go');
    expect(followAction(true, T0 + INTERACTION_QUIET_MS - 1, T0)).toBe('prompt');
    expect(INTERACTION_QUIET_MS).toBe(30_000);
  });

  it('does nothing when following is turned off', () => {
    expect(followAction(false, T0, null)).toBe('none');
    expect(followAction(false, T0 + 1, T0)).toBe('none');
  });
});
