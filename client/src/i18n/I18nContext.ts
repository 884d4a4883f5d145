/** Language and the site's time zone together: every formatted string needs both. */
import { createContext, useContext } from 'react';
import type { Alarm } from '../../../contract/alarm.ts';
import type { Facility } from '../../../contract/facility.ts';
import { timeFormatters, type TimeFormatters } from '../format/time.format.ts';
import { formatDuration } from '../format/duration.format.ts';
import { translator, type Locale, type Translate } from './dictionary.ts';
import { sopStepsIn } from './facility.language.ts';

export interface I18n {
  locale: Locale;
  timeZone: string;
  t: Translate;
  fmt: TimeFormatters;
  duration: (ms: number) => string;
  /** An alarm's procedure in this language: the facility's translation when it numbers the same steps. */
  procedure: (alarm: Pick<Alarm, 'sop' | 'sopKey'>) => string[];
}

export function makeI18n(locale: Locale, timeZone: string, facility: Pick<Facility, 'sopsZh'> = {}): I18n {
  const t = translator(locale);
  return {
    locale,
    timeZone,
    t,
    fmt: timeFormatters(locale, timeZone),
    duration: (ms) => formatDuration(ms, t),
    procedure: (alarm) => sopStepsIn(alarm, facility, locale),
  };
}

export const I18nContext = createContext<I18n>(makeI18n('en', 'UTC'));

export function useI18n(): I18n {
  return useContext(I18nContext);
}
