/**
 * Names of alarm conditions. The alarm engine's condition list (issue 3) is still settling:
 * known conditions get a proper name, any other shows its id made readable — never blank.
 */
import type { Locale } from './dictionary.ts';

const NAMES: Record<string, Record<Locale, string>> = {
  gas_high: { en: 'Gas high', zh: '燃气浓度高' },
  gas_low: { en: 'Gas low', zh: '燃气浓度低限' },
  gas_rise: { en: 'Gas rising fast', zh: '燃气浓度快速上升' },
  co_high: { en: 'CO high', zh: '一氧化碳浓度高' },
  co_low: { en: 'CO low', zh: '一氧化碳低限' },
  smoke: { en: 'Smoke / fire', zh: '烟雾 / 火警' },
  smoke_pre_alarm: { en: 'Smoke pre-alarm', zh: '烟雾预警' },
  pre_alarm: { en: 'Pre-alarm', zh: '预警' },
  forced_open: { en: 'Door forced open', zh: '门被强行打开' },
  held_open: { en: 'Door held open', zh: '门长时间未关' },
  access_denied_burst: { en: 'Repeated access denied', zh: '多次刷卡被拒' },
  after_hours_access: { en: 'After-hours access', zh: '非工作时间进入' },
  tamper: { en: 'Tamper', zh: '防拆报警' },
  fault: { en: 'Device fault', zh: '设备故障' },
  dirty_chamber: { en: 'Dirty smoke chamber', zh: '烟室污染' },
  battery_low: { en: 'Battery low', zh: '电量低' },
  offline: { en: 'Sensor offline', zh: '传感器离线' },
  unknown_device: { en: 'Unknown device', zh: '未知设备' },
};

export function alarmTypeLabel(type: string, locale: Locale): string {
  const known = NAMES[type];
  if (known) return known[locale];
  const words = type.replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
