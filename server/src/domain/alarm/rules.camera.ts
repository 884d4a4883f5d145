/**
 * A verification camera's own trouble: it did not answer its periodic snapshot probe. Without
 * this, a dead camera would be noticed only when an alarm's evidence is missing, which is too
 * late (self-supervision, as NFPA 72 asks of every monitored path). The probe runs in the camera
 * service; the engine only hears "answered" or "did not answer" and raises or clears
 * `camera_offline` like any trouble condition (the alarm stays until acknowledged). Its rule
 * state lives beside the sensors' under the camera's id, which no sensor or gateway shares, so
 * acknowledging, shelving and persisting work as for any other alarm.
 */
import { UNREGISTERED, type Camera } from '../../../../contract/index.ts';
import { SPECS } from './conditions.ts';
import { conditionOff, conditionOn } from './lifecycle.ts';
import { newRuleState } from './rule-state.ts';
import { sensorTick } from './timers.ts';
import { finish, newRun, type EngineContext, type EngineResult, type EngineState, type Run, type SensorRuleState } from './engine.types.ts';

function cameraState(state: EngineState, camera: Camera, now: number): SensorRuleState {
  let rs = state.sensors.get(camera.id);
  if (rs === undefined) {
    rs = newRuleState(camera.id, { id: camera.id, siteId: camera.siteId, zoneId: camera.zoneId ?? UNREGISTERED }, null, null, now);
    state.sensors.set(camera.id, rs);
  }
  return rs;
}

/** The outcome of one probe of a registered camera; an unknown id changes nothing. */
export function cameraStatus(state: EngineState, ctx: EngineContext, cameraId: string, answered: boolean, detail: string | null, now: number): EngineResult {
  const run = newRun(state, ctx, now);
  const camera = ctx.registry.camera?.(cameraId);
  if (camera === undefined) return finish(run);
  const rs = cameraState(state, camera, now);
  rs.online = answered;
  if (answered) {
    rs.lastSeen = now;
    conditionOff(run, rs, 'camera_offline');
  } else conditionOn(run, rs, 'camera_offline', SPECS.cameraOffline, null, detail);
  return finish(run);
}

/** Its alarm's timers (shelf expiry), as for a gateway. */
export function camerasTick(run: Run): void {
  for (const camera of run.ctx.registry.cameras?.() ?? []) {
    const rs = run.state.sensors.get(camera.id);
    if (rs !== undefined) sensorTick(run, rs, undefined);
  }
}
