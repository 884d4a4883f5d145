/**
 * The offline watchdog — a dead sensor must never be a silent failure: offline (trouble, medium)
 * when nothing is heard for heartbeatS × 3, or at once on the MQTT last will `{"online": false}`;
 * anything heard from the device afterwards clears it.
 */
import type { Observation, Sensor } from '../../../../contract/index.ts';
import { SPECS } from './conditions.ts';
import { conditionOff, conditionOn } from './lifecycle.ts';
import type { Run, SensorRuleState } from './engine.types.ts';

/** Every observation: note the time; traffic other than a last will means the device is back. */
export function heard(run: Run, rs: SensorRuleState, obs: Observation): void {
  rs.lastSeen = run.now;
  const p = rs.points.offline;
  if (p === undefined || !p.active) return;
  if (obs.channel === 'status' && obs.online === false) return;
  rs.online = true;
  conditionOff(run, rs, 'offline');
}

/** The device (or the broker, for its last will) says it is offline. */
export function reportedOffline(run: Run, rs: SensorRuleState): void {
  conditionOn(run, rs, 'offline', SPECS.offline, null, 'device reported offline');
}

/**
 * Tick: silence longer than heartbeatS × offlineHeartbeats raises offline. Silence is counted from
 * the last message, or from when the engine first watched the sensor, and never from before the
 * last restart (the server being down is not the sensor's silence).
 */
export function watchdog(run: Run, rs: SensorRuleState, sensor: Sensor): void {
  const p = rs.points.offline;
  if (p !== undefined && p.active) return;
  const heardAt = rs.lastSeen ?? rs.watchSince;
  const base = run.state.watchBaseline === null ? heardAt : Math.max(heardAt, run.state.watchBaseline);
  const limitS = sensor.heartbeatS * run.ctx.settings.offlineHeartbeats;
  if (run.now - base < limitS * 1000) return;
  conditionOn(run, rs, 'offline', SPECS.offline, null, `nothing heard for ${Math.round((run.now - base) / 1000)} s`);
}
