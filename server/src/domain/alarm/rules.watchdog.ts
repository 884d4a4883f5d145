/**
 * The offline watchdog — a dead sensor must never be a silent failure: offline (trouble, medium)
 * when nothing is heard for heartbeatS × 3, or at once on the MQTT last will `{"online": false}`;
 * anything heard from the device afterwards clears it.
 *
 * A sensor behind a gateway that is offline raises neither: the gateway's one alarm stands for
 * them all (rules.gateway.ts), and once the gateway is back its silence counts from then.
 */
import type { Observation, Sensor } from '../../../../contract/index.ts';
import { SPECS } from './conditions.ts';
import { conditionOff, conditionOn } from './lifecycle.ts';
import type { PointState, Run, SensorRuleState } from './engine.types.ts';

/** Every observation: note the time; traffic other than a last will means the device is back. */
export function heard(run: Run, rs: SensorRuleState, obs: Observation): void {
  rs.lastSeen = run.now;
  const p = rs.points.offline;
  if (p === undefined || !p.active) return;
  if (obs.channel === 'status' && obs.online === false) return;
  rs.online = true;
  conditionOff(run, rs, 'offline');
}

/**
 * The offline point of a sensor's gateway, if it reports through one: active while the gateway
 * is offline; once it is not, its `since` is when the gateway came back.
 */
export function gatewayPointOf(run: Run, sensor: Pick<Sensor, 'source'>): PointState | undefined {
  const gatewayId = sensor.source.adapter === 'native' ? undefined : sensor.source.gateway;
  return gatewayId === undefined ? undefined : run.state.sensors.get(gatewayId)?.points.gateway_offline;
}

/** The device (or the broker, for its last will) says it is offline. */
export function reportedOffline(run: Run, rs: SensorRuleState): void {
  const sensor = run.ctx.registry.sensor(rs.sensorId);
  if (sensor !== undefined && rs.drill === null && gatewayPointOf(run, sensor)?.active === true) return;
  conditionOn(run, rs, 'offline', SPECS.offline, null, { key: 'offline_reported', params: {} });
}

/**
 * Tick: silence longer than heartbeatS × offlineHeartbeats raises offline. Silence is counted from
 * the last message, or from when the engine first watched the sensor, and never from before the
 * last restart (the server being down is not the sensor's silence) or before its gateway came
 * back (the gateway's silence was not the sensor's).
 */
export function watchdog(run: Run, rs: SensorRuleState, sensor: Sensor): void {
  const p = rs.points.offline;
  if (p !== undefined && p.active) return;
  const gateway = rs.drill === null ? gatewayPointOf(run, sensor) : undefined;
  if (gateway?.active === true) return;
  const heardAt = rs.lastSeen ?? rs.watchSince;
  let base = run.state.watchBaseline === null ? heardAt : Math.max(heardAt, run.state.watchBaseline);
  if (gateway !== undefined) base = Math.max(base, gateway.since);
  const limitS = sensor.heartbeatS * run.ctx.settings.offlineHeartbeats;
  if (run.now - base < limitS * 1000) return;
  conditionOn(run, rs, 'offline', SPECS.offline, null, { key: 'silent', params: { seconds: Math.round((run.now - base) / 1000) } });
}
