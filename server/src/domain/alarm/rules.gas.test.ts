// The gas and CO rules these tests hold the engine to: docs/contracts.md#conditions-and-rules.
import { describe, expect, it } from 'vitest';
import { Harness, MIN, S, kinds, makeSensor } from '../../../../test/support/alarm.fixtures.ts';

const GAS = 'GAS-01';
const CO = 'CO-01';
const harness = () => new Harness({ sensors: [makeSensor('gas'), makeSensor('co')] });

describe('gas %LEL thresholds', () => {
  it('raises a supervisory, high-priority low alarm once the 2 s on-delay has passed', () => {
    // Low 10 %LEL → supervisory, high; on-delay default 2 s for low.
    const h = harness();
    expect(h.at(0).reading(GAS, 12)).toEqual([]);
    expect(h.at(1 * S).reading(GAS, 12.5)).toEqual([]);
    expect(kinds(h.at(2 * S).reading(GAS, 13))).toEqual(['raised:gas']);
    const alarm = h.only(GAS, 'gas');
    expect(alarm).toMatchObject({ class: 'supervisory', priority: 'high', latching: false, state: 'active_unacked', lastValue: 13, unit: '%LEL' });
    expect(alarm.message).toContain('Gas 13 %LEL');
  });

  it('does not raise for a value above low for less than the on-delay', () => {
    // On-delay: a brief excursion is not an alarm.
    const h = harness();
    h.at(0).reading(GAS, 12);
    h.at(1.5 * S).reading(GAS, 6);
    h.at(2.5 * S).tick();
    h.at(3 * S).reading(GAS, 11);
    h.at(4.9 * S).tick();
    expect(h.alarmsOf(GAS, 'gas')).toEqual([]);
  });

  it('completes the on-delay on a tick when no further reading comes', () => {
    const h = harness();
    h.at(0).reading(GAS, 12);
    expect(h.at(1.9 * S).tick()).toEqual([]);
    expect(kinds(h.at(2 * S).tick())).toEqual(['raised:gas']);
  });

  it('raises the high alarm at once: critical, class alarm, latching', () => {
    // High 20 → alarm, critical, latching; on-delay 0 for high.
    const h = harness();
    expect(kinds(h.at(0).reading(GAS, 25))).toEqual(['raised:gas']);
    expect(h.only(GAS, 'gas')).toMatchObject({ class: 'alarm', priority: 'critical', latching: true, sopKey: 'gas_leak' });
  });

  it('raises the priority of the open alarm in place when low worsens to high', () => {
    // A worse level raises the alarm's priority in place rather than opening a second alarm.
    const h = harness();
    h.at(0).reading(GAS, 12);
    h.at(2 * S).reading(GAS, 14);
    const id = h.only(GAS, 'gas').id;
    const events = h.at(5 * S).reading(GAS, 24);
    expect(kinds(events)).toEqual(['priority_raised:gas']);
    expect(events[0]).toMatchObject({ fromPriority: 'high', alarm: { id, priority: 'critical', class: 'alarm', latching: true } });
    expect(h.alarmsOf(GAS, 'gas')).toHaveLength(1);
    expect(h.at(6 * S).reading(GAS, 30)).toEqual([]); // no event per reading; the value is tracked
    expect(h.only(GAS, 'gas')).toMatchObject({ lastValue: 30, peakValue: 30 });
  });

  it('clears only below low minus the deadband', () => {
    // Deadband 2 %LEL — a value hovering at the threshold must not chatter.
    const h = harness();
    h.at(0).reading(GAS, 12);
    h.at(2 * S).reading(GAS, 12);
    expect(h.at(3 * S).reading(GAS, 9)).toEqual([]);
    expect(h.at(4 * S).reading(GAS, 8.1)).toEqual([]);
    expect(kinds(h.at(5 * S).reading(GAS, 7.9))).toEqual(['cleared:gas']);
    expect(h.only(GAS, 'gas').state).toBe('cleared_unacked');
  });

  it('keeps a latched high alarm active after the gas is gone, until acknowledged and reset', () => {
    // ISA-18.2 latching: gas high stays until acknowledged AND reset.
    const h = harness();
    h.at(0).reading(GAS, 25);
    const id = h.only(GAS, 'gas').id;
    expect(kinds(h.at(10 * S).reading(GAS, 1))).toEqual(['updated:gas']);
    expect(h.only(GAS, 'gas')).toMatchObject({ state: 'active_unacked', conditionActive: false });
    expect(h.refuse(id, { type: 'reset' })).toBe('INVALID_TRANSITION'); // acknowledge first
    h.at(20 * S).act(id, { type: 'ack' });
    expect(h.only(GAS, 'gas').state).toBe('active_acked');
    expect(kinds(h.at(30 * S).act(id, { type: 'reset' }))).toEqual(['reset:gas']);
    expect(h.only(GAS, 'gas')).toMatchObject({ state: 'cleared', resetBy: 'officer.li', closedAt: h.now });
  });

  it('refuses to reset a latched alarm while the condition is still present', () => {
    const h = harness();
    h.at(0).reading(GAS, 25);
    const id = h.only(GAS, 'gas').id;
    h.act(id, { type: 'ack' });
    expect(h.refuse(id, { type: 'reset' })).toBe('CONDITION_ACTIVE');
  });

  it('raises a rate-of-rise pre-alarm for +5 %LEL within 30 s while below low', () => {
    // Rate of rise (default +5 %LEL within 30 s while below low) → pre-alarm.
    const h = harness();
    h.at(0).reading(GAS, 1);
    h.at(10 * S).reading(GAS, 3);
    expect(kinds(h.at(20 * S).reading(GAS, 6.5))).toEqual(['raised:gas_rise']);
    expect(h.only(GAS, 'gas_rise')).toMatchObject({ class: 'supervisory', priority: 'medium', sopKey: 'gas_leak' });
  });

  it('does not take a slow rise for a fast one', () => {
    const h = harness();
    for (let i = 0; i <= 8; i += 1) h.at(i * 10 * S).reading(GAS, 1 + i); // +1 per 10 s: +3 per 30 s
    expect(h.alarmsOf(GAS, 'gas_rise')).toEqual([]);
  });

  it('clears the rise pre-alarm when the gas level alarm takes over', () => {
    const h = harness();
    h.at(0).reading(GAS, 1);
    h.at(5 * S).reading(GAS, 7);
    h.at(6 * S).reading(GAS, 22);
    expect(h.only(GAS, 'gas_rise').state).toBe('cleared_unacked');
    expect(h.only(GAS, 'gas')).toMatchObject({ priority: 'critical' });
  });

  it('never compares a reading in another unit', () => {
    // A reading whose unit does not match the sensor's is rejected, not compared.
    const h = harness();
    h.at(0).reading(GAS, 500, { unit: 'ppm' });
    h.at(5 * S).tick();
    expect(h.state.alarms.size).toBe(0);
  });

  it('treats a binary detector gas event as the latched high alarm', () => {
    const h = harness();
    h.at(0).event(GAS, 'gas');
    expect(h.only(GAS, 'gas')).toMatchObject({ priority: 'critical', latching: true });
    h.at(5 * S).event(GAS, 'gas_clear');
    expect(h.only(GAS, 'gas')).toMatchObject({ state: 'active_unacked', conditionActive: false });
  });

  it('keeps the message at the level of the alarm: a latched critical gas alarm never says "≥ low"', () => {
    // The queue's one line follows the priority (docs/contracts.md#conditions-and-rules): after
    // the high alarm latched, gas falling away and coming back at the low level re-activates the
    // same critical alarm, and its message must not read like the high-priority low alarm.
    const h = harness();
    h.at(0).reading(GAS, 25);
    const { id } = h.only(GAS, 'gas');
    h.at(1 * S).act(id, { type: 'ack' });
    h.at(10 * MIN).reading(GAS, 2); // condition off; latched, so the alarm stays
    h.at(20 * MIN).reading(GAS, 12);
    expect(kinds(h.at(20 * MIN + 2 * S).reading(GAS, 12.5))).toEqual(['reactivated:gas']);
    const alarm = h.only(GAS, 'gas');
    expect(alarm).toMatchObject({ id, priority: 'critical', lastValue: 12.5, peakValue: 25 });
    expect(alarm.message).not.toContain('low');
    expect(alarm.message).toContain('high 20');
  });
});

