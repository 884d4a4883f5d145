// Sprinkler supervision in the NFPA 72 signal classes (docs/contracts.md#sprinkler-supervision):
// water flow is an alarm signal (critical, latching) after the switch's retard; a valve off open,
// a running pump and riser pressure out of limits are supervisory; pump power and phase faults
// are trouble. Water flow with a fire alarm in its zone is one incident at fire priority; without
// one it takes the pipe-break procedure.
import { describe, expect, it } from 'vitest';
import { Harness, S, SOPS, kinds, makeSensor } from '../../../../test/support/alarm.fixtures.ts';

const FLOW = 'GH-FLOW';
const SLOW = 'GH-FLOW-RETARD';
const VALVE = 'GH-VALVE';
const PUMP = 'GH-PUMP';
const PRESS = 'GH-PRESS';
const SMOKE = 'GH-SMK';
const OTHER_SMOKE = 'LOBBY-SMK';

const sops = {
  ...SOPS,
  waterflow_no_fire: ['Send a patrol to the riser', 'Prepare to shut the zone valve'],
  sprinkler_fire: ['Call 119', 'Leave the valve open'],
};
const harness = () =>
  new Harness({
    sops,
    sensors: [
      makeSensor('waterflow', { id: FLOW, zoneId: 'guesthouse' }),
      makeSensor('waterflow', { id: SLOW, zoneId: 'guesthouse', waterflowRetardS: 30 }),
      makeSensor('valve', { id: VALVE, zoneId: 'guesthouse' }),
      makeSensor('pump', { id: PUMP, zoneId: 'guesthouse' }),
      makeSensor('pressure', { id: PRESS, zoneId: 'guesthouse', pressureLimits: { low: 5, high: 12 } }),
      makeSensor('smoke', { id: SMOKE, zoneId: 'guesthouse' }),
      makeSensor('smoke', { id: OTHER_SMOKE, zoneId: 'lobby' }),
    ],
  });

describe('signal classes', () => {
  it('water flow is an alarm signal: critical, latching, the pipe-break procedure without a fire alarm', () => {
    const h = harness();
    expect(kinds(h.at(0).event(FLOW, 'waterflow'))).toEqual(['raised:waterflow']);
    expect(h.only(FLOW, 'waterflow')).toMatchObject({
      class: 'alarm',
      priority: 'critical',
      latching: true,
      sopKey: 'waterflow_no_fire',
      sop: sops.waterflow_no_fire,
      incidentId: null,
    });
    // Latching: the flow stopping does not clear it; someone must reset it.
    h.at(10 * S).event(FLOW, 'waterflow_clear');
    expect(h.only(FLOW, 'waterflow')).toMatchObject({ state: 'active_unacked', conditionActive: false });
  });

  it('a valve off open is supervisory (high), and clears when it is open again', () => {
    const h = harness();
    h.at(0).event(VALVE, 'valve_closed');
    expect(h.only(VALVE, 'valve_closed')).toMatchObject({ class: 'supervisory', priority: 'high', latching: false, sopKey: 'default' });
    h.at(5 * S).event(VALVE, 'valve_open');
    expect(h.only(VALVE, 'valve_closed')).toMatchObject({ state: 'cleared_unacked', conditionActive: false });
  });

  it('a running fire pump is supervisory; power failure and phase reversal are trouble', () => {
    const h = harness();
    h.at(0).event(PUMP, 'pump_running');
    h.at(1 * S).event(PUMP, 'pump_power_fail');
    h.at(2 * S).event(PUMP, 'pump_phase_reversal');
    expect(h.only(PUMP, 'pump_running')).toMatchObject({ class: 'supervisory', priority: 'high' });
    expect(h.only(PUMP, 'pump_power_fail')).toMatchObject({ class: 'trouble', priority: 'high' });
    expect(h.only(PUMP, 'pump_phase_reversal')).toMatchObject({ class: 'trouble', priority: 'high' });
    h.at(3 * S).event(PUMP, 'pump_power_fail_clear');
    expect(h.only(PUMP, 'pump_power_fail').conditionActive).toBe(false);
  });

  it('riser pressure outside its limits is supervisory, and clears only back inside by the deadband', () => {
    const h = harness();
    expect(h.at(0).reading(PRESS, 7, { unit: 'bar' })).toEqual([]);
    expect(kinds(h.at(1 * S).reading(PRESS, 4.6, { unit: 'bar' }))).toEqual(['raised:pressure_low']);
    expect(h.only(PRESS, 'pressure_low')).toMatchObject({ class: 'supervisory', priority: 'high', unit: 'bar', lastValue: 4.6 });
    expect(h.only(PRESS, 'pressure_low').message).toContain('below 5 bar');
    // On the limit, and just above it, the alarm stands: a wandering reading must not chatter.
    h.at(2 * S).reading(PRESS, 5.1, { unit: 'bar' });
    expect(h.only(PRESS, 'pressure_low').conditionActive).toBe(true);
    h.at(3 * S).reading(PRESS, 5.2, { unit: 'bar' });
    expect(h.only(PRESS, 'pressure_low').conditionActive).toBe(false);
    h.at(4 * S).reading(PRESS, 12.5, { unit: 'bar' });
    expect(h.only(PRESS, 'pressure_high')).toMatchObject({ class: 'supervisory', priority: 'medium' });
  });
});

