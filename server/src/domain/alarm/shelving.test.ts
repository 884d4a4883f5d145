// Shelving as docs/contracts.md#alarm-actions describes it (ISA-18.2 shelving).
import { describe, expect, it } from 'vitest';
import { Harness, MIN, S, kinds, makeSensor } from '../../../../test/support/alarm.fixtures.ts';

const DOOR = 'DOOR-01';
// A long heartbeat keeps the offline watchdog out of these long silences.
const harness = () => new Harness({ sensors: [makeSensor('door', { id: DOOR, heartbeatS: 86_400 })] });
const tamper = (h: Harness, at = 0): string => {
  h.at(at).event(DOOR, 'tamper');
  return h.alarmsOf(DOOR, 'tamper').at(-1)?.id ?? '';
};

describe('shelving', () => {
  it('needs a reason and a duration within the role limit (default 8 h)', () => {
    // Shelving with a duration (role-limited maximum, default 8 h) and a required reason.
    const h = harness();
    const id = tamper(h);
    expect(h.refuse(id, { type: 'shelve', durationS: 600, reason: '  ' })).toBe('REASON_REQUIRED');
    expect(h.refuse(id, { type: 'shelve', durationS: 8 * 3600 + 1, reason: 'maintenance' })).toBe('SHELVE_TOO_LONG');
    expect(h.refuse(id, { type: 'shelve', durationS: 3600, reason: 'maintenance' }, { maxShelveS: 1800 })).toBe('SHELVE_TOO_LONG');
    expect(h.refuse(id, { type: 'shelve', durationS: 8 * 3600, reason: 'maintenance' })).toBe('accepted');
    expect(h.state.alarms.get(id)?.shelved).toMatchObject({ by: 'officer.li', reason: 'maintenance', until: h.now + 8 * 3600 * S });
  });

  it('unshelves automatically at expiry; a still-active alarm reappears', () => {
    // Auto-unshelve at expiry; a shelved alarm that is still active reappears.
    const h = harness();
    const id = tamper(h);
    h.act(id, { type: 'shelve', durationS: 600, reason: 'technician on site' });
    expect(h.at(599 * S).tick()).toEqual([]);
    const events = h.at(600 * S).tick();
    expect(kinds(events)).toEqual(['unshelved:tamper']);
    expect(events[0]).toMatchObject({ actor: 'system', note: 'shelve expired; alarm still active', alarm: { shelved: null, state: 'active_unacked' } });
  });

  it('does not escalate while shelved; escalation restarts from the reappearance', () => {
    // Escalation of unacknowledged alarms; ISA-18.2: shelved alarms are suppressed.
    const h = harness();
    const id = tamper(h); // medium: 30 min limit
    h.act(id, { type: 'shelve', durationS: 3600, reason: 'known issue' });
    expect(h.at(40 * MIN).tick()).toEqual([]);
    h.at(60 * MIN).tick();
    expect(h.state.alarms.get(id)?.escalationDueAt).toBe(h.now + 30 * MIN);
    expect(kinds(h.at(90 * MIN).tick())).toEqual(['escalated:tamper']);
  });

  it('keeps a shelved point shelved when its alarm closes and re-opens', () => {
    // ISA-18.2: shelving applies to the alarm point, so a chattering alarm stays quiet.
    const h = harness();
    const first = tamper(h);
    h.act(first, { type: 'ack' });
    h.act(first, { type: 'shelve', durationS: 1800, reason: 'loose cover, chattering' });
    h.at(10 * S).event(DOOR, 'tamper_clear');
    expect(h.state.alarms.get(first)?.state).toBe('cleared');
    const second = tamper(h, 20 * S);
    expect(second).not.toBe(first);
    expect(h.state.alarms.get(second)).toMatchObject({ shelved: { reason: 'loose cover, chattering' }, escalationDueAt: null });
  });

  it('can be unshelved by hand, and refuses to unshelve what is not shelved or shelve what is closed', () => {
    const h = harness();
    const id = tamper(h);
    expect(h.refuse(id, { type: 'unshelve' })).toBe('INVALID_TRANSITION');
    h.act(id, { type: 'shelve', durationS: 600, reason: 'r' });
    expect(kinds(h.at(60 * S).act(id, { type: 'unshelve' }, 'officer.wang'))).toEqual(['unshelved:tamper']);
    expect(h.at(600 * S).tick()).toEqual([]); // the old expiry does nothing
    h.act(id, { type: 'ack' });
    h.event(DOOR, 'tamper_clear');
    expect(h.refuse(id, { type: 'shelve', durationS: 60, reason: 'r' })).toBe('INVALID_TRANSITION');
  });
});
