/**
 * Smoke detectors (NFPA 72 signal classes): smoke → fire alarm (critical,
 * latching until acknowledged and reset); pre-alarm → supervisory, high; fault, dirty chamber and
 * tamper → trouble; test → recorded, and smoke or pre-alarm during it is the test, for at most
 * `selfTestMaxS` (rules.selftest.ts); battery (status channel) → low-priority trouble.
 */
import { SPECS } from './conditions.ts';
import { conditionOff, conditionOn } from './lifecycle.ts';
import { COMMON_EVENTS } from './rules.common.ts';
import { heldDuringTest, signalCleared } from './rules.selftest.ts';
import { ignoreReading, type KindRules } from './rules.types.ts';

export const smokeRules: KindRules = {
  init: () => undefined,
  // Obscuration readings are history only: the detector itself decides alarm and pre-alarm.
  reading: ignoreReading,
  events: {
    ...COMMON_EVENTS,
    smoke: heldDuringTest('smoke', 'smoke', (run, rs, _s, detail) => void conditionOn(run, rs, 'smoke', SPECS.smoke, null, detail)),
    smoke_clear: (run, rs) => {
      signalCleared(rs, 'smoke_clear');
      conditionOff(run, rs, 'smoke');
    },
    pre_alarm: heldDuringTest('smoke', 'pre_alarm', (run, rs, _s, detail) => void conditionOn(run, rs, 'smoke_pre_alarm', SPECS.smokePreAlarm, null, detail)),
    pre_alarm_clear: (run, rs) => {
      signalCleared(rs, 'pre_alarm_clear');
      conditionOff(run, rs, 'smoke_pre_alarm');
    },
  },
  timers: null,
};
