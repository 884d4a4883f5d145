// "The alarm comes to the officer": the plan follows a new alarm of the highest priority present,
// unless the officer touched the console in the last 30 s (then a "Go to" prompt).
import { describe, expect, it } from 'vitest';
import { makeAlarm, T0 } from '../../../test/support/client.fixtures.ts';
import type { Alarm } from '../../../contract/alarm.ts';
import { INTERACTION_QUIET_MS, alarmToFollow, followAction, knownAlarms } from './follow.ts';

const placed = (id: string): boolean => !id.startsWith('GW-');
const critical = (id: string, at = T0) => makeAlarm({ id, sensorId: `S-${id}`, priority: 'critical', raisedAt: at });
const high = (id: string, at = T0) => makeAlarm({ id, sensorId: `S-${id}`, priority: 'high', class: 'supervisory', raisedAt: at });
const seen = (...alarms: Alarm[]) => knownAlarms(alarms);

describe('which new alarm the plan follows', () => {
  it('follows a new alarm of the highest priority present', () => {
    expect(alarmToFollow(seen(high('h1')), [high('h1'), critical('c1')], placed)?.id).toBe('c1');
    expect(alarmToFollow(seen(critical('c1')), [critical('c1'), critical('c2', T0 + 1)], placed)?.id).toBe('c2');
  });

  it('does not leave a critical alarm for a new, lower one', () => {
    expect(alarmToFollow(seen(critical('c1')), [critical('c1'), high('h1', T0 + 1)], placed)).toBeNull();
  });

  it('ignores alarms it already knew, silenced ones and ones with no place on a plan', () => {
    expect(alarmToFollow(seen(critical('c1')), [critical('c1')], placed)).toBeNull();
    const shelved = makeAlarm({ ...critical('c2'), shelved: { at: T0, until: T0 + 60_000, by: 'li', reason: 'cleaning' } });
    expect(alarmToFollow(seen(), [shelved, high('h1')], placed)?.id).toBe('h1');
    expect(alarmToFollow(seen(), [makeAlarm({ ...critical('c3'), sensorId: 'GW-1' })], placed)).toBeNull();
    expect(alarmToFollow(seen(), [makeAlarm({ ...critical('c4'), state: 'cleared' })], placed)).toBeNull();
  });

  it('follows an open alarm that rises to the highest priority present (pre-alarm becomes fire)', () => {
    const preAlarm = high('s1');
    const fire = makeAlarm({ ...preAlarm, priority: 'critical' });
    expect(alarmToFollow(seen(preAlarm, critical('c1')), [fire, critical('c1')], placed)?.id).toBe('s1');
    // Rising, but still below the worst alarm present: the plan stays with the worst.
    const medium = makeAlarm({ ...high('m1'), priority: 'medium' });
    expect(alarmToFollow(seen(medium, critical('c1')), [high('m1'), critical('c1')], placed)).toBeNull();
    // Falling or unchanged priority is not news.
    expect(alarmToFollow(seen(fire), [preAlarm], placed)).toBeNull();
    expect(alarmToFollow(seen(fire), [fire], placed)).toBeNull();
  });

  it('takes the newest when several arrive together', () => {
    expect(alarmToFollow(seen(), [critical('a', T0 + 5), critical('b', T0 + 9), critical('c', T0 + 1)], placed)?.id).toBe('b');
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
