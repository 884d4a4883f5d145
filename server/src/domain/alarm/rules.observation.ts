/**
 * What an observation says about the sensor itself, before any kind's rule reads it
 * (docs/contracts.md#device-time-and-plausibility):
 *  - a reading outside the plausible range of its unit (`implausible`, set by the decoder) is a
 *    sensor fault: `implausible_value` trouble, and the reading never reaches the threshold or
 *    rate-of-rise rules;
 *  - an observation whose device time was not believed (`deviceTs`) means the device's clock is
 *    wrong: `clock_wrong` trouble. The observation itself is evaluated as any other: the engine
 *    works at the receive time.
 * Both troubles clear on the first good observation after a quiet spell, so one stray good value
 * between bad ones does not make them chatter.
 */
import type { Observation, ReadingObservation } from '../../../../contract/index.ts';
import { SPECS } from './conditions.ts';
import { conditionOff, conditionOn } from './lifecycle.ts';
import type { Run, SensorRuleState } from './engine.types.ts';

/**
 * `implausible_value` clears at the first plausible reading this long after the last implausible
 * one: longer than the common reporting periods (1 min native heartbeat, Tasmota's 5 min
 * TelePeriod), so at least one full period of good readings is seen before the trouble goes.
 */
export const IMPLAUSIBLE_CLEAR_MS = 5 * 60 * 1000;

/**
 * `clock_wrong` clears at the first observation with a believed time this long after the last
 * one without: a clock that jumps back and forth (a failing RTC, NTP at boot only) should be seen
 * to hold for a few reporting periods first.
 */
export const CLOCK_SANE_CLEAR_MS = 15 * 60 * 1000;

/** Returns false when the reading is implausible and must not be compared with anything. */
export function plausibleReading(run: Run, rs: SensorRuleState, obs: ReadingObservation): boolean {
  if (obs.implausible === true) {
    rs.implausibleAt = run.now;
    conditionOn(run, rs, 'implausible_value', SPECS.implausibleValue, obs.value, `outside the plausible range of ${obs.unit}`);
    return false;
  }
  const last = rs.implausibleAt ?? null;
  if (last !== null && run.now - last >= IMPLAUSIBLE_CLEAR_MS) {
    rs.implausibleAt = null;
    conditionOff(run, rs, 'implausible_value');
  }
  return true;
}

export function deviceClock(run: Run, rs: SensorRuleState, obs: Observation): void {
  if (obs.deviceTs !== undefined) {
    rs.clockWrongAt = run.now;
    conditionOn(run, rs, 'clock_wrong', SPECS.clockWrong, null, `device time ${describeTime(obs.deviceTs)}, received ${new Date(run.now).toISOString()}`);
    return;
  }
  const last = rs.clockWrongAt ?? null;
  if (last !== null && run.now - last >= CLOCK_SANE_CLEAR_MS) {
    rs.clockWrongAt = null;
    conditionOff(run, rs, 'clock_wrong');
  }
}

/** Dates beyond ±8.64e15 ms cannot be printed as ISO strings. */
function describeTime(ms: number): string {
  return Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : `${ms} ms`;
}
