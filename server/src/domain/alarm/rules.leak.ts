/**
 * Water-leak detectors: `leak` (probe wet) → alarm, high, latching until acknowledged and reset;
 * a reset is refused until the detector reports `leak_clear` (dry), so nobody can clear a leak
 * that is still wet. The leak is raised once the probe has been wet for the sensor's
 * `leakOnDelayS` in all (0: at once), adding up across dry spells shorter than the delay; a probe
 * wet for less than that, then dry for as long, raises nothing. Fault, tamper,
 * test and battery are the common rules.
 */
import type { Sensor } from '../../../../contract/index.ts';
import { SPECS } from './conditions.ts';
import { conditionOff, conditionOn } from './lifecycle.ts';
import { COMMON_EVENTS } from './rules.common.ts';
import { wakeAt, type Run, type SensorRuleState } from './engine.types.ts';
import { ignoreReading, type KindRules } from './rules.types.ts';

const delayMs = (sensor: Sensor): number => (sensor.leakOnDelayS ?? 0) * 1000;

/**
 * Raises the leak once the probe has been wet for the on-delay in all, else wakes up when it will
 * have been. Wet time adds up across dry spells shorter than the delay: splashing or dripping water
 * makes and breaks the probe's contact, and restarting at each dry report would never raise a
 * probe flapping in a flooding room. A dry spell as long as the delay ends the wetting.
 */
function checkWet(run: Run, rs: SensorRuleState, sensor: Sensor): void {
  const leak = rs.leak;
  if (!leak || leak.wetSince === null) return;
  const delay = delayMs(sensor);
  const dryAt = leak.dryAt ?? null;
  if (dryAt !== null) {
    if (run.now - dryAt >= delay) Object.assign(leak, { wetSince: null, dryAt: null, wetMs: 0 });
    return;
  }
  const wet = (leak.wetMs ?? 0) + (run.now - leak.wetSince);
  if (wet >= delay) conditionOn(run, rs, 'leak', SPECS.leak, null, leak.detail);
  else wakeAt(rs, run.now + (delay - wet));
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
      const leak = rs.leak;
      const dryAt = leak.dryAt ?? null;
      if (dryAt !== null) {
        // Wet again: a new spell, adding to the wetting unless it dried as long as the delay.
        if (run.now - dryAt >= delayMs(sensor)) leak.wetMs = 0;
        leak.dryAt = null;
        leak.wetSince = run.now;
      }
      // A repeated wet report (a periodic state message) must not restart the on-delay.
      leak.wetSince ??= run.now;
      leak.detail = obs.detail ?? null;
      checkWet(run, rs, sensor);
    },
    leak_clear: (run, rs) => {
      const leak = rs.leak;
      if (leak && leak.wetSince !== null && (leak.dryAt ?? null) === null) {
        leak.wetMs = (leak.wetMs ?? 0) + (run.now - leak.wetSince);
        leak.dryAt = run.now;
      }
      conditionOff(run, rs, 'leak');
    },
  },
  timers: checkWet,
};
