/**
 * Smoke detectors (NFPA 72 signal classes): smoke → fire alarm (critical,
 * latching until acknowledged and reset); pre-alarm → supervisory, high; fault, dirty chamber and
 * tamper → trouble; test → recorded, no alarm; battery (status channel) → low-priority trouble.
 */
import { SPECS } from './conditions.ts';
import { conditionOff, conditionOn } from './lifecycle.ts';
import { COMMON_EVENTS } from './rules.common.ts';
import { ignoreReading, type KindRules } from './rules.types.ts';

export const smokeRules: KindRules = {
  init: () => undefined,
  // Obscuration readings are history only: the detector itself decides alarm and pre-alarm.
  reading: ignoreReading,
  events: {
    ...COMMON_EVENTS,
    smoke: (run, rs, _s, obs) => void conditionOn(run, rs, 'smoke', SPECS.smoke, null, obs.detail ?? null),
    smoke_clear: (run, rs) => conditionOff(run, rs, 'smoke'),
    pre_alarm: (run, rs, _s, obs) => void conditionOn(run, rs, 'smoke_pre_alarm', SPECS.smokePreAlarm, null, obs.detail ?? null),
    pre_alarm_clear: (run, rs) => conditionOff(run, rs, 'smoke_pre_alarm'),
  },
  timers: null,
};
