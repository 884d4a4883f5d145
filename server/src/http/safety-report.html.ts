/**
 * The printable safety report: one self-contained HTML page (inline print CSS, no script, no
 * external reference, so Chromium prints the same page to PDF offline), in English or Chinese.
 * Every text that came from a file, a device or a person is escaped.
 */
import { textIn, type ReportSection, type SafetyReport, type SafetyReportLang, type Trend, type TrendRow } from '../../../contract/index.ts';
import { conditionName } from '../../../contract/condition-names.ts';

const MESSAGES = {
  en: {
    title: { week: 'Weekly safety report', month: 'Monthly safety report' },
    period: 'Period',
    timezone: 'times in',
    generated: 'Generated',
    bySchedule: 'by schedule',
    alarms: 'Alarms',
    total: 'All alarms',
    lifeSafety: 'Life-safety alarms',
    previous: 'Previous period',
    change: 'Change',
    byCondition: 'By alarm type',
    byZone: 'By zone',
    byClass: 'By signal class (NFPA 72)',
    signalClass: 'Signal class',
    class_: { alarm: 'Alarm', supervisory: 'Supervisory', trouble: 'Trouble' },
    type: 'Type',
    zone: 'Zone',
    thisPeriod: 'This period',
    escalations: 'Escalations',
    escalated: 'Alarms escalated',
    highestLevel: 'Highest level reached',
    kpis: 'Alarm KPIs',
    kpi: 'KPI',
    value: 'Value',
    target: 'Target',
    met: 'Met',
    yes: 'yes',
    no: 'no',
    drills: 'Drills',
    plan: 'Drill plan',
    scenario: 'Scenario',
    every: 'Every',
    held: 'Held in period',
    lastHeld: 'Last held',
    due: 'Due',
    status: 'Status',
    overdue: 'OVERDUE',
    onTrack: 'on track',
    never: 'never',
    noPlan: 'No drill plan for this site (facility file, drillPlan).',
    drillsHeld: 'Drills held',
    started: 'Started',
    score: 'Score',
    planned: 'Planned',
    noDrills: 'No drill was held in this period.',
    actions: 'Corrective actions',
    opened: 'Opened',
    closed: 'Closed',
    handovers: 'Shift handovers',
    escalationSteps: 'Escalation steps',
    wentOverdue: 'Went overdue',
    handoversHeld: 'Handovers signed',
    accepted: 'Accepted',
    acceptedWithRemarks: 'Accepted with remarks',
    carriedOver: 'Items carried over',
    notAvailable: 'Not available',
    sensors: 'Sensors',
    sensorCount: 'Sensors',
    availability: 'Availability',
    offlineHours: 'Sensor-hours offline',
    issues: 'Battery, fault and calibration issues',
    sensor: 'Sensor',
    issue: 'Issue',
    count: 'Alarms',
    noIssues: 'None.',
    outOfService: 'Out of service when generated',
    since: 'Since',
    until: 'Until',
    by: 'By',
    reason: 'Reason',
    none: 'None.',
    signatures: 'Signatures',
    preparedBy: 'Prepared by (safety officer)',
    reviewedBy: 'Reviewed by (facility manager)',
    nameDate: 'Name, date, signature',
    printHint: 'Print this page (Ctrl+P / ⌘P) for a signed copy.',
    every_: { week: 'week', month: 'month', quarter: 'quarter', 'half-year': 'half year', year: 'year' },
  },
  zh: {
    title: { week: '安全周报', month: '安全月报' },
    period: '统计周期',
    timezone: '时区',
    generated: '生成时间',
    bySchedule: '定时生成',
    alarms: '报警',
    total: '全部报警',
    lifeSafety: '生命安全类报警',
    previous: '上期',
    change: '变化',
    byCondition: '按报警类型',
    byZone: '按区域',
    byClass: '按信号类别（NFPA 72）',
    signalClass: '信号类别',
    class_: { alarm: '报警', supervisory: '监管', trouble: '故障' },
    type: '类型',
    zone: '区域',
    thisPeriod: '本期',
    escalations: '升级',
    escalated: '升级的报警',
    highestLevel: '最高升级级别',
    kpis: '报警绩效指标',
    kpi: '指标',
    value: '数值',
    target: '目标',
    met: '达标',
    yes: '是',
    no: '否',
    drills: '演练',
    plan: '演练计划',
    scenario: '场景',
    every: '频次',
    held: '本期举行',
    lastHeld: '最近一次',
    due: '到期',
    status: '状态',
    overdue: '已逾期',
    onTrack: '正常',
    never: '从未',
    noPlan: '本场所未设演练计划（设施文件 drillPlan）。',
    drillsHeld: '已举行的演练',
    started: '开始',
    score: '得分',
    planned: '计划内',
    noDrills: '本期未举行演练。',
    actions: '整改措施',
    opened: '新开',
    closed: '关闭',
    handovers: '交接班',
    escalationSteps: '升级次数',
    wentOverdue: '逾期',
    handoversHeld: '已签交接班',
    accepted: '已接班',
    acceptedWithRemarks: '有备注接班',
    carriedOver: '移交事项',
    notAvailable: '暂无数据',
    sensors: '传感器',
    sensorCount: '传感器数',
    availability: '可用率',
    offlineHours: '离线传感器小时',
    issues: '电池、故障与校准问题',
    sensor: '传感器',
    issue: '问题',
    count: '报警次数',
    noIssues: '无。',
    outOfService: '生成时停用的传感器',
    since: '开始',
    until: '结束',
    by: '操作人',
    reason: '原因',
    none: '无。',
    signatures: '签字',
    preparedBy: '编制（安全员）',
    reviewedBy: '审核（设施经理）',
    nameDate: '姓名、日期、签字',
    printHint: '打印本页（Ctrl+P / ⌘P）以签字存档。',
    every_: { week: '每周', month: '每月', quarter: '每季度', 'half-year': '每半年', year: '每年' },
  },
} as const;

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
const e = escapeHtml;

