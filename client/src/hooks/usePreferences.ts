/** Theme, language and whether the plan follows new alarms, remembered per browser (a wall display keeps its settings). */
import { useCallback, useEffect, useState } from 'react';
import { LOCALES, type Locale } from '../i18n/dictionary.ts';

export type Theme = 'dark' | 'light';

export interface Preferences {
  theme: Theme;
  locale: Locale;
  /** The plan switches to each new alarm of the highest priority present (Dashboard's follow). */
  followAlarms: boolean;
}

const STORAGE_KEY = 'vigil.preferences';

function initialLocale(): Locale {
  return navigator.language.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

function load(): Preferences {
  try {
    return parsePreferences(localStorage.getItem(STORAGE_KEY), initialLocale());
  } catch {
    return parsePreferences(null, initialLocale());
  }
}

/** Saved preferences (JSON, or null when none), anything missing or unreadable at its default. */
export function parsePreferences(raw: string | null, defaultLocale: Locale): Preferences {
  // Dark, high contrast is the control-room default, whatever the OS prefers. Following alarms is
  // on unless turned off: an officer back at the screen finds the plan on the worst new alarm.
  const fallback: Preferences = { theme: 'dark', locale: defaultLocale, followAlarms: true };
  if (!raw) return fallback;
  try {
    const saved = JSON.parse(raw) as Partial<Preferences> | null;
    return {
      theme: saved?.theme === 'light' ? 'light' : 'dark',
      locale: LOCALES.includes(saved?.locale as Locale) ? (saved?.locale as Locale) : fallback.locale,
      followAlarms: saved?.followAlarms !== false,
    };
  } catch {
    return fallback;
  }
}

export function usePreferences(): [Preferences, (patch: Partial<Preferences>) => void] {
  const [prefs, setPrefs] = useState(load);

  useEffect(() => {
    document.documentElement.dataset.theme = prefs.theme;
    document.documentElement.lang = prefs.locale === 'zh' ? 'zh-CN' : 'en';
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(prefs));
    } catch {
      // Private mode or full storage: the choice just is not remembered.
    }
  }, [prefs]);

  const update = useCallback((patch: Partial<Preferences>) => setPrefs((p) => ({ ...p, ...patch })), []);
  return [prefs, update];
}
