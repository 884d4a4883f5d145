// An out-of-service sensor returns to service by itself at its end; the console reminds the
// officer OUT_OF_SERVICE_REMINDER_S before, in sound too (out of service in docs/contracts.md, alarm actions), so
// the end can be extended before the sensor's alarms come back.
import { describe, expect, it } from 'vitest';
import { OUT_OF_SERVICE_REMINDER_S, type OutOfService } from '../../../contract/alarm.ts';
import { COMM_LOST_PATTERN } from './comm.tone.ts';
import { OOS_REMINDER_PATTERN, endingSoon, reminderSounds } from './oos.reminder.ts';
import { PATTERNS, SUPERVISORY_PATTERN } from './sound.patterns.ts';

const T0 = 1_764_240_000_000;
const REMINDER_MS = OUT_OF_SERVICE_REMINDER_S * 1000;
const oos = (until: number, remindedAt: number | null = null): OutOfService => ({
  since: T0 - 3_600_000,
  until,
  by: 'tech.zhao',
  reason: 'calibration',
  remindedAt,
});

describe('out-of-service end reminder: when it sounds', () => {
  it('sounds once when a period comes within the reminder time, by our clock or the server reminder', () => {
    const sensors = [{ sensorId: 'GAS-1', outOfService: oos(T0 + REMINDER_MS + 1) }];
    const before = endingSoon(sensors, T0);
    expect(before.size).toBe(0);
    const near = endingSoon(sensors, T0 + 1);
    expect(reminderSounds(near, before, null, T0 + 1)).toBe(true);
    // The next look still sees it near: no second chime.
    expect(reminderSounds(endingSoon(sensors, T0 + 2), near, null, T0 + 2)).toBe(false);
    // The server's reminder arrives before our clock says so: that is the moment.
    const reminded = [{ sensorId: 'GAS-1', outOfService: oos(T0 + 2 * REMINDER_MS, T0) }];
    expect(reminderSounds(endingSoon(reminded, T0), before, null, T0)).toBe(true);
  });

  it('sounds again for a period extended and then near its new end, and for another sensor', () => {
    const near = endingSoon([{ sensorId: 'GAS-1', outOfService: oos(T0 + 60_000) }], T0);
    const extended = endingSoon([{ sensorId: 'GAS-1', outOfService: oos(T0 + 120_000) }], T0);
    expect(reminderSounds(extended, near, null, T0)).toBe(true);
    const both = endingSoon(
      [
        { sensorId: 'GAS-1', outOfService: oos(T0 + 60_000) },
        { sensorId: 'SMK-2', outOfService: oos(T0 + 60_000) },
      ],
      T0,
    );
    expect(reminderSounds(both, near, null, T0)).toBe(true);
  });

  it('does not chime on opening the console for ends already near (announced before this page)', () => {
    const near = endingSoon([{ sensorId: 'GAS-1', outOfService: oos(T0 + 60_000) }], T0);
    expect(reminderSounds(near, null, null, T0)).toBe(false);
  });

  it('stays silent for sensors in service, periods with no end, and while the officer has muted', () => {
    expect(endingSoon([{ sensorId: 'GAS-1', outOfService: null }], T0).size).toBe(0);
    const { until: _until, ...openEnded } = oos(T0);
    expect(endingSoon([{ sensorId: 'GAS-1', outOfService: openEnded }], T0).size).toBe(0);
    const near = endingSoon([{ sensorId: 'GAS-1', outOfService: oos(T0 + 60_000) }], T0);
    expect(reminderSounds(near, new Set(), { since: T0 - 1, until: T0 + 300_000 }, T0)).toBe(false);
    // A mute that has run out no longer holds.
    expect(reminderSounds(near, new Set(), { since: T0 - 600_000, until: T0 - 1 }, T0)).toBe(true);
  });

  it('is a short one-off sound unlike any alarm pattern, the supervisory chime or the comm-lost tone', () => {
    const totalMs = Math.max(...OOS_REMINDER_PATTERN.tones.map((t) => t.atMs + t.durMs));
    expect(totalMs).toBeLessThanOrEqual(1_000);
    const others = [...Object.values(PATTERNS), SUPERVISORY_PATTERN, COMM_LOST_PATTERN].filter((p) => p !== null);
    for (const other of others) {
      const same = other.wave === OOS_REMINDER_PATTERN.wave && other.tones.some((t) => OOS_REMINDER_PATTERN.tones.some((r) => r.freqHz === t.freqHz));
      expect(same).toBe(false);
    }
  });
});
