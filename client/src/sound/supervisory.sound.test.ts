// NFPA 72 (10.10.4, 18.4): a supervisory signal is distinguishable from a fire alarm signal by
// ear. A high supervisory signal (a sprinkler valve off open) plays its own chime; a high alarm
// signal at the same time plays the alarm pattern; a critical fire plays the critical pattern.
import { describe, expect, it } from 'vitest';
import { makeAlarm } from '../../../test/support/client.fixtures.ts';
import { PATTERNS, SUPERVISORY_PATTERN, soundingSignal } from './sound.patterns.ts';

const NOW = Date.parse('2026-12-04T10:00:00Z');
const valve = makeAlarm({ id: 'v', condition: 'valve_closed', class: 'supervisory', priority: 'high', state: 'active_unacked' });
const leak = makeAlarm({ id: 'l', condition: 'leak', class: 'alarm', priority: 'high', state: 'active_unacked' });
const fire = makeAlarm({ id: 'f', condition: 'waterflow', class: 'alarm', priority: 'critical', state: 'active_unacked' });

describe('the supervisory sound', () => {
  it('plays a chime of its own for a high supervisory signal, unlike any alarm pattern', () => {
    expect(soundingSignal([valve], null, NOW)).toEqual({ name: 'supervisory', pattern: SUPERVISORY_PATTERN });
    for (const p of Object.values(PATTERNS)) if (p !== null) expect(SUPERVISORY_PATTERN.tones).not.toEqual(p.tones);
  });

  it('gives way to an alarm signal at the same priority, and to a fire above it', () => {
    expect(soundingSignal([valve, leak], null, NOW)).toEqual({ name: 'high', pattern: PATTERNS.high });
    expect(soundingSignal([valve, fire], null, NOW)).toEqual({ name: 'critical', pattern: PATTERNS.critical });
  });

  it('is silent once the valve alarm is acknowledged', () => {
    expect(soundingSignal([{ ...valve, state: 'active_acked' }], null, NOW)).toBeNull();
  });
});
