/**
 * The reading an alarm row shows: the value now and, when it has been higher, the peak. An
 * officer coming back to the screen sees how bad it got, not only where it is now.
 */
import type { Alarm } from '../../../contract/alarm.ts';

export interface AlarmValueText {
  current: string;
  /** The highest value while the alarm was open, when it differs from the current one. */
  peak: string | null;
}

const round = (v: number): number => Math.round(v * 10) / 10;

export function alarmValueText(alarm: Pick<Alarm, 'lastValue' | 'peakValue' | 'unit'>): AlarmValueText | null {
  if (alarm.lastValue === null) return null;
  const unit = alarm.unit ? ` ${alarm.unit}` : '';
  const current = round(alarm.lastValue);
  const peak = alarm.peakValue === null ? null : round(alarm.peakValue);
  return { current: `${current}${unit}`, peak: peak !== null && peak > current ? `${peak}${unit}` : null };
}
