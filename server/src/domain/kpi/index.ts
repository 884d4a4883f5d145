/**
 * Alarm-system performance KPIs, pure: from an alarm history, a period and what the service read
 * from history (presence) and live state (shelved, out of service), the KpiReport. An operator
 * position is a site: each site has one console position (docs/kpis.md#operator-position).
 */
import type { KpiOutOfService, KpiReport, KpiShelved } from '../../../../contract/index.ts';
import { ackTimes, classShares, frequentAlarms, priorityShares, resolveTimes, staleAlarms, standingAlarms } from './alarms.ts';
import { sensorAvailability, type AvailabilityInput } from './availability.ts';
import type { Annunciation, KpiAlarm, KpiPeriod } from './history.ts';
import { overallRate, positionRate, rateSeries, seriesStep } from './rates.ts';

export type { Annunciation, KpiAlarm, KpiPeriod } from './history.ts';
export type { AvailabilityInput } from './availability.ts';
export { quantile, unionLength } from './stats.ts';

export interface KpiInput {
  siteId: string | null;
  period: KpiPeriod;
  /** When computed; also the end for standing/stale alarms when the period reaches past it. */
  now: number;
  /** The sites counted as positions (the one asked for, or every site). */
  siteIds: readonly string[];
  /** Non-drill alarms open at some time in the period (raised before its end, not closed before its start). */
  alarms: readonly KpiAlarm[];
  /** Their annunciations in the period. */
  annunciations: readonly Annunciation[];
  availability: AvailabilityInput;
  shelved: KpiShelved[];
  outOfService: KpiOutOfService[];
}

export function computeKpis(input: KpiInput): KpiReport {
  const { period } = input;
  const end = Math.min(period.to, input.now);
  const siteOf = new Map(input.alarms.map((a) => [a.id, a.siteId]));
  const timesBySite = new Map<string, number[]>(input.siteIds.map((s) => [s, []]));
  for (const n of input.annunciations) timesBySite.get(siteOf.get(n.alarmId) ?? '')?.push(n.at);
  const sites = [...timesBySite].map(([siteId, times]) => ({ siteId, ...positionRate(times, period) }));
  const seriesStepMs = seriesStep(period);
  const { top, chattering } = frequentAlarms(input.alarms, input.annunciations, period);
  return {
    siteId: input.siteId,
    from: period.from,
    to: period.to,
    at: input.now,
    positions: input.siteIds.length,
    rate: overallRate(sites, input.siteIds.length, period),
    sites,
    series: rateSeries([...timesBySite.values()], period, seriesStepMs),
    seriesStepMs,
    topAlarms: top,
    chattering,
    standing: standingAlarms(input.alarms, end),
    stale: staleAlarms(input.alarms, end),
    shelved: input.shelved,
    outOfService: input.outOfService,
    ack: ackTimes(input.alarms, period, input.now),
    resolve: resolveTimes(input.alarms, period, input.now),
    priorities: priorityShares(input.alarms, period),
    classes: classShares(input.alarms, period),
    availability: sensorAvailability(input.availability, { from: period.from, to: end }),
  };
}
