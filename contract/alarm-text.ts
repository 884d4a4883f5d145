/**
 * The words of alarms and of the history notes the server writes, as a key with parameters, and
 * the one table that renders them in each language. The server renders an alarm's `message` (and
 * an event's `note`) in the facility's language, for notifications, logs and CSV; the dashboard
 * renders the same key in the viewer's language. One table for both sides, so the two cannot
 * drift. Units (%LEL, ppm) and ids stay as they are in every language. docs/contracts.md#alarm-text
 * describes the wire format.
 *
 * @example An alarm's text as it travels, and the two renderings:
 * ```json
 * {"key": "gas", "params": {"label": "Kitchen gas detector", "labelZh": "厨房燃气探测器", "value": 23, "unit": "%LEL",
 *  "detail": {"key": "level_high", "params": {"threshold": 20}}}}
 * ```
 * en: "Gas 23 %LEL at Kitchen gas detector (≥ high 20)"; zh: "厨房燃气探测器：燃气浓度 23 %LEL（≥ 高限 20）"
 */
import type { Condition } from './alarm.ts';

/** The languages the facility's texts are rendered in. @example `const l: TextLanguage = 'zh';` */
export const TEXT_LANGUAGES = ['en', 'zh'] as const;
export type TextLanguage = (typeof TEXT_LANGUAGES)[number];

/**
 * What a detail in an alarm's message says, by key. `device` is what the device itself said (an
 * event's `detail`): shown as it came, in whatever language the device speaks.
 */
export interface DetailParams {
  device: { text: string };
  level_high: { threshold: number };
  level_low: { threshold: number };
  /** A critical alarm latched at high whose level is back at low: still the high alarm. */
  level_latched: { threshold: number };
  rise: { rise: number; windowS: number };
  detector_alarm: Record<string, never>;
  dirty_chamber: Record<string, never>;
  battery_below: { pct: number };
  held_open: { seconds: number };
  /** `credential` is '' when the reader sent none. */
  denied_burst: { count: number; windowS: number; credential: string };
  credential: { credential: string };
  implausible: { unit: string };
  /** ISO 8601 times (UTC), machine words in every language. */
  clock_untrusted: { deviceTime: string; received: string };
  clock_behind: { lagMs: number };
  /** `ids` is a comma-separated list of the first ids; `more` the ones not listed. */
  unknown_ids: { count: number; ids: string; more: number };
  offline_reported: Record<string, never>;
  silent: { seconds: number };
  /** `detectors`: every sensor behind the gateway is a detector (else "sensors"). */
  gateway_reported: { count: number; detectors: boolean };
  gateway_silent: { count: number; detectors: boolean; seconds: number };
  test_too_long: { seconds: number };
  held_after_test: Record<string, never>;
  held_test_too_long: Record<string, never>;
  /** A water-flow alarm in a zone with a fire alarm: `sensor` is the fire alarm's sensor name. */
  waterflow_with_fire: { sensor: string; sensorZh?: string };
  /** Water flowed for the switch's retard. */
  waterflow_retard: { seconds: number };
  /** `unit` is the sensor's (bar). */
  pressure_below: { threshold: number; unit: string };
  pressure_above: { threshold: number; unit: string };
}
export type DetailKey = keyof DetailParams;
export type DetailText = { [K in DetailKey]: { key: K; params: DetailParams[K] } }[DetailKey];

/**
 * An alarm's message as key and parameters: the key is the condition. `labelZh` is the subject's
 * Chinese name where the facility gives one; `value`/`unit` the reading, where the condition has one.
 *
 * @example `{"key": "door_held", "params": {"label": "Lab door", "detail": {"key": "held_open", "params": {"seconds": 60}}}}`
 */
export interface AlarmText {
  key: Condition;
  params: AlarmTextParams;
}
export interface AlarmTextParams {
  label: string;
  labelZh?: string;
  value?: number;
  unit?: string;
  detail?: DetailText;
}

/** The incident actions applied to each member alarm. */
export type BulkAction = 'shelve' | 'unshelve' | 'reset' | 'resolve';

