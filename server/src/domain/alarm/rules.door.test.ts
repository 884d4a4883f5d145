// The door rules these tests hold the engine to: docs/contracts.md#conditions-and-rules.
import { describe, expect, it } from 'vitest';
import { Harness, MIN, S, T0, kinds, makeSensor } from '../../../../test/support/alarm.fixtures.ts';

const DOOR = 'DOOR-01';
const SERVER_ROOM = 'SRV-DOOR';
const harness = () =>
  new Harness({
    sensors: [
      makeSensor('door', { id: DOOR, zoneId: 'lobby', schedule: 'office' }),
      makeSensor('door', { id: SERVER_ROOM, zoneId: 'server-room', secureZone: true, heldOpenS: 30 }),
    ],
  });
// T0 is Friday 10:00 in Shanghai (office hours); +14 h is Saturday 00:00 — inside the Friday night
// window; +22 h is Saturday 08:00 — outside every window.
const H = 3600 * S;

describe('doors', () => {
  it('raises a forced door as critical in a secure zone and high elsewhere; closing clears it', () => {
    // Forced open (critical in a secure zone, high elsewhere).
    const h = harness();
    h.at(0).event(SERVER_ROOM, 'forced_open');
    h.at(0).event(DOOR, 'forced_open');
    expect(h.only(SERVER_ROOM, 'door_forced')).toMatchObject({ class: 'alarm', priority: 'critical', sopKey: 'forced_door' });
    expect(h.only(DOOR, 'door_forced')).toMatchObject({ class: 'supervisory', priority: 'high' });
    expect(kinds(h.at(5 * S).event(DOOR, 'closed'))).toEqual(['cleared:door_forced']);
  });

  it('raises held open once the door has been open longer than the zone limit', () => {
    // Held open longer than the zone's limit (default 60 s; supervisory), cleared by `closed`.
    const h = harness();
    h.at(0).event(DOOR, 'access_granted');
    h.at(1 * S).event(DOOR, 'open');
    expect(h.at(60 * S).tick()).toEqual([]);
    expect(kinds(h.at(61 * S).tick())).toEqual(['raised:door_held']);
    expect(h.only(DOOR, 'door_held')).toMatchObject({ class: 'supervisory', priority: 'medium', sopKey: 'held_door' });
    expect(kinds(h.at(90 * S).event(DOOR, 'closed'))).toEqual(['cleared:door_held']);
  });

  it('uses the sensor’s own held-open limit, and a door closed in time raises nothing', () => {
    const h = harness();
    h.at(0).event(SERVER_ROOM, 'open');
    h.at(29 * S).event(SERVER_ROOM, 'closed');
    h.at(40 * S).tick();
    expect(h.alarmsOf(SERVER_ROOM, 'door_held')).toEqual([]);
    h.at(100 * S).event(SERVER_ROOM, 'open');
    expect(kinds(h.at(130 * S).tick())).toEqual(['raised:door_held']);
  });

  it('raises a high alarm for 3 access denied within 60 s, and lets it clear after a quiet minute', () => {
    // 3 or more access denied at one door within 60 s (high).
    const h = harness();
    h.at(0).event(DOOR, 'access_denied', { credential: 'badge-4411' });
    h.at(20 * S).event(DOOR, 'access_denied', { credential: 'badge-4411' });
    expect(kinds(h.at(40 * S).event(DOOR, 'access_denied', { credential: 'badge-4411' }))).toEqual(['raised:access_denied_burst']);
    expect(h.only(DOOR, 'access_denied_burst')).toMatchObject({ priority: 'high', message: expect.stringContaining('badge-4411') });
    expect(h.at(50 * S).event(DOOR, 'access_denied')).toEqual([]); // still the same burst
    expect(h.at(109 * S).tick()).toEqual([]);
    expect(kinds(h.at(110 * S).tick())).toEqual(['cleared:access_denied_burst']);
  });

  it('does not count denials spread wider than 60 s', () => {
    const h = harness();
    for (const t of [0, 35, 70, 105]) h.at(t * S).event(DOOR, 'access_denied');
    expect(h.alarmsOf(DOOR, 'access_denied_burst')).toEqual([]);
  });

  it('raises after-hours access outside the schedule, judged at the device time', () => {
    // Access granted outside the zone's schedule (supervisory; site time zone).
    const h = harness();
    h.at(0).event(DOOR, 'access_granted'); // Fri 10:00
    h.at(14 * H).event(DOOR, 'access_granted'); // Sat 00:00, Friday night window
    expect(h.alarmsOf(DOOR, 'after_hours_access')).toEqual([]);
    h.at(22 * H).event(DOOR, 'access_granted', { credential: 'badge-7' }); // Sat 08:00
    expect(h.only(DOOR, 'after_hours_access')).toMatchObject({ class: 'supervisory', priority: 'medium', message: expect.stringContaining('badge-7') });
    // A late delivery of a Friday-morning access is judged at its own time.
    const h2 = harness();
    h2.at(22 * H).event(DOOR, 'access_granted', { ts: h2.now - 22 * H });
    expect(h2.alarmsOf(DOOR, 'after_hours_access')).toEqual([]);
  });

  it('judges access at the receive time once the reader is known to run 8 hours behind (clock_wrong)', () => {
    const h = harness();
    const behind = (o: { at: number }) => ({ ts: T0 + o.at - 8 * H });
    for (const at of [-20, -15, -10, -5].map((m) => m * MIN)) h.at(at).status(DOOR, { battery: 90 }, behind({ at }));
    expect(h.only(DOOR, 'clock_wrong')).toMatchObject({ conditionActive: true });
    // Fri 10:00 by the receive time, Fri 02:00 by the reader's clock.
    h.at(0).event(DOOR, 'access_granted', behind({ at: 0 }));
    expect(h.alarmsOf(DOOR, 'after_hours_access')).toEqual([]);
  });

  it('ignores access by schedule for a door without one', () => {
    const h = harness();
    h.at(22 * H).event(SERVER_ROOM, 'access_granted');
    expect(h.state.alarms.size).toBe(0);
  });

  it('raises tamper as trouble until tamper_clear', () => {
    // Tamper (trouble).
    const h = harness();
    h.at(0).event(DOOR, 'tamper');
    expect(h.only(DOOR, 'tamper')).toMatchObject({ class: 'trouble' });
    expect(kinds(h.at(5 * S).event(DOOR, 'tamper_clear'))).toEqual(['cleared:tamper']);
  });
});
