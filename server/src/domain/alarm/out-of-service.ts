/**
 * Out of service (ISA-18.2; a sensor under maintenance): its data is still stored and its
 * rules still evaluated, but it raises no alarm and its open alarms are neither annunciated nor
 * escalated. Back in service, every condition still present raises (or re-activates) its alarm.
 * A period always ends: at most MAX_OUT_OF_SERVICE_S, a reminder OUT_OF_SERVICE_REMINDER_S before
 * its end (an event every console receives and the audit keeps), then back in service by itself
 * — a sensor forgotten out of service is a fire nobody hears.
 */
import { MAX_OUT_OF_SERVICE_S, OUT_OF_SERVICE_REMINDER_S, SYSTEM_ACTOR, type Condition } from '../../../../contract/index.ts';
import { AlarmActionError } from './alarm.errors.ts';
import { armEscalation } from './escalation.ts';
import { alarmChanged, sensorChanged, type Note } from './events.ts';
import { openAlarmOf, raise, reactivate } from './lifecycle.ts';
import { finish, newRun, type EngineContext, type EngineResult, type EngineState, type Run } from './engine.types.ts';

/**
 * Take a sensor out of service until `until` (epoch ms). Already out of service: nothing changes.
 * An end in the past or more than MAX_OUT_OF_SERVICE_S ahead is refused (REASON_REQUIRED: the
 * request lacks a valid end).
 */
export function takeOutOfService(
  state: EngineState,
  ctx: EngineContext,
  sensorId: string,
  by: string,
  reason: string,
  until: number,
  now: number,
): EngineResult | AlarmActionError {
  const sensor = ctx.registry.sensor(sensorId);
  if (sensor === undefined) return new AlarmActionError('NOT_FOUND', `no sensor ${sensorId}`);
  if (reason.trim() === '') return new AlarmActionError('REASON_REQUIRED', 'out of service needs a reason');
  if (!(until > now) || until - now > MAX_OUT_OF_SERVICE_S * 1000) {
    return new AlarmActionError('REASON_REQUIRED', `out of service needs an end after now and at most ${MAX_OUT_OF_SERVICE_S / 3600} h ahead`);
  }
  const run = newRun(state, ctx, now);
  if (state.outOfService.has(sensorId)) return finish(run);
  const record = { since: now, until, by, reason: reason.trim(), remindedAt: null };
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
  if (state.outOfService.has(sensorId)) endOutOfService(run, sensorId, sensor.siteId, by, null);
  return finish(run);
}

function endOutOfService(run: Run, sensorId: string, siteId: string, by: string, note: Note): void {
  run.state.outOfService.delete(sensorId);
  sensorChanged(run, 'sensor_in_service', { sensorId, siteId, drill: null }, by, note, null);
  for (const alarm of run.state.alarms.values()) {
    if (alarm.sensorId !== sensorId || !alarm.outOfService) continue;
    alarm.outOfService = false;
    if (alarm.state !== 'cleared') armEscalation(run, alarm);
    alarmChanged(run, 'in_service', alarm, by);
  }
  raisePresent(run, sensorId);
}

/**
 * Tick: remind the consoles of periods ending within OUT_OF_SERVICE_REMINDER_S (once each), and
 * return to service those whose end has come. A late tick catches up: a period already over is
 * ended without a reminder first (the reminder would come after the fact).
 */
export function outOfServiceTick(run: Run): void {
  const now = run.now;
  for (const [sensorId, oos] of [...run.state.outOfService]) {
    if (oos.until === undefined) continue;
    const sensor = run.ctx.registry.sensor(sensorId);
    if (oos.until <= now) {
      if (sensor === undefined) run.state.outOfService.delete(sensorId);
      else endOutOfService(run, sensorId, sensor.siteId, SYSTEM_ACTOR, { key: 'oos_ended', params: { by: oos.by } });
    } else if (oos.until - now <= OUT_OF_SERVICE_REMINDER_S * 1000 && (oos.remindedAt ?? null) === null && sensor !== undefined) {
      const record = { ...oos, remindedAt: now };
      run.state.outOfService.set(sensorId, record);
      sensorChanged(run, 'sensor_out_of_service_ending', { sensorId, siteId: sensor.siteId, drill: null }, SYSTEM_ACTOR, record.reason, record);
    }
  }
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
