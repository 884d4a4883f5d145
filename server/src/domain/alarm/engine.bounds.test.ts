import { describe, expect, it } from 'vitest';
import { Harness, S, kinds, makeSensor } from '../../../../test/support/alarm.fixtures.ts';
import { persistEngineState, restoreEngineState } from './engine.state.ts';

// Drill ids come from the devices: made-up ones must not grow the engine's state without bound
// (docs/contracts.md#ingest-limits).
describe('drill rule states', () => {
  it('are kept at most maxDrillRuleStates, the least recently heard without an open alarm going first', () => {
    const h = new Harness({ sensors: [makeSensor('gas')], settings: { maxDrillRuleStates: 5 } });
    h.at(0).reading('GAS-01', 1); // the real sensor's state is never counted or evicted
    expect(kinds(h.at(1 * S).reading('GAS-01', 25, { drill: 'real-drill' }))).toEqual(['raised:gas']);
    for (let i = 0; i < 50; i += 1) h.at(2 * S + i).reading('GAS-01', 1, { drill: `made-up-${i}` });
    const drills = [...h.state.sensors.values()].filter((rs) => rs.drill !== null);
    expect(drills).toHaveLength(5);
    expect(drills.map((rs) => rs.drill)).toEqual(['real-drill', 'made-up-46', 'made-up-47', 'made-up-48', 'made-up-49']);
    expect(h.state.sensors.has('GAS-01')).toBe(true);
    // The drill with an open alarm still works as before.
    expect(h.only('GAS-01', 'gas', 'real-drill').state).toBe('active_unacked');
  });

  it('a restart keeps the bound: the store still holds the rows of evicted states', () => {
    const h = new Harness({ sensors: [makeSensor('gas')] });
    h.at(0).reading('GAS-01', 1);
    h.reading('GAS-01', 25, { drill: 'real-drill' });
    for (let i = 0; i < 30; i += 1) h.at(S + i).reading('GAS-01', 1, { drill: `made-up-${i}` });
    const saved = persistEngineState(h.state);
    const restored = restoreEngineState(saved, { maxDrillRuleStates: 3 });
    expect([...restored.sensors.values()].filter((rs) => rs.drill !== null).map((rs) => rs.drill)).toEqual(['real-drill', 'made-up-28', 'made-up-29']);
    expect(restored.sensors.has('GAS-01')).toBe(true);
  });
});
