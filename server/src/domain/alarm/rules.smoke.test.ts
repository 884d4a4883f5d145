// The smoke-detector rules these tests hold the engine to: docs/contracts.md#conditions-and-rules.
import { describe, expect, it } from 'vitest';
import { Harness, S, kinds, makeSensor } from '../../../../test/support/alarm.fixtures.ts';

const SMK = 'SMK-01';
const harness = () => new Harness({ sensors: [makeSensor('smoke', { id: SMK })] });

describe('smoke detectors', () => {
  it('raises a critical fire alarm that stays latched until acknowledged and reset', () => {
    // NFPA 72: a fire alarm signal is latching; smoke → alarm (critical, latching).
    const h = harness();
    h.at(0).event(SMK, 'smoke');
    const id = h.only(SMK, 'smoke').id;
    expect(h.only(SMK, 'smoke')).toMatchObject({
      class: 'alarm',
      priority: 'critical',
      latching: true,
      sopKey: 'fire',
      sop: ['Call 119', 'Evacuate', 'Check the panel'],
    });
    h.at(30 * S).event(SMK, 'smoke_clear');
    expect(h.only(SMK, 'smoke')).toMatchObject({ state: 'active_unacked', conditionActive: false });
    h.at(40 * S).act(id, { type: 'ack' });
    expect(kinds(h.at(50 * S).act(id, { type: 'reset' }))).toEqual(['reset:smoke']);
  });

  it('raises a pre-alarm as high priority, clearing with the detector', () => {
    const h = harness();
    h.at(0).event(SMK, 'pre_alarm');
    expect(h.only(SMK, 'smoke_pre_alarm')).toMatchObject({ priority: 'high', latching: false });
    expect(kinds(h.at(10 * S).event(SMK, 'pre_alarm_clear'))).toEqual(['cleared:smoke_pre_alarm']);
  });

  it('records a test without raising an alarm', () => {
    // Test (recorded, no alarm).
    const h = harness();
    const events = h.at(0).event(SMK, 'test');
    expect(events).toEqual([expect.objectContaining({ subject: 'sensor', kind: 'sensor_test', sensorId: SMK })]);
    expect(h.state.alarms.size).toBe(0);
    expect(h.state.sensors.get(SMK)?.lastTestAt).toBe(h.now);
  });

  it('raises fault and dirty chamber as trouble', () => {
    // Fault / dirty chamber / tamper (trouble).
    const h = harness();
    h.at(0).event(SMK, 'dirty_chamber');
    expect(h.only(SMK, 'fault')).toMatchObject({ class: 'trouble', message: expect.stringContaining('dirty chamber') });
    expect(kinds(h.at(10 * S).event(SMK, 'fault_clear'))).toEqual(['cleared:fault']);
  });

  it('raises battery low below batteryLowPct (low priority) and clears it with hysteresis', () => {
    // Battery below 20 % (low).
    const h = harness();
    h.at(0).status(SMK, { battery: 21 });
    expect(h.state.alarms.size).toBe(0);
    h.at(1 * S).status(SMK, { battery: 19 });
    expect(h.only(SMK, 'battery_low')).toMatchObject({ class: 'trouble', priority: 'low', lastValue: 19, unit: '%' });
    expect(h.at(2 * S).status(SMK, { battery: 22 })).toEqual([]);
    expect(kinds(h.at(3 * S).status(SMK, { battery: 100 }))).toEqual(['cleared:battery_low']);
  });
});
