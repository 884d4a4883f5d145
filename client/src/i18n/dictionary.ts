/**
 * Every string the dashboard itself shows, in English and Simplified Chinese. `zh` must have
 * exactly the keys of `en` (the type checker enforces it). `{name}` marks a placeholder.
 */
import { actionsEn, actionsZh } from './messages.actions.ts';
import { adminEn, adminZh } from './messages.admin.ts';
import { auditEn, auditZh } from './messages.audit.ts';
import { authEn, authZh } from './messages.auth.ts';
import { cameraEn, cameraZh } from './messages.camera.ts';
import { sprinklerEn, sprinklerZh } from './messages.sprinkler.ts';
import { chartsEn, chartsZh } from './messages.charts.ts';
import { detailEn, detailZh } from './messages.detail.ts';
import { discoveryEn, discoveryZh } from './messages.discovery.ts';
import { drillEn, drillZh } from './messages.drill.ts';
import { followEn, followZh } from './messages.follow.ts';
import { handoverEn, handoverZh } from './messages.handover.ts';
import { historyEn, historyZh } from './messages.history.ts';
import { kpiEn, kpiZh } from './messages.kpi.ts';
import { linkEn, linkZh } from './messages.link.ts';
import { logEn, logZh } from './messages.log.ts';
import { logDetailEn, logDetailZh } from './messages.logdetail.ts';
import { notifyEn, notifyZh } from './messages.notify.ts';
import { presenceEn, presenceZh } from './messages.presence.ts';
import { reportsEn, reportsZh } from './messages.reports.ts';
import { safetyEn, safetyZh } from './messages.safety.ts';
import { queueEn, queueZh } from './messages.queue.ts';
import { soundEn, soundZh } from './messages.sound.ts';
import { clusterEn, clusterZh } from './messages.cluster.ts';
import { storeEn, storeZh } from './messages.store.ts';
import { layoutEn, layoutZh } from './messages.layout.ts';

export const LOCALES = ['en', 'zh'] as const;
export type Locale = (typeof LOCALES)[number];

const coreEn = {
  'app.loading': 'Loading facility…',
  'app.loadError': 'Could not load the facility: {msg}',
  'app.retry': 'Retry',
  'header.site': 'Site',
  'header.siteTime': 'Site time',
  'header.theme': 'Theme',
  'header.themeDark': 'Dark',
  'header.themeLight': 'Light',
  'header.language': 'Language',
  'conn.connected': 'Live',
  'conn.connecting': 'Connecting…',
  'conn.resyncing': 'Resyncing…',
  'conn.disconnected': 'Disconnected',
  'banner.lost': 'Live updates lost since {time} — values may be stale',
  'health.title': 'Server health',
  'health.broker': 'Broker',
  'health.influx': 'InfluxDB',
  'health.outbox': 'Outbox',
  'health.ok': 'OK',
  'health.failing': 'Failing',
  'health.unknown': 'Unknown',
  'health.unreachable': 'Server unreachable',
  'health.queued': '{n} queued',
  'state.alarm': 'Alarm',
  'state.pre_alarm': 'Pre-alarm',
  'state.trouble': 'Trouble',
  'state.offline': 'Offline',
  'state.shelved': 'Shelved',
  'state.out_of_service': 'Out of service',
  'state.unknown': 'No data yet',
  'state.normal': 'Normal',
  'priority.critical': 'Critical',
  'priority.high': 'High',
  'priority.medium': 'Medium',
  'priority.low': 'Low',
  'kind.gas': 'Natural gas',
  'kind.co': 'Carbon monoxide',
  'kind.smoke': 'Smoke',
  'kind.door': 'Door',
  'kind.leak': 'Water leak',
  'kind.waterflow': 'Sprinkler flow switch',
  'kind.valve': 'Sprinkler valve',
  'kind.pump': 'Fire pump',
  'kind.pressure': 'Riser pressure',
  'plan.floors': 'Floors',
  'plan.zones': 'Zones',
  'plan.legend': 'Legend',
  'plan.loading': 'Loading floor plan…',
  'plan.error': 'The floor plan could not be loaded',
  'plan.sensorCount.one': '{n} sensor',
  'plan.sensorCount.other': '{n} sensors',
  'plan.stale': 'stale',
  'plan.title': 'Floor plan: {floor}',
  'panel.close': 'Close',
  'panel.kind': 'Kind',
  'panel.model': 'Model',
  'panel.zone': 'Zone',
  'panel.state': 'State',
  'panel.lastValue': 'Last value',
  'panel.lastEvent': 'Last event',
  'panel.battery': 'Battery',
  'panel.signal': 'Signal',
  'panel.lastSeen': 'Last seen',
  'panel.never': 'never',
  'panel.ago': '{d} ago',
  'panel.history': 'History',
  'panel.staleNote': 'Live updates lost: this value may be stale',
  'range.15m': '15 min',
  'range.1h': '1 h',
  'range.24h': '24 h',
  'range.7d': '7 d',
  'range.30d': '30 d',
  'range.1y': '1 y',
  'range.custom': 'Custom',
  'range.from': 'From',
  'range.to': 'To',
  'range.apply': 'Show',
  'range.invalid': 'The end must be after the start',
  'chart.loading': 'Loading history…',
  'chart.empty': 'No readings in this range',
  'chart.error': 'History could not be loaded: {msg}',
  'chart.low': 'Low {v}',
  'chart.high': 'High {v}',
  'chart.band': 'min–max',
  'chart.mean': 'mean',
  'chart.value': 'value',
  'chart.live': 'Live',
  'chart.resolution.raw': 'raw readings',
  'chart.resolution.1m': '1-minute means',
  'chart.resolution.1h': '1-hour means',
  'chart.noValues': 'This sensor reports events, not measured values.',
  'queue.title': 'Alarms',
  'queue.unacked': '{n} unacknowledged',
  'queue.empty': 'No active alarms',
  'queue.ack': 'Acknowledge',
  'queue.acking': 'Acknowledging…',
  'queue.ackFailed': 'Not acknowledged: {msg}',
  'queue.drill': 'DRILL',
  'queue.escalated': 'Escalated L{n}',
  'queue.shelved': 'Shelved ({n})',
  'queue.outOfService': 'Out of service ({n})',
  'queue.locate': 'Show on plan',
  'queue.stale': 'Alarm list may be out of date',
  'queue.chattering': 'Chattering',
  'queue.latched': 'Latched: reset needed',
  'queue.elapsed': 'Time since raised',
  'queue.titleFlash': '{n} CRITICAL unacknowledged',
  'queue.shortcut': 'Press A to acknowledge the focused alarm',
  'drill.running': 'DRILL IN PROGRESS: {names} — drill alarms are marked DRILL',
  'alarmState.active_unacked': 'Unacknowledged',
  'alarmState.active_acked': 'Acknowledged',
  'alarmState.cleared_unacked': 'Back to normal, unacknowledged',
  'alarmState.cleared': 'Cleared',
  'dur.d': '{n} d',
  'dur.h': '{n} h',
  'dur.m': '{n} min',
  'dur.s': '{n} s',
} as const satisfies Record<string, string>;

