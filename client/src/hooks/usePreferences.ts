/** Theme and language, remembered per browser (a wall display keeps its settings). */
import { useCallback, useEffect, useState } from 'react';
import { LOCALES, type Locale } from '../i18n/dictionary.ts';

export type Theme = 'dark' | 'light';

export interface Preferences {
  theme: Theme;
  locale: Locale;
}

const STORAGE_KEY = 'vigil.preferences';

function initialLocale(): Locale {
  return navigator.language.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

function load(): Preferences {
  // Dark, high contrast is the control-room default, whatever the OS prefers.
  const fallback: Preferences = { theme: 'dark', locale: initialLocale() };
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    if (!raw) return fallback;
    const saved = JSON.parse(raw) as Partial<Preferences>;
    return {
      theme: saved.theme === 'light' ? 'light' : 'dark',
      locale: LOCALES.includes(saved.locale as Locale) ? (saved.locale as Locale) : fallback.locale,
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
