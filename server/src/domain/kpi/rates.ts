/**
 * Alarm rates at an operator position (ISA-18.2 §16.5, EEMUA 191 §6): annunciations per hour and
 * per 10 minutes, average and peak, and the share of 10-minute periods in flood. Periods are
 * counted from the start of the range, so the answer does not depend on the server's time zone.
 */
import { FLOOD_ALARMS_PER_10_MIN, KPI_SLOT_MS, type KpiRate, type KpiRatePoint } from '../../../../contract/index.ts';
import { share } from './stats.ts';
import type { KpiPeriod } from './history.ts';

const HOUR_MS = 3_600_000;
/** The rate chart has at most this many bars: readable on a wide screen. */
export const MAX_SERIES_POINTS = 200;

/** Counts of `times` in consecutive periods of `stepMs` from `from` (the last one may be short). */
export function countPerSlot(times: readonly number[], period: KpiPeriod, stepMs: number): number[] {
  const slots = new Array<number>(Math.max(0, Math.ceil((period.to - period.from) / stepMs))).fill(0);
  for (const t of times) if (t >= period.from && t < period.to) slots[Math.floor((t - period.from) / stepMs)]!++;
  return slots;
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

/** The rate at one position: `times` are its annunciations. */
export function positionRate(times: readonly number[], period: KpiPeriod): KpiRate {
  const per10 = countPerSlot(times, period, KPI_SLOT_MS);
  const perHour = countPerSlot(times, period, HOUR_MS);
  const alarms = per10.reduce((a, b) => a + b, 0);
  const span = period.to - period.from;
  const floodSlots = per10.filter((n) => n > FLOOD_ALARMS_PER_10_MIN).length;
  return {
    alarms,
    avgPerHour: span > 0 ? round2(alarms / (span / HOUR_MS)) : 0,
    peakPerHour: Math.max(0, ...perHour),
    avgPer10Min: span > 0 ? round2(alarms / (span / KPI_SLOT_MS)) : 0,
    peakPer10Min: Math.max(0, ...per10),
    slots: per10.length,
    floodSlots,
    floodShare: share(floodSlots, per10.length),
  };
}

/**
 * Over several positions: averages per position (total ÷ positions), peaks of the busiest
 * position, floods over every position's periods. Positions with no alarms count (they are
 * part of the load shared out), so `positions` may exceed `rates.length`.
 */
export function overallRate(rates: readonly KpiRate[], positions: number, period: KpiPeriod): KpiRate {
  const slotsEach = Math.max(0, Math.ceil((period.to - period.from) / KPI_SLOT_MS));
  const alarms = rates.reduce((a, r) => a + r.alarms, 0);
  const floodSlots = rates.reduce((a, r) => a + r.floodSlots, 0);
  const span = period.to - period.from;
  const n = Math.max(1, positions);
  return {
    alarms,
    avgPerHour: span > 0 ? round2(alarms / n / (span / HOUR_MS)) : 0,
    peakPerHour: Math.max(0, ...rates.map((r) => r.peakPerHour)),
    avgPer10Min: span > 0 ? round2(alarms / n / (span / KPI_SLOT_MS)) : 0,
    peakPer10Min: Math.max(0, ...rates.map((r) => r.peakPer10Min)),
    slots: slotsEach * n,
    floodSlots,
    floodShare: share(floodSlots, slotsEach * n),
  };
}

/** The step of the rate chart: whole 10-minute periods, at most MAX_SERIES_POINTS bars. */
export function seriesStep(period: KpiPeriod): number {
  const slots = Math.ceil((period.to - period.from) / KPI_SLOT_MS);
  return KPI_SLOT_MS * Math.max(1, Math.ceil(slots / MAX_SERIES_POINTS));
}

/**
 * The rate chart of one position: per bucket its alarms and its busiest 10 minutes. For all
 * sites, pass each position's times separately: a peak is a peak at one console.
 */
export function rateSeries(timesByPosition: readonly (readonly number[])[], period: KpiPeriod, stepMs: number): KpiRatePoint[] {
  const perStep = stepMs / KPI_SLOT_MS;
  const buckets = Math.max(0, Math.ceil((period.to - period.from) / stepMs));
  const points: KpiRatePoint[] = Array.from({ length: buckets }, (_, i) => ({ t: period.from + i * stepMs, alarms: 0, peakPer10Min: 0 }));
  for (const times of timesByPosition) {
    countPerSlot(times, period, KPI_SLOT_MS).forEach((n, slot) => {
      const p = points[Math.floor(slot / perStep)]!;
      p.alarms += n;
      p.peakPer10Min = Math.max(p.peakPer10Min, n);
    });
  }
  return points;
}