/** What a history note the server writes says, by key (a note a person typed stays free text). */
export interface NoteParams {
  grouped: { incidentId: string };
  /** Sprinkler water flow and a fire alarm in one zone: one incident (one fire). */
  fire_incident: { incidentId: string };
  incident_bulk: { action: BulkAction; applied: number; total: number };
  chattering: { transitions: number; windowS: number };
  self_test_signal: { signal: string };
  self_test_recorded: Record<string, never>;
  oos_ended: { by: string };
  escalated_overdue: { levels: number };
  latched_returned: Record<string, never>;
  drill_ended: Record<string, never>;
  shelf_expired: Record<string, never>;
  shelf_expired_active: Record<string, never>;
  unknown_count: { count: number };
  /** `step` counts from 1; `textZh` is the facility's Chinese wording of the step, where it has one. */
  sop_step: { step: number; text: string; textZh?: string };
}
export type NoteKey = keyof NoteParams;
export type NoteText = { [K in NoteKey]: { key: K; params: NoteParams[K] } }[NoteKey];

type Table<P> = { [K in keyof P]: (p: P[K]) => string };

const round = (v: number): string => String(Math.round(v * 10) / 10);

const DETAILS: Record<TextLanguage, Table<DetailParams>> = {
  en: {
    device: (p) => p.text,
    level_high: (p) => `≥ high ${p.threshold}`,
    level_low: (p) => `≥ low ${p.threshold}`,
    level_latched: (p) => `reached high ${p.threshold}, latched`,
    rise: (p) => `+${round(p.rise)} within ${p.windowS} s`,
    detector_alarm: () => 'detector alarm',
    dirty_chamber: () => 'dirty chamber',
    battery_below: (p) => `below ${p.pct} %`,
    held_open: (p) => `open longer than ${span(p.seconds, 'en')}`,
    denied_burst: (p) => `${p.count}+ denials within ${p.windowS} s${p.credential ? `, last ${p.credential}` : ''}`,
    credential: (p) => `credential ${p.credential}`,
    implausible: (p) => `outside the plausible range of ${p.unit}`,
    clock_untrusted: (p) => `device time ${p.deviceTime}, received ${p.received}`,
    clock_behind: (p) => `device time runs ${lag(p.lagMs, 'en')} behind`,
    unknown_ids: (p) => `${p.count} id${p.count === 1 ? '' : 's'}: ${p.ids}${p.more > 0 ? ` and ${p.more} more` : ''}`,
    offline_reported: () => 'device reported offline',
    silent: (p) => `nothing heard for ${span(p.seconds, 'en')}`,
    gateway_reported: (p) => `${units(p.count, p.detectors)} unsupervised (reported offline)`,
    gateway_silent: (p) => `${units(p.count, p.detectors)} unsupervised (nothing heard for ${span(p.seconds, 'en')})`,
    test_too_long: (p) => `in test mode for more than ${span(p.seconds, 'en')}`,
    held_after_test: () => 'still reported after the self-test ended',
    held_test_too_long: () => 'reported during a self-test longer than its limit',
    waterflow_with_fire: (p) => `with the fire alarm at ${p.sensor}`,
    waterflow_retard: (p) => `flowing for ${p.seconds} s`,
    pressure_below: (p) => `below ${p.threshold} ${p.unit}`,
    pressure_above: (p) => `above ${p.threshold} ${p.unit}`,
  },
  zh: {
    device: (p) => p.text,
    level_high: (p) => `≥ 高限 ${p.threshold}`,
    level_low: (p) => `≥ 低限 ${p.threshold}`,
    level_latched: (p) => `曾达高限 ${p.threshold}，已锁存`,
    rise: (p) => `${p.windowS} 秒内上升 ${round(p.rise)}`,
    detector_alarm: () => '探测器报警',
    dirty_chamber: () => '探测腔脏污',
    battery_below: (p) => `低于 ${p.pct} %`,
    held_open: (p) => `打开超过${span(p.seconds, 'zh')}`,
    denied_burst: (p) => `${p.windowS} 秒内被拒 ${p.count} 次以上${p.credential ? `，最后凭证 ${p.credential}` : ''}`,
    credential: (p) => `凭证 ${p.credential}`,
    implausible: (p) => `超出 ${p.unit} 的合理范围`,
    clock_untrusted: (p) => `设备时间 ${p.deviceTime}，接收时间 ${p.received}`,
    clock_behind: (p) => `设备时间慢 ${lag(p.lagMs, 'zh')}`,
    unknown_ids: (p) => `${p.count} 个编号：${p.ids}${p.more > 0 ? `，另有 ${p.more} 个` : ''}`,
    offline_reported: () => '设备报告离线',
    silent: (p) => `${span(p.seconds, 'zh')}未收到数据`,
    gateway_reported: (p) => `${p.count} 个${p.detectors ? '探测器' : '传感器'}失去监控（网关报告离线）`,
    gateway_silent: (p) => `${p.count} 个${p.detectors ? '探测器' : '传感器'}失去监控（${span(p.seconds, 'zh')}未收到数据）`,
    test_too_long: (p) => `测试模式超过${span(p.seconds, 'zh')}`,
    held_after_test: () => '自检结束后仍在报告',
    held_test_too_long: () => '在超时的自检期间报告',
    waterflow_with_fire: (p) => `同区${p.sensorZh ?? p.sensor}火警`,
    waterflow_retard: (p) => `持续流水 ${p.seconds} 秒`,
    pressure_below: (p) => `低于 ${p.threshold} ${p.unit}`,
    pressure_above: (p) => `高于 ${p.threshold} ${p.unit}`,
  },
};