describe('CO ppm thresholds', () => {
  it('applies 35 / 200 ppm like gas: low after on-delay, high critical latching', () => {
    // CO in ppm: low 35, high 200, otherwise as gas.
    const h = harness();
    h.at(0).reading(CO, 40);
    expect(kinds(h.at(2 * S).reading(CO, 50))).toEqual(['raised:co']);
    expect(h.only(CO, 'co')).toMatchObject({ priority: 'high', unit: 'ppm' });
    h.at(3 * S).reading(CO, 250);
    expect(h.only(CO, 'co')).toMatchObject({ priority: 'critical', latching: true });
  });
});

describe('a detector clear after a reading', () => {
  // Zigbee2MQTT sends null for a value it no longer knows (https://www.zigbee2mqtt.io/guide/usage/mqtt_topics_and_messages.html):
  // after {carbon_monoxide: true, co: 150}, {carbon_monoxide: false, co: null} is a gas_clear and no reading.
  it('does not re-raise from the reading before the clear once the alarm is reset', () => {
    const h = harness();
    h.at(0).reading(CO, 150);
    expect(kinds(h.at(0).event(CO, 'gas'))).toEqual(['raised:co']);
    h.at(1 * S).event(CO, 'gas_clear');
    const id = h.only(CO, 'co').id;
    h.at(2 * S).act(id, { type: 'ack' });
    expect(kinds(h.at(3 * S).act(id, { type: 'reset' }))).toEqual(['reset:co']);
    expect(h.at(5 * S).tick()).toEqual([]);
    expect(h.at(60 * S).tick()).toEqual([]);
    // A fresh reading above low is evidence again: on-delay, then the alarm.
    h.at(61 * S).reading(CO, 150);
    expect(kinds(h.at(63 * S).tick())).toEqual(['raised:co']);
  });
});
