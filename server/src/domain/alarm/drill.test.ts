import { describe, expect, it } from 'vitest';
import { endDrill } from './alarm.engine.ts';
import { Harness, MIN, S, kinds, makeSensor } from '../../../../test/support/alarm.fixtures.ts';

const GAS = 'GAS-01';

describe('drills', () => {
  it('marks alarms from drill observations with the drill id, apart from the real sensor', () => {
    // Observations carry the drill id; alarms from them are marked and kept out of real statistics.
    const h = new Harness({ sensors: [makeSensor('gas')] });
    h.at(0).reading(GAS, 25, { drill: 'canteen-gas-1' });
    h.at(1 * S).reading(GAS, 1); // real traffic goes on and must not clear the drill's alarm
    expect(h.only(GAS, 'gas', 'canteen-gas-1')).toMatchObject({ drill: 'canteen-gas-1', priority: 'critical', conditionActive: true });
    expect(h.alarmsOf(GAS, 'gas')).toEqual([]);
    h.at(2 * S).reading(GAS, 30); // a real leak during the drill is its own alarm
    expect(h.only(GAS, 'gas')).toMatchObject({ drill: null });
    expect(h.log.filter((e) => e.drill === 'canteen-gas-1').length).toBeGreaterThan(0);
  });

  it('runs a drill’s timers on tick: an on-delayed level is raised without another reading', () => {
    // Drills must look and feel like the real thing: the 2 s low on-delay fires from the tick.
    const h = new Harness({ sensors: [makeSensor('gas')] });
    h.at(0).reading(GAS, 15, { drill: 'd1' });
    expect(h.alarmsOf(GAS, 'gas', 'd1')).toEqual([]);
    expect(kinds(h.at(3 * S).tick())).toEqual(['raised:gas']);
    expect(h.only(GAS, 'gas', 'd1')).toMatchObject({ drill: 'd1', priority: 'high' });
    expect(h.alarmsOf(GAS, 'gas')).toEqual([]);
  });

  it('forgets the drill’s rule state when it ends, so its sensors do not go offline', () => {
    const h = new Harness({ sensors: [makeSensor('gas')] });
    h.at(0).reading(GAS, 1, { drill: 'd1' });
    h.state = endDrill(h.state, 'd1');
    h.at(1 * S).reading(GAS, 1);
    for (let t = 0; t <= 10 * MIN; t += MIN) {
      h.at(t).tick();
      h.at(t).reading(GAS, 1);
    }
    expect(h.alarmsOf(GAS, 'offline', 'd1')).toEqual([]);
  });
});