/** "14 detectors", "1 sensor". */
function units(n: number, detectors: boolean): string {
  return `${n} ${detectors ? 'detector' : 'sensor'}${n === 1 ? '' : 's'}`;
}

/** A clock's lag: minutes up to two hours, then hours to one decimal. */
function lag(ms: number, lang: TextLanguage): string {
  const min = Math.round(ms / 60_000);
  if (min < 120) return lang === 'zh' ? `${min} 分钟` : `${min} min`;
  const h = Math.round(min / 6) / 10;
  return lang === 'zh' ? `${h} 小时` : `${h} h`;
}

/** A span as people say it: seconds below two minutes, then "15 min", "2 h 5 min" ("15分钟", "2小时5分钟"). */
function span(seconds: number, lang: TextLanguage): string {
  const [s, min, h] = lang === 'zh' ? ['秒', '分钟', '小时'] : [' s', ' min', ' h'];
  if (seconds < 120) return `${seconds}${s}`;
  const m = Math.round(seconds / 60);
  if (m < 120) return `${m}${min}`;
  const rest = m % 60;
  return `${Math.floor(m / 60)}${h}${rest > 0 ? `${lang === 'zh' ? '' : ' '}${rest}${min}` : ''}`;
}

/** The parts a message template joins: label, amount and detail already in the language. */
interface Parts {
  label: string;
  /** " 23 %LEL", or '' without a value. */
  amount: string;
  detail: string | null;
}

const en = (p: Parts): string => (p.detail ? ` (${p.detail})` : '');
const zh = (p: Parts): string => (p.detail ? `（${p.detail}）` : '');

