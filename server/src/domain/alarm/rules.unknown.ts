/**
 * Readings from a sensor that is not in the registry are stored as `unregistered` and raise one
 * low-priority "unknown device" alarm per device — never silently dropped
 * (docs/contracts.md#conditions-and-rules). The condition stays present while the device keeps talking and returns to normal
 * `momentaryHoldS` after it falls silent; once that alarm is closed, the device never raises again.
 */
import { UNREGISTERED, type Observation } from '../../../../contract/index.ts';
import { SPECS } from './conditions.ts';
import { conditionHeld } from './lifecycle.ts';
import { newRuleState } from './rule-state.ts';
import { ruleKey, wakeAt, type Run } from './engine.types.ts';

export function evaluateUnknown(run: Run, obs: Observation): void {
  const key = ruleKey(obs.sensorId, obs.drill);
  let rs = run.state.sensors.get(key);
  if (rs === undefined) {
    rs = newRuleState(key, { id: obs.sensorId, siteId: obs.siteId, zoneId: UNREGISTERED }, obs.drill ?? null, null, run.now);
    rs.unknown = true;
    run.state.sensors.set(key, rs);
  }
  rs.lastSeen = run.now;
  const p = rs.points.unknown_device;
  if (p !== undefined && p.alarmId === null && !p.active) return; // raised once already, and closed
  if (p !== undefined && p.active) {
    // Still talking: keep the condition present without a new event.
    p.holdUntil = run.now + run.ctx.settings.momentaryHoldS * 1000;
    wakeAt(rs, p.holdUntil);
    return;
  }
  const detail = `site ${obs.siteId}, ${obs.channel}`;
  conditionHeld(run, rs, 'unknown_device', SPECS.unknownDevice, null, detail, run.ctx.settings.momentaryHoldS * 1000);
}
