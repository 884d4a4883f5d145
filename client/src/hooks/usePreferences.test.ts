import { describe, expect, it } from 'vitest';
import { parsePreferences } from './usePreferences.ts';

describe('saved preferences', () => {
  it('follows alarms unless the officer turned it off, and remembers that choice', () => {
    expect(parsePreferences(null, 'en').followAlarms).toBe(true);
    expect(parsePreferences('{"theme":"light"}', 'en')).toEqual({ theme: 'light', locale: 'en', followAlarms: true });
    expect(parsePreferences('{"followAlarms":false}', 'zh')).toEqual({ theme: 'dark', locale: 'zh', followAlarms: false });
    expect(parsePreferences(JSON.stringify({ followAlarms: true, locale: 'zh' }), 'en').followAlarms).toBe(true);
  });

  it('falls back to the defaults for unreadable storage', () => {
    expect(parsePreferences('{not json', 'zh')).toEqual({ theme: 'dark', locale: 'zh', followAlarms: true });
    expect(parsePreferences('null', 'en')).toEqual({ theme: 'dark', locale: 'en', followAlarms: true });
  });
});
