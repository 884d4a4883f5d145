// The water-leak rules these tests hold the engine to: docs/contracts.md#conditions-and-rules
// (leak → alarm, high, latching; reset only once the detector reports dry; leakOnDelayS).
import { describe, expect, it } from 'vitest';
import { Harness, S, kinds, makeSensor } from '../../../../test/support/alarm.fixtures.ts';

const LEAK = 'LEAK-01';
const SLOW = 'LEAK-SLOW';
const harness = () => new Harness({ sensors: [makeSensor('leak', { id: LEAK }), makeSensor('leak', { id: SLOW, leakOnDelayS: 10 })] });

describe('water-leak detectors', () => {
  it('raises a high, latching leak alarm at once with the water_leak SOP', () => {
    const h = harness();
    expect(kinds(h.at(0).event(LEAK, 'leak', { detail: 'probe 1' }))).toEqual(['raised:leak']);
    expect(h.only(LEAK, 'leak')).toMatchObject({
      class: 'alarm',
      priority: 'high',
      latching: true,
      conditionActive: true,
      sopKey: 'water_leak',
      sop: ['Shut the water main', 'Protect equipment'],
      message: expect.stringContaining('probe 1'),
    });
  });

  it('refuses a reset while the probe is wet and accepts it once the detector reports dry', () => {
    const h = harness();
    h.at(0).event(LEAK, 'leak');
    const id = h.only(LEAK, 'leak').id;
    h.at(5 * S).act(id, { type: 'ack' });
    expect(h.at(6 * S).refuse(id, { type: 'reset' })).toBe('CONDITION_ACTIVE');
    // Drying out does not clear a latched alarm by itself: someone must have looked.
    h.at(60 * S).event(LEAK, 'leak_clear');
    expect(h.only(LEAK, 'leak')).toMatchObject({ state: 'active_acked', conditionActive: false });
    expect(kinds(h.at(70 * S).act(id, { type: 'reset' }))).toEqual(['reset:leak']);
    expect(h.only(LEAK, 'leak').state).toBe('cleared');
  });

  it('waits leakOnDelayS of unbroken wet before raising, completing on a tick', () => {
    const h = harness();
    expect(h.at(0).event(SLOW, 'leak')).toEqual([]);
    // A repeated wet report (a periodic state message) does not restart the delay.
    expect(h.at(6 * S).event(SLOW, 'leak')).toEqual([]);
    expect(h.at(9.9 * S).tick()).toEqual([]);
    expect(kinds(h.at(10 * S).tick())).toEqual(['raised:leak']);
  });

  it('raises nothing when the probe dries within the on-delay', () => {
    const h = harness();
    h.at(0).event(SLOW, 'leak');
    h.at(4 * S).event(SLOW, 'leak_clear');
    expect(h.at(30 * S).tick()).toEqual([]);
    // The next wet report starts the delay afresh.
    h.at(40 * S).event(SLOW, 'leak');
    expect(h.at(49 * S).tick()).toEqual([]);
    expect(kinds(h.at(50 * S).tick())).toEqual(['raised:leak']);
  });

  // Water that splashes or drips makes and breaks the probe's contact: dry spells shorter than
  // the on-delay are part of one wetting, or a flapping probe in a flooding room would never be
  // raised (each dry report restarting the delay).
  it('a probe flapping wet and dry faster than the on-delay is raised once it has been wet that long', () => {
    const h = harness();
    const flaps: [number, 'leak' | 'leak_clear'][] = [
      [0, 'leak'],
      [4, 'leak_clear'],
      [6, 'leak'],
      [9, 'leak_clear'],
    ];
    for (const [t, type] of flaps) expect(h.at(t * S).event(SLOW, type)).toEqual([]);
    // Wet 4 s + 3 s so far: 3 s to go once wet again.
    expect(h.at(10 * S).tick()).toEqual([]);
    expect(h.at(11 * S).event(SLOW, 'leak')).toEqual([]);
    expect(h.at(13.9 * S).tick()).toEqual([]);
    expect(kinds(h.at(14 * S).tick())).toEqual(['raised:leak']);
  });

  it('two short wettings (a mop passing twice) add up to less than the on-delay: nothing raised', () => {
    const h = harness();
    h.at(0).event(SLOW, 'leak');
    h.at(4 * S).event(SLOW, 'leak_clear');
    h.at(8 * S).event(SLOW, 'leak');
    // Ten seconds after the first wet report, but wet for six of them.
    expect(h.at(10 * S).tick()).toEqual([]);
    h.at(12 * S).event(SLOW, 'leak_clear');
    expect(h.at(60 * S).tick()).toEqual([]);
    // Dry for longer than the delay: the next wetting counts from nothing.
    h.at(70 * S).event(SLOW, 'leak');
    expect(h.at(79 * S).tick()).toEqual([]);
    expect(kinds(h.at(80 * S).tick())).toEqual(['raised:leak']);
  });

  it('keeps a drill leak apart from the real detector', () => {
    const h = harness();
    h.at(0).event(LEAK, 'leak', { drill: 'd-1' });
    expect(h.only(LEAK, 'leak', 'd-1')).toMatchObject({ priority: 'high', drill: 'd-1' });
    expect(h.alarmsOf(LEAK, 'leak')).toEqual([]);
  });

  it('raises fault and low battery like every battery detector', () => {
    const h = harness();
    h.at(0).event(LEAK, 'fault', { detail: 'probe cable cut' });
    expect(h.only(LEAK, 'fault')).toMatchObject({ class: 'trouble' });
    h.at(S).status(LEAK, { battery: 10 });
    expect(h.only(LEAK, 'battery_low')).toMatchObject({ priority: 'low' });
  });
});
