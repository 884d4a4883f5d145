/**
 * Water-leak detectors: `leak` (probe wet) → alarm, high, latching until acknowledged and reset;
 * a reset is refused until the detector reports `leak_clear` (dry), so nobody can clear a leak
 * that is still wet. The leak is raised once it has stood unbroken for the sensor's
 * `leakOnDelayS` (0: at once); a `leak_clear` within the delay raises nothing. Fault, tamper,
 * test and battery are the common rules.
 */
import type { Sensor } from '../../../../contract/index.ts';
import { SPECS } from './conditions.ts';
import { conditionOff, conditionOn } from './lifecycle.ts';
import { COMMON_EVENTS } from './rules.common.ts';
import { wakeAt, type Run, type SensorRuleState } from './engine.types.ts';
import { ignoreReading, type KindRules } from './rules.types.ts';

const delayMs = (sensor: Sensor): number => (sensor.leakOnDelayS ?? 0) * 1000;

/** Raises the leak if the probe has been wet for the whole on-delay, else wakes up when it will have. */
function checkWet(run: Run, rs: SensorRuleState, sensor: Sensor): void {
  const wetSince = rs.leak?.wetSince ?? null;
  if (wetSince === null) return;
  const due = wetSince + delayMs(sensor);
  if (run.now >= due) conditionOn(run, rs, 'leak', SPECS.leak, null, rs.leak?.detail ?? null);
  else wakeAt(rs, due);
}

export const leakRules: KindRules = {
  init(rs) {
    rs.leak = { wetSince: null, detail: null };
  },
  reading: ignoreReading,
  events: {
    ...COMMON_EVENTS,
    leak: (run, rs, sensor, obs) => {
      // A state restored from before leak detectors existed has no leak part yet.
      rs.leak ??= { wetSince: null, detail: null };
      // A repeated wet report (a periodic state message) must not restart the on-delay.
      rs.leak.wetSince ??= run.now;
      rs.leak.detail = obs.detail ?? null;
      checkWet(run, rs, sensor);
    },
    leak_clear: (run, rs) => {
      if (rs.leak) rs.leak.wetSince = null;
      conditionOff(run, rs, 'leak');
    },
  },
  timers: checkWet,
};
