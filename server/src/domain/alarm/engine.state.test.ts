import { describe, expect, it, vi } from 'vitest';
import { evaluate } from './alarm.engine.ts';
import { openAlarms, persistEngineState, restoreEngineState, sensorLiveStates } from './engine.state.ts';
import { Harness, MIN, S, kinds, makeSensor } from '../../../../test/support/alarm.fixtures.ts';

const sensors = [makeSensor('gas', { heartbeatS: 86_400 }), makeSensor('door', { id: 'DOOR-01', heartbeatS: 86_400 })];
const restart = (h: Harness, at: number): void => {
  // What the service does: store as JSON (SQLite rows), read back after a kill -9.
  const saved = JSON.parse(JSON.stringify(persistEngineState(h.state)));
  h.state = restoreEngineState(saved, { restartedAt: h.at(at).now });
};

describe('engine state persistence', () => {
  it('comes back after a restart with the same alarms, states and acknowledgements', () => {
    // After a restart the active alarm list, states and acknowledgements are exactly as before.
    const h = new Harness({ sensors });
    h.at(0).reading('GAS-01', 25);
    h.at(1 * S).event('DOOR-01', 'tamper');
    h.act(h.only('DOOR-01', 'tamper').id, { type: 'ack' });
    const before = openAlarms(h.state);
    restart(h, 10 * S);
    expect(openAlarms(h.state)).toEqual(before);
    // Ids keep counting from where they were: never reused.
    h.at(11 * S).event('DOOR-01', 'forced_open');
    expect(new Set([...h.state.alarms.keys()]).size).toBe(3);
    // Ids embed the raise time, so the line above holds even with a reset count; the count itself
    // must go on (a clock stepped back across the restart would otherwise hand out an old id).
    expect(h.state.counters.alarm).toBe(3);
  });

  it('resumes timers from the stored times: escalation, shelf expiry, held-open door, latched reset', () => {
    const h = new Harness({ sensors });
    h.at(0).reading('GAS-01', 25); // critical, due to escalate at 60 s
    h.at(0).event('DOOR-01', 'open'); // held open at 60 s
    h.at(0).event('DOOR-01', 'tamper');
    h.act(h.only('DOOR-01', 'tamper').id, { type: 'shelve', durationS: 90, reason: 'cover off for cleaning' });
    restart(h, 30 * S);
    expect(h.at(59 * S).tick()).toEqual([]);
    expect(kinds(h.at(60 * S).tick())).toEqual(['raised:door_held', 'escalated:gas']);
    expect(kinds(h.at(90 * S).tick())).toEqual(['unshelved:tamper']);
    h.at(100 * S).reading('GAS-01', 0);
    const gas = h.only('GAS-01', 'gas');
    h.act(gas.id, { type: 'ack' });
    expect(kinds(h.act(gas.id, { type: 'reset' }))).toEqual(['reset:gas']);
  });

  it('drops closed alarms from memory after the retention time; they live on in the store', () => {
    const h = new Harness({ sensors, settings: { retainClosedS: 3600 } });
    h.at(0).event('DOOR-01', 'tamper');
    const id = h.only('DOOR-01', 'tamper').id;
    h.act(id, { type: 'ack' });
    h.at(1 * S).event('DOOR-01', 'tamper_clear');
    h.at(60 * MIN).tick();
    expect(h.state.alarms.has(id)).toBe(true);
    h.at(61 * MIN).tick();
    expect(h.state.alarms.has(id)).toBe(false);
  });

  it('reports live sensor states with maintenance for the snapshot', () => {
    const h = new Harness({ sensors });
    h.at(0).reading('GAS-01', 3.5);
    h.at(0).status('DOOR-01', { online: false, battery: 80, rssi: -70 });
    expect(sensorLiveStates(h.state, h.ctx.registry)).toEqual([
      { sensorId: 'GAS-01', lastSeen: h.now, lastValue: 3.5, lastEvent: null, online: null, battery: null, rssi: null, outOfService: null },
      { sensorId: 'DOOR-01', lastSeen: h.now, lastValue: null, lastEvent: null, online: false, battery: 80, rssi: -70, outOfService: null },
    ]);
  });

  it('shows a sensor the watchdog found silent as offline, whatever it last said of itself', () => {
    // A dead sensor must never be a silent failure: the floor plan must not show it online.
    const h = new Harness({ sensors: [makeSensor('gas')] });
    h.at(0).status('GAS-01', { online: true });
    h.at(3 * MIN + S).tick();
    expect(h.only('GAS-01', 'offline')).toMatchObject({ conditionActive: true });
    expect(sensorLiveStates(h.state, h.ctx.registry)).toMatchObject([{ sensorId: 'GAS-01', online: false }]);
  });
});

describe('the ingest hot path', () => {
  it('answers a normal reading with the shared empty event list', () => {
    const h = new Harness({ sensors });
    const sensor = h.ctx.registry.sensor('GAS-01');
    const obs = {
      siteId: 'hq',
      sensorId: 'GAS-01',
      zoneId: 'kitchen',
      kind: 'gas',
      ts: h.now,
      receivedAt: h.now,
      source: 'mqtt',
      channel: 'reading',
      value: 2,
      unit: '%LEL',
    } as const;
    const a = evaluate(h.state, obs, sensor, h.ctx, h.now);
    const b = evaluate(a.state, obs, sensor, h.ctx, h.now + 1000);
    expect(b.events).toBe(a.events);
    expect(Object.isFrozen(b.events)).toBe(true);
  });

  it('never reads the wall clock: time comes in as an argument', () => {
    // Time is a port (CONTRIBUTING.md "Layer rules"): the engine never reads the wall clock.
    const wall = vi.spyOn(Date, 'now');
    const h = new Harness({ sensors });
    h.at(0).reading('GAS-01', 25);
    h.at(0).event('DOOR-01', 'open');
    h.at(10 * MIN).tick();
    h.act(h.only('GAS-01', 'gas').id, { type: 'ack' });
    expect(wall).not.toHaveBeenCalled();
    wall.mockRestore();
  });
});