const CSS = `
body{font:14px/1.45 system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;color:#111;margin:24px auto;max-width:960px;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:24px 0 8px;border-bottom:2px solid #333;padding-bottom:2px}h3{font-size:15px;margin:14px 0 6px}
.meta{color:#444}.hint,.small{color:#555;font-size:12px}
table{border-collapse:collapse;width:100%;margin:4px 0 8px}table.figures{width:auto;min-width:320px}th,td{border:1px solid #999;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#eee}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.up{color:#a00}.down{color:#060}.overdue{color:#a00;font-weight:700}.na{color:#666;font-style:italic}
.sign{display:grid;grid-template-columns:1fr 1fr;gap:32px;margin-top:16px}.sign div{border-top:1px solid #333;padding-top:4px;min-height:64px}
section{break-inside:avoid}
@page{size:A4;margin:16mm 14mm}
@media print{body{margin:0;max-width:none;font-size:11pt}.hint{display:none}th{background:#eee;-webkit-print-color-adjust:exact;print-color-adjust:exact}h2{break-after:avoid}tr{break-inside:avoid}}
`;

type Messages = (typeof MESSAGES)[SafetyReportLang];

/** A two-column table of labelled figures (already escaped or numbers). */
const figures = (rows: readonly (readonly [string, string | number])[]): string =>
  `<table class="figures"><tbody>${rows.map(([label, n]) => `<tr><th>${label}</th><td class="n">${n}</td></tr>`).join('')}</tbody></table>`;