const en = {
  ...coreEn,
  ...authEn,
  ...detailEn,
  ...soundEn,
  ...clusterEn,
  ...storeEn,
  ...historyEn,
  ...logEn,
  ...logDetailEn,
  ...drillEn,
  ...handoverEn,
  ...discoveryEn,
  ...notifyEn,
  ...cameraEn,
  ...sprinklerEn,
  ...presenceEn,
  ...linkEn,
  ...queueEn,
  ...reportsEn,
  ...kpiEn,
  ...safetyEn,
  ...auditEn,
  ...adminEn,
  ...followEn,
  ...chartsEn,
  ...layoutEn,
  ...actionsEn,
} as const;
export type MessageKey = keyof typeof en;

const coreZh: Record<keyof typeof coreEn, string> = {
  'app.loading': '正在加载设施…',
  'app.loadError': '无法加载设施：{msg}',
  'app.retry': '重试',
  'header.site': '园区',
  'header.siteTime': '园区时间',
  'header.theme': '主题',
  'header.themeDark': '深色',
  'header.themeLight': '浅色',
  'header.language': '语言',
  'conn.connected': '实时',
  'conn.connecting': '正在连接…',
  'conn.resyncing': '正在重新同步…',
  'conn.disconnected': '已断开',
  'banner.lost': '实时更新自 {time} 起中断 — 数值可能已过时',
  'health.title': '服务器状态',
  'health.broker': '消息代理',
  'health.influx': 'InfluxDB',
  'health.outbox': '待写队列',
  'health.ok': '正常',
  'health.failing': '故障',
  'health.unknown': '未知',
  'health.unreachable': '无法连接服务器',
  'health.queued': '排队 {n} 条',
  'state.alarm': '报警',
  'state.pre_alarm': '预警',
  'state.trouble': '故障',
  'state.offline': '离线',
  'state.shelved': '已搁置',
  'state.out_of_service': '停用维护',
  'state.unknown': '尚无数据',
  'state.normal': '正常',
  'priority.critical': '紧急',
  'priority.high': '高',
  'priority.medium': '中',
  'priority.low': '低',
  'kind.gas': '天然气',
  'kind.co': '一氧化碳',
  'kind.smoke': '烟感',
  'kind.door': '门禁',
  'kind.leak': '漏水',
  'kind.waterflow': '喷淋水流指示器',
  'kind.valve': '喷淋信号阀',
  'kind.pump': '消防泵',
  'kind.pressure': '喷淋管网压力',
  'plan.floors': '楼层',
  'plan.zones': '区域',
  'plan.legend': '图例',
  'plan.loading': '正在加载平面图…',
  'plan.error': '无法加载平面图',
  'plan.sensorCount.one': '{n} 个传感器',
  'plan.sensorCount.other': '{n} 个传感器',
  'plan.stale': '已过时',
  'plan.title': '平面图：{floor}',
  'panel.close': '关闭',
  'panel.kind': '类型',
  'panel.model': '型号',
  'panel.zone': '区域',
  'panel.state': '状态',
  'panel.lastValue': '最新值',
  'panel.lastEvent': '最新事件',
  'panel.battery': '电量',
  'panel.signal': '信号',
  'panel.lastSeen': '最后通信',
  'panel.never': '从未',
  'panel.ago': '{d}前',
  'panel.history': '历史',
  'panel.staleNote': '实时更新中断：该数值可能已过时',
  'range.15m': '15 分钟',
  'range.1h': '1 小时',
  'range.24h': '24 小时',
  'range.7d': '7 天',
  'range.30d': '30 天',
  'range.1y': '1 年',
  'range.custom': '自定义',
  'range.from': '开始',
  'range.to': '结束',
  'range.apply': '显示',
  'range.invalid': '结束时间必须晚于开始时间',
  'chart.loading': '正在加载历史数据…',
  'chart.empty': '该时间段内没有读数',
  'chart.error': '无法加载历史数据：{msg}',
  'chart.low': '低限 {v}',
  'chart.high': '高限 {v}',
  'chart.band': '最小–最大',
  'chart.mean': '平均',
  'chart.value': '数值',
  'chart.live': '实时',
  'chart.resolution.raw': '原始读数',
  'chart.resolution.1m': '1 分钟均值',
  'chart.resolution.1h': '1 小时均值',
  'chart.noValues': '该传感器只上报事件，没有测量值。',
  'queue.title': '报警',
  'queue.unacked': '{n} 条未确认',
  'queue.empty': '当前无报警',
  'queue.ack': '确认',
  'queue.acking': '正在确认…',
  'queue.ackFailed': '确认失败：{msg}',
  'queue.drill': '演练',
  'queue.escalated': '已升级 L{n}',
  'queue.shelved': '已搁置（{n}）',
  'queue.outOfService': '停用维护（{n}）',
  'queue.locate': '在平面图上显示',
  'queue.stale': '报警列表可能不是最新',
  'queue.chattering': '频繁抖动',
  'queue.latched': '已锁存：需复位',
  'queue.elapsed': '报警持续时间',
  'queue.titleFlash': '{n} 条紧急报警未确认',
  'queue.shortcut': '按 A 键确认当前选中的报警',
  'drill.running': '演练进行中：{names} — 演练报警均标注“演练”',
  'alarmState.active_unacked': '未确认',
  'alarmState.active_acked': '已确认',
  'alarmState.cleared_unacked': '已恢复，未确认',
  'alarmState.cleared': '已清除',
  'dur.d': '{n}天',
  'dur.h': '{n}小时',
  'dur.m': '{n}分钟',
  'dur.s': '{n}秒',
};

