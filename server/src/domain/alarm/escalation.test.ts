// Escalation as docs/contracts.md#escalation-floods-chattering describes it.
import { describe, expect, it } from 'vitest';
import { Harness, MIN, S, alarmEvents, kinds, makeSensor } from '../../../../test/support/alarm.fixtures.ts';

const GAS = 'GAS-01';
const DOOR = 'DOOR-01';
// A day-long heartbeat keeps the offline watchdog out of these long silences.
const quiet = { heartbeatS: 86_400 };
const sensors = [makeSensor('gas', quiet), makeSensor('door', { id: DOOR, secureZone: true, ...quiet }), makeSensor('smoke', { id: 'SMK-01', ...quiet })];

const levels = (h: Harness, untilMs: number, stepMs = S): { at: number; level: number | undefined }[] => {
  const out: { at: number; level: number | undefined }[] = [];
  for (let t = 0; t <= untilMs; t += stepMs) {
    for (const e of alarmEvents(h.at(t).tick())) if (e.kind === 'escalated') out.push({ at: t, level: e.level });
  }
  return out;
};

describe('escalation of unacknowledged alarms', () => {
  it('escalates a critical alarm at 60 s, then every 60 s: levels 1, 2, 3', () => {
    // Unacknowledged past its priority's limit (critical 60 s) → escalated, levels 1, 2, … repeating.
    const h = new Harness({ sensors });
    h.at(0).reading(GAS, 25);
    expect(levels(h, 3 * MIN)).toEqual([
      { at: 1 * MIN, level: 1 },
      { at: 2 * MIN, level: 2 },
      { at: 3 * MIN, level: 3 },
    ]);
  });

  it('uses 5 min for high and 30 min for medium, and never escalates low by default', () => {
    const h = new Harness({ sensors });
    h.at(0).event(DOOR, 'access_denied'); // no alarm yet
    h.at(0).reading(GAS, 12);
    h.at(2 * S).reading(GAS, 12); // high
    h.at(0).event(DOOR, 'tamper'); // medium
    h.at(0).status('SMK-01', { battery: 5 }); // low
    const seen = new Map<string, number>();
    for (let t = 0; t <= 31 * MIN; t += 10 * S) {
      for (const e of alarmEvents(h.at(t).tick())) if (e.kind === 'escalated' && !seen.has(e.alarm.condition)) seen.set(e.alarm.condition, t);
    }
    // gas raised at 2 s → due 302 s → the first 10 s tick after is 310 s.
    expect(Object.fromEntries(seen)).toEqual({ gas: 310 * S, tamper: 30 * MIN });
  });

  it('stops escalating once acknowledged', () => {
    const h = new Harness({ sensors });
    h.at(0).reading(GAS, 25);
    h.at(61 * S).tick();
    h.act(h.only(GAS, 'gas').id, { type: 'ack' });
    expect(levels(h, 10 * MIN, 10 * S)).toEqual([]);
    expect(h.only(GAS, 'gas')).toMatchObject({ escalationLevel: 1, escalationDueAt: null });
  });

  it('still escalates an alarm that returned to normal unacknowledged', () => {
    // ISA-18.2: rtn_unacked still needs an acknowledgement; what is not handled in time goes up.
    const h = new Harness({ sensors });
    h.at(0).event(DOOR, 'forced_open'); // critical in a secure zone
    h.at(5 * S).event(DOOR, 'closed');
    expect(h.only(DOOR, 'door_forced').state).toBe('cleared_unacked');
    expect(kinds(h.at(60 * S).tick())).toEqual(['escalated:door_forced']);
  });

  it('takes its limits from the settings', () => {
    const h = new Harness({ sensors, settings: { escalationS: { critical: 10, high: 20, medium: 30, low: 40 } } });
    h.at(0).status('SMK-01', { battery: 5 });
    expect(levels(h, 80 * S)).toEqual([
      { at: 40 * S, level: 1 },
      { at: 80 * S, level: 2 },
    ]);
  });

  it('catches up after a pause in ticking with one event at the due level', () => {
    // Timers resume from stored times after a restart; no burst of stale escalations.
    const h = new Harness({ sensors });
    h.at(0).reading(GAS, 25);
    const events = alarmEvents(h.at(5 * MIN + 30 * S).tick());
    expect(events.map((e) => [e.kind, e.level])).toEqual([['escalated', 5]]);
    expect(h.only(GAS, 'gas').escalationDueAt).toBe(h.now - 30 * S + MIN);
  });

  it('brings the next escalation forward when the priority rises', () => {
    const h = new Harness({ sensors });
    h.at(0).reading(GAS, 12);
    h.at(2 * S).reading(GAS, 12); // high: due at 5 min
    h.at(100 * S).reading(GAS, 25); // critical: due 60 s from now
    expect(h.only(GAS, 'gas').escalationDueAt).toBe(h.now + MIN);
  });
});
