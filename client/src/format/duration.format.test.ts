import { describe, expect, it } from 'vitest';
import { translator } from '../i18n/dictionary.ts';
import { formatDuration } from './duration.format.ts';

// Elapsed, out-of-service remaining, shelved for: read as people say them in both languages.
describe('formatDuration', () => {
  const en = translator('en');
  const zh = translator('zh');

  it('gives the two largest units, without zero padding', () => {
    expect(formatDuration(3_000, en)).toBe('3 s');
    expect(formatDuration(245_000, en)).toBe('4 min 5 s');
    expect(formatDuration(2 * 3_600_000 + 5 * 60_000 + 59_000, en)).toBe('2 h 5 min');
    expect(formatDuration(3 * 86_400_000 + 4 * 3_600_000, en)).toBe('3 d 4 h');
    expect(formatDuration(-5_000, en)).toBe('0 s'); // a clock slightly ahead never shows "-5 s"
  });

  it('leaves out a second unit that is zero: "1 h", not "1 h 00 min"', () => {
    expect(formatDuration(3_600_000, en)).toBe('1 h');
    expect(formatDuration(7 * 86_400_000, en)).toBe('7 d');
    expect(formatDuration(15 * 60_000, en)).toBe('15 min');
  });

  it('speaks Chinese with no space between a number and its unit', () => {
    expect(formatDuration(2 * 3_600_000 + 5 * 60_000, zh)).toBe('2小时5分钟');
    expect(formatDuration(245_000, zh)).toBe('4分钟5秒');
    expect(formatDuration(3 * 86_400_000 + 4 * 3_600_000, zh)).toBe('3天4小时');
    expect(formatDuration(15 * 60_000, zh)).toBe('15分钟');
    expect(formatDuration(45_000, zh)).toBe('45秒');
  });
});
