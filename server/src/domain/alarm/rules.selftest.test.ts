// Detector self-tests, limited in time so a stuck test flag cannot hide a fire
// (docs/contracts.md#conditions-and-rules; NFPA 72 14.4: a test signal is recorded, not an alarm).
import { describe, expect, it } from 'vitest';
import { Harness, MIN, S, kinds, makeSensor } from '../../../../test/support/alarm.fixtures.ts';

const SMK = 'SMK-01';
const GAS = 'GAS-01';
const harness = (selfTestMaxS?: number) =>
  new Harness({
    sensors: [makeSensor('smoke', { id: SMK, ...(selfTestMaxS !== undefined && { selfTestMaxS }) }), makeSensor('gas', { id: GAS })],
  });

describe('detector self-test', () => {
  it('takes smoke during a test within the limit for the test: recorded, no alarm', () => {
    const h = harness();
    h.at(0).event(SMK, 'test');
    expect(kinds(h.at(5 * S).event(SMK, 'smoke'))).toEqual(['sensor_test']);
    h.at(20 * S).event(SMK, 'smoke_clear');
    h.at(21 * S).event(SMK, 'test_clear');
    h.at(3 * MIN).tick();
    expect(h.alarmsOf(SMK, 'smoke')).toEqual([]);
    expect(h.alarmsOf(SMK, 'self_test_stuck')).toEqual([]);
  });

  it('raises the fire alarm and self_test_stuck when the test outlasts its 2 minutes with smoke still reported', () => {
    const h = harness();
    h.at(0).event(SMK, 'test');
    h.at(5 * S).event(SMK, 'smoke');
    expect(kinds(h.at(119 * S).tick())).toEqual([]);
    expect(kinds(h.at(120 * S).tick())).toEqual(['raised:self_test_stuck', 'raised:smoke']);
    expect(h.only(SMK, 'smoke')).toMatchObject({ priority: 'critical', latching: true });
    expect(h.only(SMK, 'self_test_stuck')).toMatchObject({ class: 'trouble' });
  });

  it('counts smoke reported after the limit at once, even with the test flag still on', () => {
    const h = harness();
    h.at(0).event(SMK, 'test');
    expect(kinds(h.at(3 * MIN).event(SMK, 'smoke'))).toEqual(['raised:self_test_stuck', 'raised:smoke']);
  });

  it('clears self_test_stuck when the test ends, and never restarts the limit on a repeated test report', () => {
    const h = harness();
    h.at(0).event(SMK, 'test');
    h.at(90 * S).event(SMK, 'test');
    expect(kinds(h.at(120 * S).tick())).toEqual(['raised:self_test_stuck']);
    expect(kinds(h.at(5 * MIN).event(SMK, 'test_clear'))).toEqual(['cleared:self_test_stuck']);
  });

  it('raises smoke still reported when the test ends: it outlasted the test', () => {
    const h = harness();
    h.at(0).event(SMK, 'test');
    h.at(5 * S).event(SMK, 'smoke');
    expect(kinds(h.at(30 * S).event(SMK, 'test_clear'))).toEqual(['raised:smoke']);
  });

  it('takes the limit from the sensor settings (selfTestMaxS)', () => {
    const h = harness(30);
    h.at(0).event(SMK, 'test');
    h.at(5 * S).event(SMK, 'pre_alarm');
    expect(kinds(h.at(30 * S).tick())).toEqual(['raised:self_test_stuck', 'raised:smoke_pre_alarm']);
  });

  it('holds a gas detector alarm during its test the same way', () => {
    const h = harness();
    h.at(0).event(GAS, 'test');
    expect(kinds(h.at(1 * S).event(GAS, 'gas'))).toEqual(['sensor_test']);
    expect(kinds(h.at(2 * MIN).tick())).toEqual(['raised:self_test_stuck', 'raised:gas']);
    expect(h.only(GAS, 'gas')).toMatchObject({ priority: 'critical' });
  });

  it('forgets a held signal that cleared within the test', () => {
    const h = harness();
    h.at(0).event(SMK, 'test');
    h.at(5 * S).event(SMK, 'smoke');
    h.at(10 * S).event(SMK, 'smoke_clear');
    expect(kinds(h.at(2 * MIN).tick())).toEqual(['raised:self_test_stuck']);
  });
});
