/**
 * What an observation says about the sensor itself, before any kind's rule reads it
 * (docs/contracts.md#device-time-and-plausibility):
 *  - a reading outside the plausible range of its unit (`implausible`, set by the decoder) is a
 *    sensor fault: `implausible_value` trouble, and the reading never reaches the threshold or
 *    rate-of-rise rules;
 *  - an observation whose device time was not believed (`deviceTs`) means the device's clock is
 *    wrong: `clock_wrong` trouble. The observation itself is evaluated as any other: the engine
 *    works at the receive time;
 *  - a device time that is believed (within the retention) but runs behind the receive time by
 *    the same amount, more than the skew allowed, message after message for CLOCK_BEHIND_MS, is a
 *    clock set to the wrong zone or an hour behind (its points are stored that far in the past):
 *    `clock_wrong` too. A backlog (the broker's queue after Vigil was away, a gateway flushing its
 *    buffer) arrives within seconds and is followed by live messages, so it never lasts that long.
 * Both troubles clear on the first good observation after a quiet spell, so one stray good value
 * between bad ones does not make them chatter.
 */
import { MAX_FUTURE_SKEW_MS, type DetailText, type Observation, type ReadingObservation } from '../../../../contract/index.ts';
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

/**
 * A steady lag must last this long (and 3 messages) before it counts as a clock running behind:
 * far longer than any backlog takes to drain, and a few reporting periods of a device that
 * reports every few minutes.
 */
export const CLOCK_BEHIND_MS = 15 * 60 * 1000;

/** Returns false when the reading is implausible and must not be compared with anything. */
export function plausibleReading(run: Run, rs: SensorRuleState, obs: ReadingObservation): boolean {
  if (obs.implausible === true) {
    rs.implausibleAt = run.now;
    conditionOn(run, rs, 'implausible_value', SPECS.implausibleValue, obs.value, { key: 'implausible', params: { unit: obs.unit } });
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
    rs.clockBehind = null;
    clockWrong(run, rs, { key: 'clock_untrusted', params: { deviceTime: describeTime(obs.deviceTs), received: new Date(obs.receivedAt).toISOString() } });
    return;
  }
  // A payload without a time is stamped with the receive time: it says nothing of the clock.
  const lag = obs.receivedAt - obs.ts;
  if (lag > MAX_FUTURE_SKEW_MS) {
    const b = rs.clockBehind ?? null;
    if (b === null || Math.abs(lag - b.lag) > MAX_FUTURE_SKEW_MS) rs.clockBehind = { since: run.now, lag, count: 1 };
    else {
      b.count += 1;
      if (run.now - b.since >= CLOCK_BEHIND_MS && b.count >= 3) clockWrong(run, rs, { key: 'clock_behind', params: { lagMs: lag } });
    }
    // Lagging is no evidence of a sane clock either way.
    return;
  }
  rs.clockBehind = null;
  const last = rs.clockWrongAt ?? null;
  if (last !== null && run.now - last >= CLOCK_SANE_CLEAR_MS) {
    rs.clockWrongAt = null;
    conditionOff(run, rs, 'clock_wrong');
  }
}

function clockWrong(run: Run, rs: SensorRuleState, detail: DetailText): void {
  rs.clockWrongAt = run.now;
  conditionOn(run, rs, 'clock_wrong', SPECS.clockWrong, null, detail);
}

/** Dates beyond ±8.64e15 ms cannot be printed as ISO strings. */
function describeTime(ms: number): string {
  return Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : `${ms} ms`;
}