export function renderSafetyReportHtml(r: SafetyReport, lang: SafetyReportLang): string {
  const m: Messages = MESSAGES[lang];
  const locale = lang === 'zh' ? 'zh-CN' : 'en-GB';
  const dt = new Intl.DateTimeFormat(locale, {
    timeZone: r.timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const day = new Intl.DateTimeFormat(locale, { timeZone: r.timezone, year: 'numeric', month: '2-digit', day: '2-digit' });
  const at = (t: number | null) => (t === null ? '–' : e(dt.format(t)));
  const name = (x: { name: string; nameZh?: string }) => e(textIn(x.name, x.nameZh, lang));
  const titled = (x: { title: string; titleZh?: string }) => e(textIn(x.title, x.titleZh, lang));
  const num = (n: number | null, unit = '') => (n === null ? '–' : `${e(n.toLocaleString(locale))}${unit}`);
  const change = (t: Trend) => {
    const cls = t.delta > 0 ? 'up' : t.delta < 0 ? 'down' : '';
    const sign = t.delta > 0 ? '+' : '';
    return `<td class="n ${cls}">${sign}${t.delta}${t.percent === null ? '' : ` (${sign}${t.percent} %)`}</td>`;
  };
  const trendRow = (label: string, t: Trend) => `<tr><th>${label}</th><td class="n">${t.current}</td><td class="n">${t.previous}</td>${change(t)}</tr>`;
  const trendTable = (head: string, rows: TrendRow[]) =>
    rows.length === 0
      ? `<p>${m.none}</p>`
      : `<table><thead><tr><th>${head}</th><th class="n">${m.thisPeriod}</th><th class="n">${m.previous}</th><th class="n">${m.change}</th></tr></thead><tbody>${rows
          .map((row) => `<tr><td>${name(row)}</td><td class="n">${row.current}</td><td class="n">${row.previous}</td>${change(row)}</tr>`)
          .join('')}</tbody></table>`;
  const unavailable = <T>(s: ReportSection<T>, body: (data: T) => string) =>
    s.available ? body(s.data) : `<p class="na">${m.notAvailable}: ${e(s.reason)}</p>`;
  const siteName = name({ name: r.siteName, ...(r.siteNameZh ? { nameZh: r.siteNameZh } : {}) });
  const title = `${m.title[r.period]} · ${siteName}`;
  // The period ends at 00:00 of the day after its last day: the last day is what people expect to read.
  const lastDay = day.format(r.to - 1);

  return `<!doctype html>
<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><title>${title}</title><style>${CSS}</style></head>
<body>
<h1>${title}</h1>
<p class="meta">${m.period}: ${e(day.format(r.from))} – ${e(lastDay)} (${m.timezone} ${e(r.timezone)}) · ${m.generated}: ${at(r.generatedAt)} ${r.generatedBy === 'schedule' ? m.bySchedule : e(r.generatedBy)}</p>
<p class="hint">${m.printHint}</p>

<section><h2>${m.alarms}</h2>
<table><thead><tr><th></th><th class="n">${m.thisPeriod}</th><th class="n">${m.previous}</th><th class="n">${m.change}</th></tr></thead><tbody>
${trendRow(m.total, r.alarms.total)}${trendRow(m.lifeSafety, r.alarms.lifeSafety)}${trendRow(m.escalated, r.escalations.alarms)}
<tr><th>${m.highestLevel}</th><td class="n">${r.escalations.highestLevel}</td><td></td><td></td></tr>
</tbody></table>
<h3>${m.byCondition}</h3>${trendTable(m.type, r.alarms.byCondition)}
${
  r.alarms.byClass
    ? `<h3>${m.byClass}</h3>${trendTable(
        m.signalClass,
        r.alarms.byClass.map((c) => ({ key: c.class, name: m.class_[c.class], ...c })),
      )}`
    : ''
}
<h3>${m.byZone}</h3>${trendTable(m.zone, r.alarms.byZone)}
</section>

<section><h2>${m.kpis}</h2>
${unavailable(r.kpis, (rows) =>
  rows.length === 0
    ? `<p>${m.none}</p>`
    : `<table><thead><tr><th>${m.kpi}</th><th class="n">${m.value}</th><th>${m.target}</th><th>${m.met}</th></tr></thead><tbody>${rows
        .map(
          (k) =>
            `<tr><td>${e(textIn(k.label, k.labelZh, lang))}</td><td class="n">${num(k.value, k.unit ? ` ${e(k.unit)}` : '')}</td><td>${e(k.target ?? '')}</td><td>${
              k.met === undefined || k.met === null ? '' : k.met ? m.yes : `<span class="overdue">${m.no}</span>`
            }</td></tr>`,
        )
        .join('')}</tbody></table>`,
)}
</section>

<section><h2>${m.drills}</h2>
<h3>${m.plan}</h3>
${
  r.drills.plan.length === 0
    ? `<p>${m.noPlan}</p>`
    : `<table><thead><tr><th>${m.scenario}</th><th>${m.every}</th><th class="n">${m.held}</th><th>${m.lastHeld}</th><th>${m.due}</th><th>${m.status}</th></tr></thead><tbody>${r.drills.plan
        .map(
          (p) =>
            `<tr><td>${titled(p)}</td><td>${m.every_[p.every]}</td><td class="n">${p.held}</td><td>${p.lastHeldAt === null ? m.never : at(p.lastHeldAt)}</td><td>${at(p.dueAt)}</td><td>${
              p.overdue ? `<span class="overdue">${m.overdue}</span>` : m.onTrack
            }</td></tr>`,
        )
        .join('')}</tbody></table>`
}
<h3>${m.drillsHeld}</h3>
${
  r.drills.held.length === 0
    ? `<p>${m.noDrills}</p>`
    : `<table><thead><tr><th>${m.scenario}</th><th>${m.started}</th><th class="n">${m.score}</th><th>${m.planned}</th></tr></thead><tbody>${r.drills.held
        .map(
          (d) =>
            `<tr><td>${titled(d)}</td><td>${at(d.startedAt)}</td><td class="n">${d.scorePercent === null ? '–' : `${d.scorePercent} %`}</td><td>${d.planned ? m.yes : m.no}</td></tr>`,
        )
        .join('')}</tbody></table>`
}
</section>

<section><h2>${m.actions}</h2>
${unavailable(r.actions, (a) =>
  figures([
    [m.opened, a.opened],
    [m.closed, a.closed],
    [m.wentOverdue, a.overdue],
    [m.escalationSteps, a.escalations],
  ]),
)}
<h3>${m.handovers}</h3>
${unavailable(r.handovers, (h) =>
  figures([
    [m.handoversHeld, h.held],
    [m.accepted, h.accepted],
    [m.acceptedWithRemarks, h.acceptedWithRemarks],
    [m.carriedOver, h.itemsCarriedOver],
  ]),
)}
</section>

<section><h2>${m.sensors}</h2>
${figures([
  [m.sensorCount, num(r.sensors.total)],
  [m.availability, num(r.sensors.availabilityPct, ' %')],
  [m.offlineHours, num(r.sensors.offlineHours)],
])}
<h3>${m.issues}</h3>
${
  r.sensors.issues.length === 0
    ? `<p>${m.noIssues}</p>`
    : `<table><thead><tr><th>${m.sensor}</th><th>${m.issue}</th><th class="n">${m.count}</th></tr></thead><tbody>${r.sensors.issues
        .map((i) => `<tr><td>${e(i.sensorName)} (${e(i.sensorId)})</td><td>${e(conditionName(i.condition, lang))}</td><td class="n">${i.alarms}</td></tr>`)
        .join('')}</tbody></table>`
}
<h3>${m.outOfService}</h3>
${
  r.sensors.outOfService.length === 0
    ? `<p>${m.none}</p>`
    : `<table><thead><tr><th>${m.sensor}</th><th>${m.since}</th><th>${m.until}</th><th>${m.by}</th><th>${m.reason}</th></tr></thead><tbody>${r.sensors.outOfService
        .map(
          (o) =>
            `<tr><td>${e(o.sensorName)} (${e(o.sensorId)})</td><td>${at(o.since)}</td><td>${o.until ? at(o.until) : '–'}</td><td>${e(o.by)}</td><td>${e(o.reason)}</td></tr>`,
        )
        .join('')}</tbody></table>`
}
</section>

<section><h2>${m.signatures}</h2>
<div class="sign"><div>${m.preparedBy}<br><span class="small">${m.nameDate}</span></div><div>${m.reviewedBy}<br><span class="small">${m.nameDate}</span></div></div>
</section>
</body></html>
`;
}
