/**
 * Gateways (a Zigbee2MQTT bridge, a Tasmota, an ESPHome node, an esp-rfid controller): when one
 * goes offline every sensor behind it falls silent for one cause. That is ONE trouble alarm —
 * "Zigbee bridge offline: 14 detectors unsupervised" — not fourteen offline alarms: ISA-18.2
 * counts a flood of alarms with one cause as a failure of the alarm system, and NFPA 72 makes a
 * failed path to the devices a trouble signal. Its sensors show offline (`online: false`) but
 * raise no offline alarm of their own while it lasts (rules.watchdog.ts); when the gateway is
 * back the condition returns to normal (the alarm stays until acknowledged, like every trouble
 * alarm) and each sensor's silence is counted afresh from then.
 *
 * The gateway speaks through `status` observations of its own id (gateway.decoder.ts): `online`
 * from its availability topic (bridge state, LWT, birth and last will) or from its traffic.
 * With a `heartbeatS`, nothing heard for heartbeatS × offlineHeartbeats is offline too, like a
 * sensor's watchdog. The rule state lives beside the sensors' (key: the gateway's id, which no
 * sensor shares), so acknowledging, shelving and persisting its alarm work as for any other.
 */
import { UNREGISTERED, type Alarm, type DetailText, type Gateway, type Observation, type Sensor, type SensorKind } from '../../../../contract/index.ts';
import { SPECS } from './conditions.ts';
import { conditionOff, conditionOn } from './lifecycle.ts';
import { newRuleState } from './rule-state.ts';
import { sensorTick } from './timers.ts';
import type { RegistryView, Run, SensorRuleState } from './engine.types.ts';

const NONE: readonly Sensor[] = Object.freeze([]);
const DETECTORS: ReadonlySet<SensorKind> = new Set(['gas', 'co', 'smoke', 'leak']);

function gatewayState(run: Run, g: Gateway): SensorRuleState {
  let rs = run.state.sensors.get(g.id);
  if (rs === undefined) {
    rs = newRuleState(g.id, { id: g.id, siteId: g.siteId, zoneId: g.zoneId ?? UNREGISTERED }, null, null, run.now);
    run.state.sensors.set(g.id, rs);
  }
  return rs;
}

function sensorsBehind(registry: RegistryView, gatewayId: string): readonly Sensor[] {
  return registry.sensorsBehind?.(gatewayId) ?? NONE;
}

/** "14 detectors unsupervised", "1 sensor unsupervised": how many, and whether all are detectors. */
function unsupervised(sensors: readonly Sensor[]): { count: number; detectors: boolean } {
  return { count: sensors.length, detectors: sensors.length > 0 && sensors.every((s) => DETECTORS.has(s.kind)) };
}

/** A status observation of a gateway: its own word, or its traffic. Drill traffic never reaches a gateway. */
export function evaluateGateway(run: Run, g: Gateway, obs: Observation): void {
  if (obs.drill !== undefined) return;
  const rs = gatewayState(run, g);
  rs.lastSeen = run.now;
  if (obs.channel !== 'status' || obs.online === undefined) return;
  if (obs.online) gatewayOnline(run, rs, g);
  else gatewayOffline(run, rs, g, null);
}

/** `silentS`: nothing heard for so long; null: the gateway reported itself offline. */
function gatewayOffline(run: Run, rs: SensorRuleState, g: Gateway, silentS: number | null): void {
  rs.online = false;
  const behind = sensorsBehind(run.ctx.registry, g.id);
  for (const sensor of behind) {
    let srs = run.state.sensors.get(sensor.id);
    if (srs === undefined) {
      srs = newRuleState(sensor.id, sensor, null, sensor.kind, run.now);
      run.state.sensors.set(sensor.id, srs);
    }
    srs.online = false;
  }
  const units = unsupervised(behind);
  const detail: DetailText = silentS === null ? { key: 'gateway_reported', params: units } : { key: 'gateway_silent', params: { ...units, seconds: silentS } };
  conditionOn(run, rs, 'gateway_offline', SPECS.gatewayOffline, behind.length, detail);
}

function gatewayOnline(run: Run, rs: SensorRuleState, g: Gateway): void {
  rs.online = true;
  const p = rs.points.gateway_offline;
  if (p === undefined || !p.active) return;
  conditionOff(run, rs, 'gateway_offline');
  // Shown offline only because of the gateway: unknown until each speaks again (its own
  // watchdog now counts from the gateway's return, rules.watchdog.ts).
  for (const sensor of sensorsBehind(run.ctx.registry, g.id)) {
    const srs = run.state.sensors.get(sensor.id);
    if (srs !== undefined && srs.online === false && srs.points.offline?.active !== true) srs.online = null;
  }
}

/**
 * Tick, before the sensors' watchdogs (a gateway gone silent explains its sensors' silence):
 * the gateways' own silence, and their alarms' timers (shelf expiry).
 */
export function gatewaysTick(run: Run): void {
  const gateways = run.ctx.registry.gateways?.() ?? [];
  for (const g of gateways) {
    const rs = gatewayState(run, g);
    if (g.heartbeatS !== null && rs.points.gateway_offline?.active !== true) {
      const heardAt = rs.lastSeen ?? rs.watchSince;
      const base = run.state.watchBaseline === null ? heardAt : Math.max(heardAt, run.state.watchBaseline);
      if (run.now - base >= g.heartbeatS * run.ctx.settings.offlineHeartbeats * 1000) gatewayOffline(run, rs, g, Math.round((run.now - base) / 1000));
    }
    sensorTick(run, rs, undefined);
  }
}

/**
 * The sensors whose shown state an alarm change altered: a gateway's offline alarm changes
 * every sensor behind it (the service pushes their live state to dashboards).
 */
export function sensorsShownOffline(alarm: Alarm, registry: RegistryView): readonly Sensor[] {
  if (alarm.condition !== 'gateway_offline' || alarm.drill !== null || alarm.gatewayId === undefined) return NONE;
  return sensorsBehind(registry, alarm.gatewayId);
}
