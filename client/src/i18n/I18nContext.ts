/** Language and the site's time zone together: every formatted string needs both. */
import { createContext, useContext } from 'react';
import { timeFormatters, type TimeFormatters } from '../format/time.format.ts';
import { formatDuration, translator, type Locale, type Translate } from './dictionary.ts';

export interface I18n {
  locale: Locale;
  timeZone: string;
  t: Translate;
  fmt: TimeFormatters;
  duration: (ms: number) => string;
}

export function makeI18n(locale: Locale, timeZone: string): I18n {
  const t = translator(locale);
  return { locale, timeZone, t, fmt: timeFormatters(locale, timeZone), duration: (ms) => formatDuration(ms, t) };
}

export const I18nContext = createContext<I18n>(makeI18n('en', 'UTC'));

export function useI18n(): I18n {
  return useContext(I18nContext);
}
