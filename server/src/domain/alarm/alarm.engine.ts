/**
 * The alarm engine: a pure state machine over observations and time. No I/O, no timers, no
 * Date.now(): the service passes `now` (from its Clock port) and persists what comes out.
 *
 * ```ts
 * let state = createEngineState();
 * ({ state, events } = evaluate(state, observation, registry.sensor(observation.sensorId), ctx, clock.now()));
 * ({ state, events } = tick(state, ctx, clock.now()));          // about once a second
 * const r = applyAction(state, ctx, alarmId, { type: 'ack' }, user, limits, clock.now());
 * ```
 *
 * For the ingest path's sake (50,000 observations/s) the state is updated in place and returned:
 * treat the state you passed in as consumed. A normal reading of a registered sensor with nothing
 * pending is a map lookup, a few comparisons and no allocation beyond the result.
 */
import { UNREGISTERED, type Observation, type Sensor } from '../../../../contract/index.ts';
import { trimFloods } from './flood.ts';
import { escalateIfDue } from './escalation.ts';
import { makeRoomForDrill } from './engine.state.ts';
import { newRuleState } from './rule-state.ts';
import { statusRule } from './rules.common.ts';
import { deviceClock, plausibleReading } from './rules.observation.ts';
import { camerasTick } from './rules.camera.ts';
import { GATEWAY_RULES, RULES } from './rules.table.ts';
import { evaluateUnknown, unknownTick } from './rules.unknown.ts';
import { outOfServiceTick } from './out-of-service.ts';
import { heard } from './rules.watchdog.ts';
import { sensorTick } from './timers.ts';
import { finish, newRun, ruleKey, type EngineContext, type EngineResult, type EngineState } from './engine.types.ts';

/**
 * Evaluate one observation. `sensor` is the registry's entry for `obs.sensorId`, or undefined for
 * an unregistered device. Drill observations (`obs.drill`) run on their own rule state and raise
 * alarms marked with the drill id, apart from the real sensor's.
 */
export function evaluate(state: EngineState, obs: Observation, sensor: Sensor | undefined, ctx: EngineContext, now: number): EngineResult {
  const run = newRun(state, ctx, now);
  const gateway = sensor === undefined ? ctx.registry.gateway?.(obs.sensorId) : undefined;
  if (gateway !== undefined) {
    GATEWAY_RULES.observation(run, gateway, obs);
    return finish(run);
  }
  if (sensor === undefined || obs.kind === UNREGISTERED) {
    evaluateUnknown(run, obs);
    return finish(run);
  }
  const key = obs.drill === undefined ? sensor.id : ruleKey(sensor.id, obs.drill);
  let rs = state.sensors.get(key);
  if (rs === undefined) {
    if (obs.drill !== undefined) makeRoomForDrill(state, ctx.settings.maxDrillRuleStates);
    rs = newRuleState(key, sensor, obs.drill ?? null, sensor.kind, now);
    state.sensors.set(key, rs);
  }
  heard(run, rs, obs);
  deviceClock(run, rs, obs);
  const rules = RULES[sensor.kind];
  switch (obs.channel) {
    case 'reading':
      // An impossible value is a sensor fault; it must never drive a threshold or a rise.
      if (!plausibleReading(run, rs, obs)) break;
      rs.lastValue = obs.value;
      rules.reading(run, rs, sensor, obs);
      break;
    case 'event':
      rs.lastEvent = obs.type;
      rules.events[obs.type]?.(run, rs, sensor, obs);
      break;
    case 'status':
      statusRule(run, rs, sensor, obs);
      break;
    default:
      obs satisfies never;
  }
  return finish(run);
}

/**
 * Advance time: on-delays, held-open doors, momentary holds, shelf expiry, the offline watchdog,
 * escalation; closed alarms and incidents older than `retainClosedS` leave memory (they are in
 * the store). Call about once a second; a late tick catches up from the stored times.
 */
export function tick(state: EngineState, ctx: EngineContext, now: number): EngineResult {
  const run = newRun(state, ctx, now);
  // First: a gateway gone silent explains its sensors' silence (rules.gateway.ts).
  GATEWAY_RULES.tick(run);
  camerasTick(run);
  for (const sensor of ctx.registry.allSensors()) {
    let rs = state.sensors.get(sensor.id);
    if (rs === undefined) {
      // Never heard since the engine started: the watchdog counts from now.
      rs = newRuleState(sensor.id, sensor, null, sensor.kind, now);
      state.sensors.set(sensor.id, rs);
    }
    sensorTick(run, rs, sensor);
  }
  for (const rs of state.sensors.values()) {
    if (rs.unknown) {
      sensorTick(run, rs, undefined);
      unknownTick(run, rs);
    } else if (rs.drill !== null) {
      const sensor = ctx.registry.sensor(rs.sensorId);
      if (sensor !== undefined) sensorTick(run, rs, sensor);
    }
  }
  outOfServiceTick(run);
  const retainUntil = now - ctx.settings.retainClosedS * 1000;
  for (const [id, alarm] of state.alarms) {
    if (alarm.state === 'cleared') {
      if ((alarm.closedAt ?? now) < retainUntil) state.alarms.delete(id);
    } else escalateIfDue(run, alarm);
  }
  for (const [id, incident] of state.incidents) {
    if (incident.state === 'closed' && (incident.closedAt ?? now) < retainUntil) state.incidents.delete(id);
  }
  trimFloods(run);
  return finish(run);
}
