/**
 * Times in the time zone of the site a drill ran at, not of the site picked in the header: a
 * report printed in Beijing about a drill in another zone still reads in that site's time.
 */
import { useMemo } from 'react';
import type { FacilityIndex } from '../domain/facility.index.ts';
import { timeFormatters, type TimeFormatters } from '../format/time.format.ts';
import { makeI18n, useI18n, type I18n } from '../i18n/I18nContext.ts';

/** The site's zone, or UTC for a site the facility no longer has. */
export function siteTimeZone(index: FacilityIndex, siteId: string): string {
  return index.sitesById.get(siteId)?.timezone ?? 'UTC';
}

/** Formatters per site, built once per zone. */
export function useSiteFormatters(index: FacilityIndex): (siteId: string) => TimeFormatters {
  const { locale } = useI18n();
  return useMemo(() => {
    const byZone = new Map<string, TimeFormatters>();
    return (siteId: string) => {
      const zone = siteTimeZone(index, siteId);
      let fmt = byZone.get(zone);
      if (!fmt) byZone.set(zone, (fmt = timeFormatters(locale, zone)));
      return fmt;
    };
  }, [index, locale]);
}

/** The whole i18n (words and times) for one site, to provide to a page about that site. */
export function useSiteI18n(index: FacilityIndex, siteId: string): I18n {
  const { locale } = useI18n();
  const zone = siteTimeZone(index, siteId);
  return useMemo(() => makeI18n(locale, zone), [locale, zone]);
}
