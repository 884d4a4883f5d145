/**
 * The facility in the viewer's language: where the facility file gives a Chinese name (`nameZh`)
 * or procedure (`sopsZh`), a viewer who chose 中文 sees it, everywhere the facility's names are
 * shown; English, or a name without a translation, is the file's `name`.
 */
import type { Alarm } from '../../../contract/alarm.ts';
import type { Facility } from '../../../contract/facility.ts';
import type { Locale } from './dictionary.ts';

function named<T extends { name: string; nameZh?: string }>(item: T, locale: Locale): T {
  return locale === 'zh' && item.nameZh ? { ...item, name: item.nameZh } : item;
}

export function facilityIn(facility: Facility, locale: Locale): Facility {
  if (locale === 'en') return facility;
  return {
    ...named(facility, locale),
    sites: facility.sites.map((site) => ({
      ...named(site, locale),
      floors: site.floors.map((floor) => ({ ...named(floor, locale), zones: floor.zones.map((zone) => named(zone, locale)) })),
    })),
    sensors: facility.sensors.map((sensor) => named(sensor, locale)),
    ...(facility.gateways !== undefined && { gateways: facility.gateways.map((gateway) => named(gateway, locale)) }),
    sops: { ...facility.sops, ...facility.sopsZh },
  };
}

/**
 * An alarm's procedure in the viewer's language: the alarm carries the steps it was raised with;
 * the facility's translation of the same procedure replaces them only when it numbers as many
 * steps (a ticked step is kept by its number).
 */
export function sopStepsIn(alarm: Pick<Alarm, 'sop' | 'sopKey'>, facility: Pick<Facility, 'sopsZh'>, locale: Locale): string[] {
  const translated = locale === 'zh' && facility.sopsZh && Object.hasOwn(facility.sopsZh, alarm.sopKey) ? facility.sopsZh[alarm.sopKey] : undefined;
  return translated && translated.length === alarm.sop.length ? translated : alarm.sop;
}
