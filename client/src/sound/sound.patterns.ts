/**
 * What the console sounds like: one pattern per priority, repeating while an
 * alarm of that priority waits for acknowledgement. Only the most urgent pattern plays.
 *
 * The shapes follow the idea of IEC 60601-1-8 alarm signals — urgency told by pulse rate and
 * pitch, not by loudness: critical is a fast two-tone (like a hi-lo siren), high a slower
 * two-tone, medium a single beep every few seconds, low is silent (shown, not sounded).
 */
import type { Alarm, Priority } from '../../../contract/alarm.ts';
import { isUnacked } from '../domain/alarm.queue.ts';

export interface Tone {
  /** Offset from the start of the cycle. */
  atMs: number;
  durMs: number;
  freqHz: number;
}

export interface SoundPattern {
  periodMs: number;
  wave: OscillatorType;
  tones: readonly Tone[];
}

export const PATTERNS: Readonly<Record<Priority, SoundPattern | null>> = {
  critical: {
    periodMs: 1_200,
    wave: 'square',
    tones: [
      { atMs: 0, durMs: 200, freqHz: 1_050 },
      { atMs: 250, durMs: 200, freqHz: 770 },
      { atMs: 500, durMs: 200, freqHz: 1_050 },
      { atMs: 750, durMs: 200, freqHz: 770 },
    ],
  },
  high: {
    periodMs: 3_000,
    wave: 'triangle',
    tones: [
      { atMs: 0, durMs: 400, freqHz: 880 },
      { atMs: 550, durMs: 400, freqHz: 660 },
    ],
  },
  medium: { periodMs: 10_000, wave: 'sine', tones: [{ atMs: 0, durMs: 350, freqHz: 740 }] },
  low: null,
};

const ORDER: readonly Priority[] = ['critical', 'high', 'medium', 'low'];

/**
 * NFPA 72 (10.10.4, 18.4): a supervisory signal must be told apart from a fire alarm signal by
 * ear. A closed sprinkler valve or a running fire pump is urgent (high) but is no fire: it sounds
 * this slow rising chime in a soft timbre instead of the two-tones, which belong to alarm
 * signals. A supervisory signal at `medium` or `low` keeps its priority's pattern (a single beep,
 * or silence), which no fire signal uses either.
 */
export const SUPERVISORY_PATTERN: SoundPattern = {
  periodMs: 4_000,
  wave: 'sine',
  tones: [
    { atMs: 0, durMs: 300, freqHz: 523 },
    { atMs: 350, durMs: 300, freqHz: 659 },
    { atMs: 700, durMs: 450, freqHz: 784 },
  ],
};

/**
 * What plays now: the sounding priority's pattern, or the supervisory chime when every alarm
 * sounding at that priority is a supervisory signal (a fire at the same priority wins: its
 * pattern plays). `name` changes when the pattern does, so the player restarts on a change.
 */
export function soundingSignal(alarms: Iterable<Alarm>, mute: Mute | null, now: number): { name: string; pattern: SoundPattern | null } | null {
  const list = [...alarms];
  const priority = soundingPriority(list, mute, now);
  if (priority === null) return null;
  const sounding = list.filter((a) => a.priority === priority && sounds(a, mute, now));
  if (priority === 'high' && sounding.every((a) => a.class === 'supervisory')) return { name: 'supervisory', pattern: SUPERVISORY_PATTERN };
  return { name: priority, pattern: PATTERNS[priority] };
}

/** A mute chosen by the officer: until when, and since when (alarms raised after it still sound). */
export interface Mute {
  since: number;
  until: number;
}

/**
 * The priority whose pattern plays now, or null for silence: the most urgent alarm that waits for
 * acknowledgement, is not shelved or out of service, and is not covered by a mute. A mute covers
 * only alarms already active when it began — a new alarm sounds again (NFPA 72 10.11: a silenced
 * audible resounds for each subsequent alarm).
 */
export function soundingPriority(alarms: Iterable<Alarm>, mute: Mute | null, now: number): Priority | null {
  let best: Priority | null = null;
  for (const alarm of alarms) {
    if (!sounds(alarm, mute, now)) continue;
    if (best === null || ORDER.indexOf(alarm.priority) < ORDER.indexOf(best)) best = alarm.priority;
  }
  return best;
}

/** Whether an alarm sounds: waiting for acknowledgement, not shelved, in service, with a pattern, not covered by the mute. */
function sounds(alarm: Alarm, mute: Mute | null, now: number): boolean {
  if (!isUnacked(alarm) || alarm.shelved || alarm.outOfService || PATTERNS[alarm.priority] === null) return false;
  return !(mute !== null && now < mute.until && alarm.activatedAt <= mute.since);
}

export interface ScheduledTone extends Tone {
  /** Absolute start time (same clock as the arguments). */
  startMs: number;
}

/** The tones of a pattern started at `originMs` that begin within [fromMs, toMs). */
export function tonesBetween(pattern: SoundPattern, originMs: number, fromMs: number, toMs: number): ScheduledTone[] {
  const out: ScheduledTone[] = [];
  if (toMs <= fromMs) return out;
  const firstCycle = Math.max(0, Math.floor((fromMs - originMs) / pattern.periodMs));
  for (let cycle = firstCycle; originMs + cycle * pattern.periodMs < toMs; cycle += 1) {
    for (const tone of pattern.tones) {
      const startMs = originMs + cycle * pattern.periodMs + tone.atMs;
      if (startMs >= fromMs && startMs < toMs) out.push({ ...tone, startMs });
    }
  }
  return out;
}

/** Mute choices offered: sound is muted for a chosen time, never for good. */
export const MUTE_CHOICES_MIN: readonly number[] = [5, 15, 30];
