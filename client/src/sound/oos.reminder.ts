/**
 * The out-of-service reminder: OUT_OF_SERVICE_REMINDER_S before a sensor returns to service by
 * itself, the console plays one short chime, so the officer who put it out of service (or the
 * next shift) can extend it before its alarms come back. It must not be taken for an alarm
 * (sound.patterns.ts) or for the comm-lost tone (comm.tone.ts): two soft, high, falling sine notes
 * played once, where alarms (and the supervisory chime) repeat and rise or alternate. The
 * officer's mute silences it too.
 */
import type { OutOfService } from '../../../contract/alarm.ts';
import { endState } from '../domain/out-of-service.ts';
import type { Mute, SoundPattern } from './sound.patterns.ts';

export const OOS_REMINDER_PATTERN: SoundPattern = {
  periodMs: 1_000,
  wave: 'sine',
  tones: [
    { atMs: 0, durMs: 180, freqHz: 1_320 },
    { atMs: 240, durMs: 320, freqHz: 990 },
  ],
};

/** One key per out-of-service period (an extended period has a new end, so it reminds again). */
export function endingSoon(sensors: Iterable<{ sensorId: string; outOfService: OutOfService | null }>, now: number): Set<string> {
  const keys = new Set<string>();
  for (const { sensorId, outOfService } of sensors) {
    if (outOfService !== null && endState(outOfService, now) === 'soon') keys.add(`${sensorId}@${outOfService.until}`);
  }
  return keys;
}

/**
 * Whether the chime plays now: some period's end came near since the last look (`announced`), and
 * the officer has not muted the console. A reminder that falls in a mute is not kept for later:
 * the panel still shows the end, and a chime minutes late would say the wrong thing. `announced`
 * null is the first look after the console synced: ends already near then were announced before
 * this page (a reload does not chime again).
 */
export function reminderSounds(soon: ReadonlySet<string>, announced: ReadonlySet<string> | null, mute: Mute | null, now: number): boolean {
  if (announced === null) return false;
  if (mute !== null && now < mute.until) return false;
  for (const key of soon) if (!announced.has(key)) return true;
  return false;
}
