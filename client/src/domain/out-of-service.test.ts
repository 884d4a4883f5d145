import { describe, expect, it } from 'vitest';
import { MAX_OUT_OF_SERVICE_S, OUT_OF_SERVICE_REMINDER_S } from '../../../contract/alarm.ts';
import { endState, validUntil } from './out-of-service.ts';

const NOW = Date.UTC(2026, 11, 4, 8);
const oos = { since: NOW - 60_000, by: 'tech.zhao', reason: 'calibration' };

describe('out-of-service end (an out-of-service period needs an end, with a reminder before it)', () => {
  it('accepts an end after now and up to the maximum, as the server does', () => {
    expect(validUntil(NOW + 60_000, NOW)).toBe(true);
    expect(validUntil(NOW + MAX_OUT_OF_SERVICE_S * 1000, NOW)).toBe(true);
    expect(validUntil(NOW + MAX_OUT_OF_SERVICE_S * 1000 + 1, NOW)).toBe(false);
    expect(validUntil(NOW, NOW)).toBe(false);
    expect(validUntil(null, NOW)).toBe(false);
  });
  it('calls an end soon within the reminder time, or once the server reminded', () => {
    expect(endState({ ...oos, until: NOW + OUT_OF_SERVICE_REMINDER_S * 1000 + 1 }, NOW)).toBe('later');
    expect(endState({ ...oos, until: NOW + OUT_OF_SERVICE_REMINDER_S * 1000 }, NOW)).toBe('soon');
    expect(endState({ ...oos, until: NOW + 3_600_000, remindedAt: NOW }, NOW)).toBe('soon');
    expect(endState(oos, NOW)).toBe('none');
  });
});
