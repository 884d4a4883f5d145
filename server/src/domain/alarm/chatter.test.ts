import { describe, expect, it } from 'vitest';
import { Harness, S, kinds, makeSensor } from '../../../../test/support/alarm.fixtures.ts';

const DOOR = 'DOOR-01';
const harness = () => new Harness({ sensors: [makeSensor('door', { id: DOOR })] });

describe('chattering', () => {
  it('marks an alarm with 3 active/clear transitions within 60 s', () => {
    // ISA-18.2 chattering: ≥ 3 transitions within 60 s → marked, shelving offered.
    const h = harness();
    h.at(0).event(DOOR, 'tamper');
    h.at(10 * S).event(DOOR, 'tamper_clear');
    const events = h.at(20 * S).event(DOOR, 'tamper');
    expect(kinds(events)).toEqual(['reactivated:tamper', 'chattering:tamper']);
    expect(events[1]?.note).toContain('consider shelving');
    expect(h.only(DOOR, 'tamper').chattering).toBe(true);
  });

  it('does not mark transitions spread over more than 60 s', () => {
    const h = harness();
    h.at(0).event(DOOR, 'tamper');
    h.at(40 * S).event(DOOR, 'tamper_clear');
    h.at(80 * S).event(DOOR, 'tamper');
    h.at(120 * S).event(DOOR, 'tamper_clear');
    expect(h.only(DOOR, 'tamper').chattering).toBe(false);
  });

  it('marks the new alarm of a chattering point whose previous alarms were acknowledged and closed', () => {
    const h = harness();
    h.at(0).event(DOOR, 'tamper');
    h.act(h.only(DOOR, 'tamper').id, { type: 'ack' });
    h.at(5 * S).event(DOOR, 'tamper_clear'); // acked + clear → closed
    h.at(10 * S).event(DOOR, 'tamper'); // third transition: a new alarm
    const [, second] = h.alarmsOf(DOOR, 'tamper');
    expect(second).toMatchObject({ state: 'active_unacked', chattering: true });
  });
});
