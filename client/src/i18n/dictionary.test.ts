import { describe, expect, it } from 'vitest';
import { DICTIONARIES, formatDuration, translator } from './dictionary.ts';

const placeholders = (text: string): string[] => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();

describe('dictionaries', () => {
  it('translate every message into Chinese with the same placeholders', () => {
    for (const [key, en] of Object.entries(DICTIONARIES.en)) {
      const zh = DICTIONARIES.zh[key as keyof typeof DICTIONARIES.en];
      expect(zh, key).toBeTruthy();
      expect(placeholders(zh), key).toEqual(placeholders(en));
    }
  });

  it('fill placeholders and leave unknown ones visible', () => {
    const t = translator('en');
    expect(t('banner.lost', { time: '14:03:07' })).toBe('Live updates lost since 14:03:07 — values may be stale');
    expect(t('queue.unacked')).toBe('{n} unacknowledged');
  });

  it('format elapsed time with the two largest units', () => {
    const t = translator('en');
    expect(formatDuration(3_000, t)).toBe('3 s');
    expect(formatDuration(245_000, t)).toBe('4 min 05 s');
    expect(formatDuration(2 * 3_600_000 + 3 * 60_000 + 59_000, t)).toBe('2 h 03 min');
    expect(formatDuration(3 * 86_400_000 + 4 * 3_600_000, t)).toBe('3 d 4 h');
    expect(formatDuration(-5_000, t)).toBe('0 s'); // a clock slightly ahead never shows "-5 s"
    // Chinese writes no space between a number and its unit.
    expect(formatDuration(245_000, translator('zh'))).toBe('4分05秒');
    expect(formatDuration(3 * 86_400_000 + 4 * 3_600_000, translator('zh'))).toBe('3天4小时');
  });
});