const MESSAGES: Record<TextLanguage, Record<Condition, (p: Parts) => string>> = {
  en: {
    gas: (p) => `Gas${p.amount} at ${p.label}${en(p)}`,
    gas_rise: (p) => `Gas rising fast${p.amount} at ${p.label}${en(p)}`,
    co: (p) => `Carbon monoxide${p.amount} at ${p.label}${en(p)}`,
    co_rise: (p) => `Carbon monoxide rising fast${p.amount} at ${p.label}${en(p)}`,
    smoke: (p) => `Fire alarm: smoke at ${p.label}${en(p)}`,
    smoke_pre_alarm: (p) => `Smoke pre-alarm at ${p.label}${en(p)}`,
    fault: (p) => `Device fault at ${p.label}${en(p)}`,
    tamper: (p) => `Tamper at ${p.label}${en(p)}`,
    battery_low: (p) => `Battery low${p.amount} at ${p.label}${en(p)}`,
    door_forced: (p) => `Door forced open: ${p.label}${en(p)}`,
    door_held: (p) => `Door held open: ${p.label}${en(p)}`,
    access_denied_burst: (p) => `Repeated access denied at ${p.label}${en(p)}`,
    after_hours_access: (p) => `Access outside schedule at ${p.label}${en(p)}`,
    offline: (p) => `Sensor offline: ${p.label}${en(p)}`,
    unknown_device: (p) => `${p.label} sending data${en(p)}`,
    gateway_offline: (p) => `${p.label} offline${p.detail ? `: ${p.detail}` : ''}`,
    leak: (p) => `Water leak at ${p.label}${en(p)}`,
    implausible_value: (p) => `Sensor fault: impossible reading${p.amount} at ${p.label}${en(p)}`,
    clock_wrong: (p) => `Device clock wrong at ${p.label}${en(p)}`,
    self_test_stuck: (p) => `Detector stuck in test mode: ${p.label}${en(p)}`,
    unbound_signal: (p) => `Unbound detector signal from ${p.label}${en(p)}`,
    camera_offline: (p) => `Camera not answering: ${p.label}${en(p)}`,
    waterflow: (p) => `Sprinkler water flow at ${p.label}${en(p)}`,
    valve_closed: (p) => `Sprinkler valve not fully open: ${p.label}${en(p)}`,
    pump_running: (p) => `Fire pump running: ${p.label}${en(p)}`,
    pump_power_fail: (p) => `Fire pump power failure: ${p.label}${en(p)}`,
    pump_phase_reversal: (p) => `Fire pump phase reversal: ${p.label}${en(p)}`,
    pressure_low: (p) => `Sprinkler pressure low${p.amount} at ${p.label}${en(p)}`,
    pressure_high: (p) => `Sprinkler pressure high${p.amount} at ${p.label}${en(p)}`,
  },
  zh: {
    gas: (p) => `${p.label}：燃气浓度${p.amount}${zh(p)}`,
    gas_rise: (p) => `${p.label}：燃气浓度快速上升${p.amount}${zh(p)}`,
    co: (p) => `${p.label}：一氧化碳浓度${p.amount}${zh(p)}`,
    co_rise: (p) => `${p.label}：一氧化碳浓度快速上升${p.amount}${zh(p)}`,
    smoke: (p) => `火警：${p.label}探测到烟雾${zh(p)}`,
    smoke_pre_alarm: (p) => `${p.label}：烟雾预警${zh(p)}`,
    fault: (p) => `${p.label}：设备故障${zh(p)}`,
    tamper: (p) => `${p.label}：防拆报警${zh(p)}`,
    battery_low: (p) => `${p.label}：电量低${p.amount}${zh(p)}`,
    door_forced: (p) => `门被强行打开：${p.label}${zh(p)}`,
    door_held: (p) => `门长时间未关：${p.label}${zh(p)}`,
    access_denied_burst: (p) => `${p.label}：多次刷卡被拒${zh(p)}`,
    after_hours_access: (p) => `${p.label}：非工作时间进入${zh(p)}`,
    offline: (p) => `传感器离线：${p.label}${zh(p)}`,
    unknown_device: (p) => `${p.label}正在发送数据${zh(p)}`,
    gateway_offline: (p) => `${p.label}离线${p.detail ? `：${p.detail}` : ''}`,
    leak: (p) => `${p.label}：漏水${zh(p)}`,
    implausible_value: (p) => `${p.label}：传感器故障，读数不可能${p.amount}${zh(p)}`,
    clock_wrong: (p) => `${p.label}：设备时钟错误${zh(p)}`,
    self_test_stuck: (p) => `探测器自检模式未结束：${p.label}${zh(p)}`,
    unbound_signal: (p) => `来自${p.label}的未绑定探测器信号${zh(p)}`,
    camera_offline: (p) => `摄像机无响应：${p.label}${zh(p)}`,
    waterflow: (p) => `${p.label}：喷淋水流动作${zh(p)}`,
    valve_closed: (p) => `喷淋阀门未全开：${p.label}${zh(p)}`,
    pump_running: (p) => `消防泵运行：${p.label}${zh(p)}`,
    pump_power_fail: (p) => `消防泵电源故障：${p.label}${zh(p)}`,
    pump_phase_reversal: (p) => `消防泵电源相序错误：${p.label}${zh(p)}`,
    pressure_low: (p) => `${p.label}：喷淋管网压力低${p.amount}${zh(p)}`,
    pressure_high: (p) => `${p.label}：喷淋管网压力高${p.amount}${zh(p)}`,
  },
};

const ACTIONS_ZH: Record<BulkAction, string> = { shelve: '搁置', unshelve: '取消搁置', reset: '复位', resolve: '结案' };
/** Self-test signals (contract EventType) by name; another signal keeps its id. */
const SIGNALS_ZH: Readonly<Record<string, string>> = { smoke: '烟雾', pre_alarm: '烟雾预警', gas: '燃气' };

