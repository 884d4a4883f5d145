/**
 * Sprinkler supervision in NFPA 72's signal classes (docs/contracts.md#sprinkler-supervision):
 *
 * - `waterflow` (a riser's flow switch): water flowing for the switch's retard
 *   (`waterflowRetardS`, 0–90 s) is an alarm signal, critical and latching. Flow that stops within
 *   the retard raises nothing: a pressure surge (a pump starting, a main's hammer) moves the paddle
 *   for a moment, a discharging head keeps it moved. In a zone with an open fire alarm the flow is
 *   that fire's (sprinkler.ts correlates the two).
 * - `valve` (a control valve's supervisory switch): not fully open is a supervisory signal.
 * - `pump` (a fire pump controller): running is supervisory; power failure and phase reversal
 *   are trouble (the pump cannot be relied on).
 * - `pressure` (the riser's water pressure, bar): below or above the sensor's `pressureLimits` is
 *   supervisory.
 */
import type { Condition, EventObservation, EventType, Sensor } from '../../../../contract/index.ts';
import { SPECS, type ConditionSpec } from './conditions.ts';
import { conditionOff, conditionOn } from './lifecycle.ts';
import { COMMON_EVENTS } from './rules.common.ts';
import { fireAlarmInZone } from './sprinkler.ts';
import { wakeAt, type Run, type SensorRuleState } from './engine.types.ts';
import { ignoreReading, type EventRule, type KindRules, type ReadingRule } from './rules.types.ts';

const retardMs = (sensor: Sensor): number => (sensor.waterflowRetardS ?? 0) * 1000;

/** Raises the water-flow alarm once the flow has lasted the retard, else wakes up when it will have. */
function checkFlow(run: Run, rs: SensorRuleState, sensor: Sensor): void {
  const since = rs.waterflow?.since ?? null;
  if (since === null || rs.points.waterflow?.active === true) return;
  const due = since + retardMs(sensor);
  if (run.now < due) {
    wakeAt(rs, due);
    return;
  }
  const fire = fireAlarmInZone(run, rs);
  const detail =
    fire !== undefined
      ? {
          key: 'waterflow_with_fire' as const,
          params: { sensor: fire.sensorName, ...(fire.text?.params.labelZh ? { sensorZh: fire.text.params.labelZh } : {}) },
        }
      : (rs.waterflow?.detail ?? (sensor.waterflowRetardS ? { key: 'waterflow_retard' as const, params: { seconds: sensor.waterflowRetardS } } : null));
  conditionOn(run, rs, 'waterflow', SPECS.waterflow, null, detail);
}

export const waterflowRules: KindRules = {
  init(rs) {
    rs.waterflow = { since: null, detail: null };
  },
  reading: ignoreReading,
  events: {
    ...COMMON_EVENTS,
    waterflow: (run, rs, sensor, obs) => {
      rs.waterflow ??= { since: null, detail: null };
      // A repeated flow report (a periodic state message) must not restart the retard.
      rs.waterflow.since ??= run.now;
      rs.waterflow.detail = obs.detail ?? null;
      checkFlow(run, rs, sensor);
    },
    waterflow_clear: (run, rs) => {
      if (rs.waterflow) rs.waterflow.since = null;
      conditionOff(run, rs, 'waterflow');
    },
  },
  timers: checkFlow,
};

/** A switch that sets a condition on one event type and clears it on another. */
function switchEvents(on: EventType, off: EventType, condition: Condition, spec: ConditionSpec): Partial<Record<EventType, EventRule>> {
  return {
    [on]: (run: Run, rs: SensorRuleState, _s: Sensor, obs: EventObservation) => void conditionOn(run, rs, condition, spec, null, obs.detail ?? null),
    [off]: (run: Run, rs: SensorRuleState) => conditionOff(run, rs, condition),
  };
}

const noState = (): void => undefined;

export const valveRules: KindRules = {
  init: noState,
  reading: ignoreReading,
  events: { ...COMMON_EVENTS, ...switchEvents('valve_closed', 'valve_open', 'valve_closed', SPECS.valveClosed) },
  timers: null,
};

export const pumpRules: KindRules = {
  init: noState,
  reading: ignoreReading,
  events: {
    ...COMMON_EVENTS,
    ...switchEvents('pump_running', 'pump_running_clear', 'pump_running', SPECS.pumpRunning),
    ...switchEvents('pump_power_fail', 'pump_power_fail_clear', 'pump_power_fail', SPECS.pumpTrouble),
    ...switchEvents('pump_phase_reversal', 'pump_phase_reversal_clear', 'pump_phase_reversal', SPECS.pumpTrouble),
  },
  timers: null,
};

/**
 * A limit clears only this far back inside it: a riser's pressure wanders by a tenth of a bar as
 * the jockey pump cycles, and a reading sitting on a limit must not chatter.
 */
export const PRESSURE_DEADBAND_BAR = 0.2;

const pressureReading: ReadingRule = (run, rs, sensor, obs) => {
  const limits = sensor.pressureLimits;
  if (limits === undefined || obs.unit !== sensor.unit) return;
  const v = obs.value;
  if (v < limits.low) conditionOn(run, rs, 'pressure_low', SPECS.pressureLow, v, { key: 'pressure_below', params: { threshold: limits.low, unit: 'bar' } });
  else if (v >= limits.low + PRESSURE_DEADBAND_BAR) conditionOff(run, rs, 'pressure_low');
  if (v > limits.high) conditionOn(run, rs, 'pressure_high', SPECS.pressureHigh, v, { key: 'pressure_above', params: { threshold: limits.high, unit: 'bar' } });
  else if (v <= limits.high - PRESSURE_DEADBAND_BAR) conditionOff(run, rs, 'pressure_high');
};

export const pressureRules: KindRules = {
  init: noState,
  reading: pressureReading,
  events: COMMON_EVENTS,
  timers: null,
};
