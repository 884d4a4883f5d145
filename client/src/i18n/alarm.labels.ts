/** Names of alarm conditions (contract/alarm.ts CONDITIONS) and alarm texts in each language. */
import type { Alarm, AlarmEvent } from '../../../contract/alarm.ts';
import { CONDITION_NAMES } from '../../../contract/condition-names.ts';
import { noteIn } from '../../../contract/alarm-text.ts';
import type { FacilityIndex } from '../domain/facility.index.ts';
import type { Locale } from './dictionary.ts';

/** A newer server may send a condition this build does not know: show its id in words, never blank. */
export function conditionLabel(condition: string, locale: Locale): string {
  const known = (CONDITION_NAMES as Partial<Record<string, Readonly<Record<Locale, string>>>>)[condition];
  if (known) return known[locale];
  const words = condition.replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * A history note in the viewer's language: a note the server wrote is rendered from its key; what a
 * person typed stays as typed. A ticked procedure step shows the step in the language of the
 * procedure the viewer sees (`steps`), whatever the facility had when it was ticked.
 */
export function historyNote(event: AlarmEvent, locale: Locale, steps?: readonly string[]): string | null {
  if (event.subject === 'alarm' && event.kind === 'sop_step' && event.step !== undefined) {
    const text = steps?.[event.step];
    if (text !== undefined) return `${event.step + 1}. ${text}`;
  }
  return noteIn(event, locale);
}

/**
 * Who raised an alarm, by name, in the viewer's language: in Chinese the facility's Chinese name
 * (the alarm's own, else the facility's now); otherwise the alarm's own name, else the facility's
 * (a gateway's alarm carries the gateway's id as `sensorId`), else the raw id rather than nothing.
 */
export function alarmSubject(alarm: Pick<Alarm, 'sensorId' | 'sensorName' | 'text'>, index: FacilityIndex, locale: Locale): string {
  const indexed = index.sensorsById.get(alarm.sensorId)?.name || index.gatewaysById.get(alarm.sensorId)?.name;
  if (locale === 'zh') return alarm.text?.params.labelZh || indexed || alarm.sensorName || alarm.sensorId;
  return alarm.sensorName || indexed || alarm.sensorId;
}
