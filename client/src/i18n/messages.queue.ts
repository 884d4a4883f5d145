/**
 * The queue's groups, a detector's combined row, the held-rows bar and the totals. Counted
 * phrases come in `.one`/`.other` pairs picked with {@link pluralOf} (Intl.PluralRules), so English
 * says "1 alarm" and "2 alarms"; Chinese has one form and repeats it.
 */
export const queueEn = {
  'queue.group.gateway': '{name}: gateway and its devices offline',
  'queue.group.burst': '{condition} · {zone}',
  'queue.group.count.one': '{n} alarm',
  'queue.group.count.other': '{n} alarms',
  'queue.group.unacked': '{n} unacknowledged',
  'queue.group.ack.one': 'Acknowledge {n} trouble alarm…',
  'queue.group.ack.other': 'Acknowledge {n} trouble alarms…',
  'queue.group.confirm.one': 'Acknowledge {n} trouble alarm of this group? Fire, gas, CO and leak alarms are never included.',
  'queue.group.confirm.other': 'Acknowledge {n} trouble alarms of this group? Fire, gas, CO and leak alarms are never included.',
  'queue.group.confirmYes': 'Yes, acknowledge',
  'queue.group.cancel': 'Cancel',
  'queue.group.members': 'Show the alarms',
  'queue.detector.ackBoth': 'Acknowledge fire and pre-alarm',
  'queue.detector.also': 'also {condition}',
  'queue.held.one': '{n} new alarm — show',
  'queue.held.other': '{n} new alarms — show',
  'queue.held.hint': 'Rows hold still while the pointer is over the list',
  'queue.summary.title': 'Open alarms by priority',
  'queue.summary.scope': '{site} / all sites',
  'queue.summary.priority': 'Priority',
  'queue.summary.unacked': 'Unacknowledged',
  'queue.summary.acked': 'Acknowledged',
  'queue.summary.shelved': 'Shelved',
  'queue.summary.outOfService': 'Out of service',
  'queue.summary.drills': 'Drill alarms are not counted',
} as const satisfies Record<string, string>;

export const queueZh: Record<keyof typeof queueEn, string> = {
  'queue.group.gateway': '{name}：网关及其设备离线',
  'queue.group.burst': '{condition} · {zone}',
  'queue.group.count.one': '{n} 条报警',
  'queue.group.count.other': '{n} 条报警',
  'queue.group.unacked': '{n} 条未确认',
  'queue.group.ack.one': '确认 {n} 条故障报警…',
  'queue.group.ack.other': '确认 {n} 条故障报警…',
  'queue.group.confirm.one': '确认本组 {n} 条故障报警？火警、燃气、一氧化碳和漏水报警从不包含在内。',
  'queue.group.confirm.other': '确认本组 {n} 条故障报警？火警、燃气、一氧化碳和漏水报警从不包含在内。',
  'queue.group.confirmYes': '是，确认',
  'queue.group.cancel': '取消',
  'queue.group.members': '显示报警',
  'queue.detector.ackBoth': '确认火警及预警',
  'queue.detector.also': '另有 {condition}',
  'queue.held.one': '{n} 条新报警 — 显示',
  'queue.held.other': '{n} 条新报警 — 显示',
  'queue.held.hint': '指针停在列表上时，行位置保持不动',
  'queue.summary.title': '按优先级统计的未关闭报警',
  'queue.summary.scope': '{site} / 全部站点',
  'queue.summary.priority': '优先级',
  'queue.summary.unacked': '未确认',
  'queue.summary.acked': '已确认',
  'queue.summary.shelved': '已搁置',
  'queue.summary.outOfService': '停用维护',
  'queue.summary.drills': '演练报警不计入',
};

/** The plural form of `n` in `locale`: the suffix of a `.one`/`.other` key pair. */
export function pluralOf(locale: string, n: number): 'one' | 'other' {
  return new Intl.PluralRules(locale).select(n) === 'one' ? 'one' : 'other';
}