describe('water-flow retard (0–90 s, the switch setting that rides out pressure surges)', () => {
  it('raises once the flow has lasted the retard, on a tick; a repeated report does not restart it', () => {
    const h = harness();
    expect(h.at(0).event(SLOW, 'waterflow')).toEqual([]);
    expect(h.at(20 * S).event(SLOW, 'waterflow')).toEqual([]);
    expect(h.at(29.9 * S).tick()).toEqual([]);
    expect(kinds(h.at(30 * S).tick())).toEqual(['raised:waterflow']);
    expect(h.only(SLOW, 'waterflow').message).toContain('flowing for 30 s');
  });

  it('raises nothing when the flow stops within the retard (a surge), and the next flow starts afresh', () => {
    const h = harness();
    h.at(0).event(SLOW, 'waterflow');
    h.at(10 * S).event(SLOW, 'waterflow_clear');
    expect(h.at(60 * S).tick()).toEqual([]);
    h.at(100 * S).event(SLOW, 'waterflow');
    expect(h.at(129 * S).tick()).toEqual([]);
    expect(kinds(h.at(130 * S).tick())).toEqual(['raised:waterflow']);
  });
});

describe('correlation: water flow and a fire alarm in one zone are one fire', () => {
  it('water flow after the smoke alarm joins its incident at fire priority, with the fire procedure', () => {
    const h = harness();
    h.at(0).event(SMOKE, 'smoke');
    const events = h.at(40 * S).event(FLOW, 'waterflow');
    const smoke = h.only(SMOKE, 'smoke');
    const flow = h.only(FLOW, 'waterflow');
    expect(smoke.incidentId).not.toBeNull();
    expect(flow.incidentId).toBe(smoke.incidentId);
    expect(flow).toMatchObject({ priority: 'critical', sopKey: 'sprinkler_fire', sop: sops.sprinkler_fire });
    expect(flow.message).toContain(`with the fire alarm at ${smoke.sensorName}`);
    const incident = h.state.incidents.get(smoke.incidentId!)!;
    expect(incident).toMatchObject({ priority: 'critical', zoneId: 'guesthouse', state: 'open' });
    expect(incident.alarmIds.sort()).toEqual([flow.id, smoke.id].sort());
    expect(events.some((e) => e.subject === 'incident' && e.kind === 'incident_opened')).toBe(true);
  });

  it('a smoke alarm after the water flow takes the flow into its incident and gives it the fire procedure', () => {
    const h = harness();
    h.at(0).event(FLOW, 'waterflow');
    expect(h.only(FLOW, 'waterflow').sopKey).toBe('waterflow_no_fire');
    h.at(20 * S).event(SMOKE, 'smoke');
    const flow = h.only(FLOW, 'waterflow');
    expect(flow.sopKey).toBe('sprinkler_fire');
    expect(flow.incidentId).not.toBeNull();
    expect(flow.incidentId).toBe(h.only(SMOKE, 'smoke').incidentId);
  });

  it('acknowledging the fire incident acknowledges neither life-safety alarm: each is acknowledged on its own row', () => {
    const h = harness();
    h.at(0).event(SMOKE, 'smoke');
    h.at(40 * S).event(FLOW, 'waterflow');
    const incidentId = h.only(SMOKE, 'smoke').incidentId!;
    expect(() => h.actOnIncident(incidentId, { type: 'ack' })).toThrow(/nothing to acknowledge/);
    expect(h.only(SMOKE, 'smoke').state).toBe('active_unacked');
    expect(h.only(FLOW, 'waterflow').state).toBe('active_unacked');
  });

  it('a fire alarm in another zone does not make the flow a fire: it keeps the pipe-break procedure', () => {
    const h = harness();
    h.at(0).event(OTHER_SMOKE, 'smoke');
    h.at(10 * S).event(FLOW, 'waterflow');
    expect(h.only(FLOW, 'waterflow')).toMatchObject({ sopKey: 'waterflow_no_fire', incidentId: null });
    expect(h.only(OTHER_SMOKE, 'smoke').incidentId).toBeNull();
  });

  it('a drill flow never joins a real fire', () => {
    const h = harness();
    h.at(0).event(SMOKE, 'smoke');
    h.at(5 * S).event(FLOW, 'waterflow', { drill: 'd-1' });
    expect(h.only(FLOW, 'waterflow', 'd-1')).toMatchObject({ sopKey: 'waterflow_no_fire', incidentId: null });
  });
});
