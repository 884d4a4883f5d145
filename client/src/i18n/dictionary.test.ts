import { describe, expect, it } from 'vitest';
import { DICTIONARIES, translator } from './dictionary.ts';

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
});