const NOTES: Record<TextLanguage, Table<NoteParams>> = {
  en: {
    grouped: (p) => `grouped into incident ${p.incidentId} (alarm flood)`,
    fire_incident: (p) => `one fire: sprinkler water flow and fire alarm in incident ${p.incidentId}`,
    incident_bulk: (p) => `${p.action} applied to ${p.applied} of ${p.total} alarms`,
    chattering: (p) => `${p.transitions} transitions within ${p.windowS} s: consider shelving`,
    self_test_signal: (p) => `${p.signal} during self-test; no alarm`,
    self_test_recorded: () => 'test signal recorded; no alarm',
    oos_ended: (p) => `the out-of-service period set by ${p.by} ended`,
    escalated_overdue: (p) => `${p.levels} levels at once: escalation was overdue`,
    latched_returned: () => 'condition returned to normal; reset required',
    drill_ended: () => 'drill ended',
    shelf_expired: () => 'shelve expired',
    shelf_expired_active: () => 'shelve expired; alarm still active',
    unknown_count: (p) => `${p.count} unregistered ids`,
    sop_step: (p) => `${p.step}. ${p.text}`,
  },
  zh: {
    grouped: (p) => `报警泛滥：已归入事件 ${p.incidentId}`,
    fire_incident: (p) => `同一火情：喷淋水流与火警归入事件 ${p.incidentId}`,
    incident_bulk: (p) => `${ACTIONS_ZH[p.action]}：已应用于 ${p.total} 条报警中的 ${p.applied} 条`,
    chattering: (p) => `${p.windowS} 秒内状态变化 ${p.transitions} 次：可考虑搁置`,
    self_test_signal: (p) => `自检期间的${SIGNALS_ZH[p.signal] ?? p.signal}信号；不报警`,
    self_test_recorded: () => '已记录测试信号；不报警',
    oos_ended: (p) => `${p.by} 设置的停用维护期已结束`,
    escalated_overdue: (p) => `一次升级 ${p.levels} 级：升级已逾期`,
    latched_returned: () => '状况已恢复正常；需要复位',
    drill_ended: () => '演练已结束',
    shelf_expired: () => '搁置已到期',
    shelf_expired_active: () => '搁置已到期；报警仍然有效',
    unknown_count: (p) => `${p.count} 个未注册编号`,
    sop_step: (p) => `${p.step}. ${p.textZh ?? p.text}`,
  },
};

/** A key this build does not know (a newer server, a damaged record) renders as nothing: callers fall back to the stored text. */
function lookup<F>(table: Readonly<Record<string, F>>, key: string): F | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/**
 * A rendering that would show a missing or non-numeric parameter (a damaged record, one written by
 * a build with other parameters) is no rendering: callers show the stored text instead of
 * "undefined", "NaN" or a TypeError.
 */
function complete(render: () => string): string | undefined {
  try {
    const s = render();
    return /\bundefined\b|\bNaN\b/.test(s) ? undefined : s;
  } catch {
    return undefined;
  }
}

export function renderDetail(detail: DetailText, lang: TextLanguage): string | undefined {
  const render = lookup<(p: DetailText['params']) => string>(DETAILS[lang] as Record<string, (p: DetailText['params']) => string>, detail.key);
  return render && complete(() => render(detail.params));
}

export function renderAlarmText(text: AlarmText, lang: TextLanguage): string | undefined {
  const render = lookup(MESSAGES[lang], text.key);
  if (render === undefined) return undefined;
  const p = text.params ?? {};
  const detail = p.detail === undefined ? null : renderDetail(p.detail, lang);
  if (detail === undefined) return undefined;
  const amount = p.value === undefined ? '' : ` ${round(p.value)}${p.unit ? ` ${p.unit}` : ''}`;
  return complete(() => render({ label: (lang === 'zh' && p.labelZh) || p.label, amount, detail }));
}

export function renderNote(note: NoteText, lang: TextLanguage): string | undefined {
  const render = lookup<(p: NoteText['params']) => string>(NOTES[lang] as Record<string, (p: NoteText['params']) => string>, note.key);
  return render && complete(() => render(note.params));
}

/** An alarm's message in a language; an alarm stored before messages had keys keeps its `message`. */
export function alarmMessageIn(alarm: { message: string; text?: AlarmText }, lang: TextLanguage): string {
  return (alarm.text && renderAlarmText(alarm.text, lang)) ?? alarm.message;
}

/** A history note in a language: a keyed note rendered, a typed one (or an old record) as written. */
export function noteIn(event: { note: string | null; noteText?: NoteText }, lang: TextLanguage): string | null {
  return (event.noteText && renderNote(event.noteText, lang)) ?? event.note;
}

/** The subject of a site's unregistered devices' alarm, in each language. */
export function unregisteredLabel(site: string, lang: TextLanguage): string {
  return lang === 'zh' ? `${site}的未注册设备` : `Unregistered devices at ${site}`;
}

/**
 * A text that files give in English with an optional Chinese translation (a scenario's title, a
 * coordinator note, a muster's building), in the viewer's language: the Chinese where given, else
 * the English.
 */
export function textIn(en: string, zh: string | undefined, lang: 'en' | 'zh'): string {
  return lang === 'zh' && zh ? zh : en;
}
