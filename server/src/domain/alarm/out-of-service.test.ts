import { describe, expect, it } from 'vitest';
import { AlarmActionError } from './alarm.errors.ts';
import { MAX_OUT_OF_SERVICE_S, OUT_OF_SERVICE_REMINDER_S } from '../../../../contract/index.ts';
import { returnToService, takeOutOfService } from './out-of-service.ts';
import { Harness, MIN, S, kinds, makeSensor } from '../../../../test/support/alarm.fixtures.ts';
import type { EngineResult } from './engine.types.ts';

const GAS = 'GAS-01';
const HOUR = 3600 * S;
const ok = (h: Harness, r: EngineResult | AlarmActionError) => {
  if (r instanceof AlarmActionError) throw r;
  h.state = r.state;
  return [...r.events];
};

describe('out of service', () => {
  it('raises no alarm for a sensor under maintenance but keeps evaluating it', () => {
    // Out-of-service per sensor (maintenance): data still stored, no alarms, shown as such.
    const h = new Harness({ sensors: [makeSensor('gas')] });
    const events = ok(h, takeOutOfService(h.state, h.ctx, GAS, 'tech.zhao', 'calibration', h.at(0).now + 4 * HOUR, h.now));
    expect(events).toEqual([
      expect.objectContaining({
        subject: 'sensor',
        kind: 'sensor_out_of_service',
        actor: 'tech.zhao',
        outOfService: { since: h.now, until: h.now + 4 * HOUR, by: 'tech.zhao', reason: 'calibration', remindedAt: null },
      }),
    ]);
    expect(h.at(1 * S).reading(GAS, 50)).toEqual([]);
    expect(h.state.alarms.size).toBe(0);
    expect(h.state.sensors.get(GAS)?.points.gas?.active).toBe(true);
    // Back in service with the gas still there: the alarm is raised now.
    const back = ok(h, returnToService(h.state, h.ctx, GAS, 'tech.zhao', h.at(10 * S).now));
    expect(kinds(back)).toEqual(['sensor_in_service', 'raised:gas']);
    expect(h.only(GAS, 'gas')).toMatchObject({ priority: 'critical', raisedAt: h.now });
  });

  it('marks open alarms out of service and stops their escalation', () => {
    const h = new Harness({ sensors: [makeSensor('gas')] });
    h.at(0).reading(GAS, 25);
    const events = ok(h, takeOutOfService(h.state, h.ctx, GAS, 'tech.zhao', 'detector replaced', h.at(10 * S).now + HOUR, h.now));
    expect(kinds(events)).toEqual(['sensor_out_of_service', 'out_of_service:gas']);
    expect(h.only(GAS, 'gas')).toMatchObject({ outOfService: true, escalationDueAt: null });
    expect(
      h
        .at(5 * MIN)
        .tick()
        .filter((e) => e.subject === 'alarm' && e.kind === 'escalated'),
    ).toEqual([]);
  });

  it('refuses an unknown sensor, a missing reason, and an end in the past or beyond the maximum', () => {
    const h = new Harness({ sensors: [makeSensor('gas')] });
    expect(takeOutOfService(h.state, h.ctx, 'NOPE', 'x', 'y', HOUR, 0)).toMatchObject({ code: 'NOT_FOUND' });
    expect(takeOutOfService(h.state, h.ctx, GAS, 'x', ' ', HOUR, 0)).toMatchObject({ code: 'REASON_REQUIRED' });
    expect(takeOutOfService(h.state, h.ctx, GAS, 'x', 'y', 0, 0)).toMatchObject({ code: 'REASON_REQUIRED' });
    expect(takeOutOfService(h.state, h.ctx, GAS, 'x', 'y', MAX_OUT_OF_SERVICE_S * 1000 + 1, 0)).toMatchObject({ code: 'REASON_REQUIRED' });
    expect(takeOutOfService(h.state, h.ctx, GAS, 'x', 'y', MAX_OUT_OF_SERVICE_S * 1000, 0)).not.toBeInstanceOf(AlarmActionError);
  });

  it('reminds the consoles once before the end, then returns the sensor to service by itself', () => {
    // An out-of-service period must end (a forgotten sensor hears no fire): reminder before, automatic end.
    const h = new Harness({ sensors: [makeSensor('gas')] });
    const until = h.at(0).now + 2 * HOUR;
    ok(h, takeOutOfService(h.state, h.ctx, GAS, 'tech.zhao', 'calibration', until, h.now));
    h.at(10 * S).reading(GAS, 50); // gas present while out of service: no alarm
    const reminderAt = 2 * HOUR - OUT_OF_SERVICE_REMINDER_S * 1000;
    expect(h.at(reminderAt - S).tick()).toEqual([]);
    const reminded = h.at(reminderAt).tick();
    expect(reminded).toEqual([
      expect.objectContaining({
        subject: 'sensor',
        kind: 'sensor_out_of_service_ending',
        actor: 'system',
        outOfService: expect.objectContaining({ until, remindedAt: h.now }),
      }),
    ]);
    expect(h.at(reminderAt + S).tick()).toEqual([]); // once
    h.at(2 * HOUR - S).reading(GAS, 50);
    expect(h.state.alarms.size).toBe(0);
    const ended = h.at(2 * HOUR).tick();
    expect(kinds(ended)).toEqual(['sensor_in_service', 'raised:gas']);
    expect(ended[0]).toMatchObject({ actor: 'system', outOfService: null });
    expect(h.state.outOfService.has(GAS)).toBe(false);
  });

  it('ends a period already over at a late tick without a reminder after the fact', () => {
    const h = new Harness({ sensors: [makeSensor('gas')] });
    ok(h, takeOutOfService(h.state, h.ctx, GAS, 'tech.zhao', 'calibration', h.at(0).now + HOUR, h.now));
    expect(kinds(h.at(3 * HOUR).tick())).toEqual(['sensor_in_service']);
  });
});
