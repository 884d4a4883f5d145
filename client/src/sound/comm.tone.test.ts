// The comm-lost tone repeats until the link is back or the officer silences it, and sounds again
// for the next outage (README, "When the live link is lost").
import { describe, expect, it } from 'vitest';
import { PATTERNS } from './sound.patterns.ts';
import { COMM_LOST_PATTERN, commToneSounding } from './comm.tone.ts';

describe('comm-lost tone', () => {
  it('sounds while the link is lost, and stops when it is back', () => {
    expect(commToneSounding(1_000, null)).toBe(true);
    expect(commToneSounding(null, null)).toBe(false);
  });

  it('stays silent for the outage the officer silenced, and sounds again for the next one', () => {
    expect(commToneSounding(1_000, 1_000)).toBe(false);
    expect(commToneSounding(9_000, 1_000)).toBe(true);
  });

  it('cannot be taken for an alarm: its own waveform, and pitches no alarm pattern uses', () => {
    const alarms = Object.values(PATTERNS).filter((p) => p !== null);
    for (const p of alarms) expect(p.wave).not.toBe(COMM_LOST_PATTERN.wave);
    const alarmPitches = new Set(alarms.flatMap((p) => p.tones.map((t) => t.freqHz)));
    for (const t of COMM_LOST_PATTERN.tones) expect(alarmPitches.has(t.freqHz)).toBe(false);
    // Falling, where every alarm pattern starts high and alternates or repeats.
    expect(COMM_LOST_PATTERN.tones[0]!.freqHz).toBeGreaterThan(COMM_LOST_PATTERN.tones[1]!.freqHz);
  });
});
