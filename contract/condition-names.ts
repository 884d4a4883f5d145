/** Names of alarm conditions (alarm.ts CONDITIONS) in each language: the dashboard and the server's printed reports say the same. */
import type { Condition } from './alarm.ts';

export const CONDITION_NAMES: Readonly<Record<Condition, Readonly<Record<'en' | 'zh', string>>>> = {
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
  waterflow: { en: 'Sprinkler water flow', zh: '喷淋水流动作' },
  valve_closed: { en: 'Sprinkler valve not open', zh: '喷淋阀门未全开' },
  pump_running: { en: 'Fire pump running', zh: '消防泵运行' },
  pump_power_fail: { en: 'Fire pump power failure', zh: '消防泵电源故障' },
  pump_phase_reversal: { en: 'Fire pump phase reversal', zh: '消防泵相序错误' },
  pressure_low: { en: 'Sprinkler pressure low', zh: '喷淋管网压力低' },
  pressure_high: { en: 'Sprinkler pressure high', zh: '喷淋管网压力高' },
};

/** A condition this build does not know keeps its id, never a blank. */
export function conditionName(condition: string, lang: 'en' | 'zh'): string {
  return (CONDITION_NAMES as Readonly<Record<string, Readonly<Record<'en' | 'zh', string>>>>)[condition]?.[lang] ?? condition;
}
