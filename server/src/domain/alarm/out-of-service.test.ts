import { describe, expect, it } from 'vitest';
import { AlarmActionError } from './alarm.errors.ts';
import { returnToService, takeOutOfService } from './out-of-service.ts';
import { Harness, MIN, S, kinds, makeSensor } from '../../../../test/support/alarm.fixtures.ts';
import type { EngineResult } from './engine.types.ts';

const GAS = 'GAS-01';
const ok = (h: Harness, r: EngineResult | AlarmActionError) => {
  if (r instanceof AlarmActionError) throw r;
  h.state = r.state;
  return [...r.events];
};

describe('out of service', () => {
  it('raises no alarm for a sensor under maintenance but keeps evaluating it', () => {
    // Out-of-service per sensor (maintenance): data still stored, no alarms, shown as such.
    const h = new Harness({ sensors: [makeSensor('gas')] });
    const events = ok(h, takeOutOfService(h.state, h.ctx, GAS, 'tech.zhao', 'calibration', h.at(0).now));
    expect(events).toEqual([
      expect.objectContaining({
        subject: 'sensor',
        kind: 'sensor_out_of_service',
        actor: 'tech.zhao',
        outOfService: { since: h.now, by: 'tech.zhao', reason: 'calibration' },
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
    const events = ok(h, takeOutOfService(h.state, h.ctx, GAS, 'tech.zhao', 'detector replaced', h.at(10 * S).now));
    expect(kinds(events)).toEqual(['sensor_out_of_service', 'out_of_service:gas']);
    expect(h.only(GAS, 'gas')).toMatchObject({ outOfService: true, escalationDueAt: null });
    expect(
      h
        .at(5 * MIN)
        .tick()
        .filter((e) => e.subject === 'alarm' && e.kind === 'escalated'),
    ).toEqual([]);
  });

  it('refuses an unknown sensor and a missing reason', () => {
    const h = new Harness({ sensors: [makeSensor('gas')] });
    expect(takeOutOfService(h.state, h.ctx, 'NOPE', 'x', 'y', 0)).toMatchObject({ code: 'NOT_FOUND' });
    expect(takeOutOfService(h.state, h.ctx, GAS, 'x', ' ', 0)).toMatchObject({ code: 'REASON_REQUIRED' });
  });
});
