/** Names of alarm conditions (contract/alarm.ts CONDITIONS) and alarm texts in each language. */
import type { Alarm, AlarmEvent, Condition } from '../../../contract/alarm.ts';
import { noteIn } from '../../../contract/alarm-text.ts';
import type { FacilityIndex } from '../domain/facility.index.ts';
import type { Locale } from './dictionary.ts';

const NAMES: Record<Condition, Record<Locale, string>> = {
  gas: { en: 'Gas leak', zh: '燃气泄漏' },
  gas_rise: { en: 'Gas rising fast', zh: '燃气浓度快速上升' },
  co: { en: 'Carbon monoxide', zh: '一氧化碳超标' },
  co_rise: { en: 'CO rising fast', zh: '一氧化碳快速上升' },
  smoke: { en: 'Smoke / fire', zh: '烟雾 / 火警' },
  smoke_pre_alarm: { en: 'Smoke pre-alarm', zh: '烟雾预警' },
  fault: { en: 'Device fault', zh: '设备故障' },
  tamper: { en: 'Tamper', zh: '防拆报警' },
  battery_low: { en: 'Battery low', zh: '电量低' },
  door_forced: { en: 'Door forced open', zh: '门被强行打开' },
  door_held: { en: 'Door held open', zh: '门长时间未关' },
  access_denied_burst: { en: 'Repeated access denied', zh: '多次刷卡被拒' },
  after_hours_access: { en: 'After-hours access', zh: '非工作时间进入' },
  offline: { en: 'Sensor offline', zh: '传感器离线' },
  unknown_device: { en: 'Unknown device', zh: '未知设备' },
  gateway_offline: { en: 'Gateway offline', zh: '网关离线' },
  leak: { en: 'Water leak', zh: '漏水' },
  implausible_value: { en: 'Impossible reading', zh: '读数异常（传感器故障）' },
  clock_wrong: { en: 'Device clock wrong', zh: '设备时钟错误' },
  self_test_stuck: { en: 'Stuck in test mode', zh: '自检模式未结束' },
  unbound_signal: { en: 'Unbound detector signal', zh: '未绑定的探测器信号' },
  camera_offline: { en: 'Camera not answering', zh: '摄像机无响应' },
};

/** A newer server may send a condition this build does not know: show its id, never blank. */
export function conditionLabel(condition: string, locale: Locale): string {
  const known = (NAMES as Partial<Record<string, Record<Locale, string>>>)[condition];
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
