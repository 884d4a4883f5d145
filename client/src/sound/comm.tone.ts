/**
 * The "communication lost" tone: what the console sounds like while its live link is down, so an
 * officer who is not looking at the screen learns that alarms may be arriving unseen. It must not
 * be mistaken for any alarm priority (sound.patterns.ts): a low, falling pair in a buzzing
 * sawtooth, where alarms rise and alternate in square, triangle or sine. It repeats while the link
 * is down, until the officer silences it for this outage; the next outage sounds again.
 */
import type { SoundPattern } from './sound.patterns.ts';

export const COMM_LOST_PATTERN: SoundPattern = {
  periodMs: 3_000,
  wave: 'sawtooth',
  tones: [
    { atMs: 0, durMs: 300, freqHz: 520 },
    { atMs: 350, durMs: 600, freqHz: 350 },
  ],
};

/** The name it plays under (AlarmSound.playPattern). */
export const COMM_LOST = 'comm_lost';

/**
 * Whether the tone sounds: while the link is lost (`lostSince`, the live store's), unless the
 * officer silenced this very outage (`silencedOutage`: the `lostSince` it was silenced in).
 */
export function commToneSounding(lostSince: number | null, silencedOutage: number | null): boolean {
  return lostSince !== null && lostSince !== silencedOutage;
}
