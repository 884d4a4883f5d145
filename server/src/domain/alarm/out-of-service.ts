/**
 * Out of service (ISA-18.2; a sensor under maintenance): its data is still stored and its
 * rules still evaluated, but it raises no alarm and its open alarms are neither annunciated nor
 * escalated. Back in service, every condition still present raises (or re-activates) its alarm.
 */
import type { Condition } from '../../../../contract/index.ts';
import { AlarmActionError } from './alarm.errors.ts';
import { armEscalation } from './escalation.ts';
import { alarmChanged, sensorChanged } from './events.ts';
import { openAlarmOf, raise, reactivate } from './lifecycle.ts';
import { finish, newRun, type EngineContext, type EngineResult, type EngineState, type Run } from './engine.types.ts';

/** Take a sensor out of service. Already out of service: nothing changes. */
export function takeOutOfService(
  state: EngineState,
  ctx: EngineContext,
  sensorId: string,
  by: string,
  reason: string,
  now: number,
): EngineResult | AlarmActionError {
  const sensor = ctx.registry.sensor(sensorId);
  if (sensor === undefined) return new AlarmActionError('NOT_FOUND', `no sensor ${sensorId}`);
  if (reason.trim() === '') return new AlarmActionError('REASON_REQUIRED', 'out of service needs a reason');
  const run = newRun(state, ctx, now);
  if (state.outOfService.has(sensorId)) return finish(run);
  const record = { since: now, by, reason: reason.trim() };
  state.outOfService.set(sensorId, record);
  sensorChanged(run, 'sensor_out_of_service', { sensorId, siteId: sensor.siteId, drill: null }, by, record.reason, record);
  for (const alarm of state.alarms.values()) {
    if (alarm.sensorId !== sensorId || alarm.state === 'cleared' || alarm.outOfService) continue;
    alarm.outOfService = true;
    alarm.escalationDueAt = null;
    alarmChanged(run, 'out_of_service', alarm, by, record.reason);
  }
  return finish(run);
}

/** Put a sensor back in service; conditions present now raise their alarms. */
export function returnToService(state: EngineState, ctx: EngineContext, sensorId: string, by: string, now: number): EngineResult | AlarmActionError {
  const sensor = ctx.registry.sensor(sensorId);
  if (sensor === undefined) return new AlarmActionError('NOT_FOUND', `no sensor ${sensorId}`);
  const run = newRun(state, ctx, now);
  if (!state.outOfService.delete(sensorId)) return finish(run);
  sensorChanged(run, 'sensor_in_service', { sensorId, siteId: sensor.siteId, drill: null }, by, null, null);
  for (const alarm of state.alarms.values()) {
    if (alarm.sensorId !== sensorId || !alarm.outOfService) continue;
    alarm.outOfService = false;
    if (alarm.state !== 'cleared') armEscalation(run, alarm);
    alarmChanged(run, 'in_service', alarm, by);
  }
  raisePresent(run, sensorId);
  return finish(run);
}

function raisePresent(run: Run, sensorId: string): void {
  for (const rs of run.state.sensors.values()) {
    if (rs.sensorId !== sensorId || rs.unknown) continue;
    for (const condition of Object.keys(rs.points) as Condition[]) {
      const p = rs.points[condition];
      if (p === undefined || !p.active) continue;
      const open = openAlarmOf(run.state, p);
      if (open === undefined) raise(run, rs, condition, p);
      else if (!open.conditionActive) reactivate(run, rs, condition, p, open);
    }
  }
}
