/**
 * Rules every kind shares: device faults, tamper, the detector self-test (rules.selftest.ts), and
 * the `status` channel (battery; `online: false`, the MQTT last will, is in rules.watchdog.ts).
 */
import type { DetailText, EventObservation, Sensor, StatusObservation } from '../../../../contract/index.ts';
import { SPECS } from './conditions.ts';
import { conditionOff, conditionOn } from './lifecycle.ts';
import { testBegins, testEnds } from './rules.selftest.ts';
import { reportedOffline } from './rules.watchdog.ts';
import type { Run, SensorRuleState } from './engine.types.ts';
import type { EventRule } from './rules.types.ts';

const detailOf = (obs: EventObservation, fallback: DetailText | null): DetailText | string | null => obs.detail ?? fallback;

/** Fault / dirty chamber / tamper are trouble; a test is recorded and raises nothing while within its limit. */
export const COMMON_EVENTS = {
  fault: (run, rs, _s, obs) => void conditionOn(run, rs, 'fault', SPECS.fault, null, detailOf(obs, null)),
  dirty_chamber: (run, rs, _s, obs) => void conditionOn(run, rs, 'fault', SPECS.fault, null, detailOf(obs, { key: 'dirty_chamber', params: {} })),
  fault_clear: (run, rs) => conditionOff(run, rs, 'fault'),
  tamper: (run, rs, _s, obs) => void conditionOn(run, rs, 'tamper', SPECS.tamper, null, detailOf(obs, null)),
  tamper_clear: (run, rs) => conditionOff(run, rs, 'tamper'),
  // A detector alarm the device sent that no sensor receives: trouble on the sensor it is bound as.
  unbound_signal: (run, rs, _s, obs) => void conditionOn(run, rs, 'unbound_signal', SPECS.unboundSignal, null, detailOf(obs, null)),
  unbound_signal_clear: (run, rs) => conditionOff(run, rs, 'unbound_signal'),
  test: testBegins,
  test_clear: testEnds,
} as const satisfies Record<string, EventRule>;

/** The `status` channel: online flag, battery (low below batteryLowPct, with hysteresis), signal. */
export function statusRule(run: Run, rs: SensorRuleState, sensor: Sensor, obs: StatusObservation): void {
  if (obs.online !== undefined) rs.online = obs.online;
  if (obs.online === false) reportedOffline(run, rs);
  if (obs.rssi !== undefined) rs.rssi = obs.rssi;
  const battery = obs.battery;
  if (battery === undefined) return;
  rs.battery = battery;
  if (battery < sensor.batteryLowPct)
    conditionOn(run, rs, 'battery_low', SPECS.batteryLow, battery, { key: 'battery_below', params: { pct: sensor.batteryLowPct } });
  else if (battery >= sensor.batteryLowPct + run.ctx.settings.batteryHysteresisPct) conditionOff(run, rs, 'battery_low');
}