const zh: Record<MessageKey, string> = {
  ...coreZh,
  ...authZh,
  ...detailZh,
  ...soundZh,
  ...clusterZh,
  ...storeZh,
  ...historyZh,
  ...logZh,
  ...logDetailZh,
  ...drillZh,
  ...handoverZh,
  ...discoveryZh,
  ...notifyZh,
  ...cameraZh,
  ...sprinklerZh,
  ...presenceZh,
  ...linkZh,
  ...queueZh,
  ...reportsZh,
  ...kpiZh,
  ...safetyZh,
  ...auditZh,
  ...adminZh,
  ...followZh,
  ...chartsZh,
  ...layoutZh,
  ...actionsZh,
};

export const DICTIONARIES: Record<Locale, Record<MessageKey, string>> = { en, zh };

/**
 * A message with forms by count is stored as `key.one`, `key.other` (the CLDR plural categories
 * Intl.PluralRules gives: English has one and other, Chinese only other); `t('key', { n })` picks
 * the form for `n`, so "1 alarm" and "2 alarms" come from one call.
 */
type PluralBase<K> = K extends `${infer B}.other` ? B : never;
export type PluralKey = PluralBase<MessageKey>;

export type Translate = (key: MessageKey | PluralKey, vars?: Record<string, string | number>) => string;

/** The count `n` as a number: callers pass it formatted too ("1,024"), which is not one. */
function countOf(n: string | number | undefined): number {
  if (typeof n === 'number') return n;
  return n !== undefined && /^\d+(?:\.\d+)?$/.test(n) ? Number(n) : Number.NaN;
}

export function translator(locale: Locale): Translate {
  const dict: Record<string, string> = DICTIONARIES[locale];
  const rules = new Intl.PluralRules(locale);
  return (key, vars) => {
    let text = dict[key];
    if (text === undefined) {
      const n = countOf(vars?.n);
      const form = Number.isFinite(n) ? rules.select(n) : 'other';
      text = dict[`${key}.${form}`] ?? dict[`${key}.other`] ?? key;
    }
    return vars ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m)) : text;
  };
}
