import { describe, expect, it } from 'vitest';
import { DRILL_ENDED_NOTE } from '../../../../contract/index.ts';
import { endDrill } from './drill.end.ts';
import { openAlarms } from './engine.state.ts';
import { Harness, MIN, S, alarmEvents, kinds, makeSensor } from '../../../../test/support/alarm.fixtures.ts';

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
    h.state = endDrill(h.state, h.ctx, 'd1', 'mgr.chen', h.now).state;
    h.at(1 * S).reading(GAS, 1);
    for (let t = 0; t <= 10 * MIN; t += MIN) {
      h.at(t).tick();
      h.at(t).reading(GAS, 1);
    }
    expect(h.alarmsOf(GAS, 'offline', 'd1')).toEqual([]);
  });

  it('closes the drill’s open alarms when it ends, as "drill ended" by whoever ended it, and leaves real alarms alone', () => {
    // A drill's alarms end with the drill: none may linger in the queue or escalate afterwards.
    const h = new Harness({ sensors: [makeSensor('gas')] });
    h.at(0).reading(GAS, 25, { drill: 'd1' });
    h.at(1 * S).reading(GAS, 30);
    const drillAlarm = h.only(GAS, 'gas', 'd1');
    expect(drillAlarm.latching).toBe(true); // a latched gas alarm would otherwise wait for a reset forever

    const r = endDrill(h.state, h.ctx, 'd1', 'mgr.chen', h.at(2 * S).now);
    const closing = alarmEvents(r.events);
    expect(closing.map((e) => [e.kind, e.alarmId, e.actor, e.note, e.drill])).toEqual([['cleared', drillAlarm.id, 'mgr.chen', DRILL_ENDED_NOTE, 'd1']]);
    expect(closing[0]!.alarm).toMatchObject({ state: 'cleared', closedAt: h.now, escalationDueAt: null });
    h.state = r.state;
    expect(openAlarms(h.state).map((a) => a.drill)).toEqual([null]);
    expect(h.only(GAS, 'gas')).toMatchObject({ state: 'active_unacked', closedAt: null });

    // Kept for the report, and never escalated: the ticks long after the critical limit change nothing.
    expect(h.only(GAS, 'gas', 'd1').state).toBe('cleared');
    const later = h.at(10 * MIN).tick();
    expect(alarmEvents(later).filter((e) => e.drill === 'd1')).toEqual([]);
  });

  it('ending a drill twice, or one without alarms, emits nothing', () => {
    const h = new Harness({ sensors: [makeSensor('gas')] });
    h.at(0).reading(GAS, 25, { drill: 'd1' });
    h.state = endDrill(h.state, h.ctx, 'd1', 'mgr.chen', h.at(1 * S).now).state;
    expect(endDrill(h.state, h.ctx, 'd1', 'mgr.chen', h.at(2 * S).now).events).toEqual([]);
    expect(endDrill(h.state, h.ctx, 'd2', 'mgr.chen', h.now).events).toEqual([]);
  });
});
