/**
 * Detector self-tests. A detector under test sounds its own alarm (smoke, pre-alarm, gas): that is
 * the test, held back as such — but only for the sensor's `selfTestMaxS` (default 120 s). A test
 * flag that never goes away must not hide a real fire, so past the limit the sensor raises
 * `self_test_stuck`, every alarm signal it still reports is raised, and new ones count at once.
 * `test_clear` ends the test; a signal still on when it ends outlasted the test and is raised.
 * (docs/contracts.md#conditions-and-rules)
 */
import { SYSTEM_ACTOR, type DetailText, type EventType, type Sensor } from '../../../../contract/index.ts';
import { SPECS, type Detail } from './conditions.ts';
import { sensorChanged } from './events.ts';
import { conditionOff, conditionOn } from './lifecycle.ts';
import { wakeAt, type Run, type SensorRuleState } from './engine.types.ts';
import type { EventRule } from './rules.types.ts';

/** Two minutes: long enough for a push-button test and the sounder's cycle, short enough that a stuck test is noticed. */
export const DEFAULT_SELF_TEST_MAX_S = 120;

/** Raises what an alarm signal raises, outside a test. */
export type SignalRaise = (run: Run, rs: SensorRuleState, sensor: Sensor, detail: Detail) => void;

/** `kind:signal` → how to raise it when a held signal outlasts its test (the state keeps only the signal's name). */
const RAISES = new Map<string, SignalRaise>();
/** Signal → the event that ends it. */
const CLEARS: Partial<Record<EventType, EventType>> = { smoke: 'smoke_clear', pre_alarm: 'pre_alarm_clear', gas: 'gas_clear' };

const limitMs = (sensor: Sensor): number => (sensor.selfTestMaxS ?? DEFAULT_SELF_TEST_MAX_S) * 1000;

/** A detector alarm signal that, within a self-test, is the test. */
export function heldDuringTest(kind: Sensor['kind'], signal: EventType, raise: SignalRaise): EventRule {
  RAISES.set(`${kind}:${signal}`, raise);
  return (run, rs, sensor, obs) => {
    const test = rs.selfTest ?? null;
    if (test !== null && run.now < test.since + limitMs(sensor)) {
      if (!test.signals.includes(signal)) test.signals.push(signal);
      sensorChanged(run, 'sensor_test', rs, SYSTEM_ACTOR, { key: 'self_test_signal', params: { signal } }, null);
      return;
    }
    if (test !== null) testTooLong(run, rs, sensor);
    raise(run, rs, sensor, obs.detail ?? null);
  };
}

/** The signal has ended: it is no longer held (its own clear rule runs as usual). */
export function signalCleared(rs: SensorRuleState, clear: EventType): void {
  const test = rs.selfTest ?? null;
  if (test !== null) test.signals = test.signals.filter((s) => CLEARS[s] !== clear);
}

export const testBegins: EventRule = (run, rs, sensor) => {
  rs.lastTestAt = run.now;
  sensorChanged(run, 'sensor_test', rs, SYSTEM_ACTOR, { key: 'self_test_recorded', params: {} }, null);
  // A repeated test report does not extend the test: the limit counts from its start.
  rs.selfTest ??= { since: run.now, signals: [] };
  wakeAt(rs, rs.selfTest.since + limitMs(sensor));
};

export const testEnds: EventRule = (run, rs, sensor) => {
  const test = rs.selfTest ?? null;
  rs.selfTest = null;
  conditionOff(run, rs, 'self_test_stuck');
  if (test !== null) raiseHeld(run, rs, sensor, test.signals, { key: 'held_after_test', params: {} });
};

/** From the sensor's timers: the limit has passed with the test still on. */
export function selfTestTimer(run: Run, rs: SensorRuleState, sensor: Sensor): void {
  const test = rs.selfTest ?? null;
  if (test === null) return;
  const due = test.since + limitMs(sensor);
  if (run.now >= due) testTooLong(run, rs, sensor);
  else wakeAt(rs, due);
}

function testTooLong(run: Run, rs: SensorRuleState, sensor: Sensor): void {
  const test = rs.selfTest;
  if (!test) return;
  conditionOn(run, rs, 'self_test_stuck', SPECS.selfTestStuck, null, { key: 'test_too_long', params: { seconds: limitMs(sensor) / 1000 } });
  const held = test.signals;
  test.signals = [];
  raiseHeld(run, rs, sensor, held, { key: 'held_test_too_long', params: {} });
}

function raiseHeld(run: Run, rs: SensorRuleState, sensor: Sensor, signals: readonly EventType[], detail: DetailText): void {
  for (const signal of signals) RAISES.get(`${sensor.kind}:${signal}`)?.(run, rs, sensor, detail);
}
