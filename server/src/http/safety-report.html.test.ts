// The printable safety report: everything from a file, a device or a person is escaped (a zone
// named with markup prints as text), both languages carry their own words, a section whose part
// is missing says so instead of showing a number, and the page prints on A4 without scripts.
import { describe, expect, it } from 'vitest';
import type { SafetyReport } from '../../../contract/index.ts';
import { renderSafetyReportHtml } from './safety-report.html.ts';

const trend = (current: number, previous: number) => ({
  current,
  previous,
  delta: current - previous,
  percent: previous ? ((current - previous) / previous) * 100 : null,
});

const report: SafetyReport = {
  siteId: 'hq',
  siteName: 'HQ <b>',
  siteNameZh: '总部',
  timezone: 'Asia/Shanghai',
  period: 'week',
  from: Date.UTC(2026, 10, 22, 16),
  to: Date.UTC(2026, 10, 29, 16),
  previousFrom: Date.UTC(2026, 10, 15, 16),
  generatedAt: Date.UTC(2026, 10, 29, 23),
  generatedBy: 'schedule',
  alarms: {
    total: trend(3, 2),
    byCondition: [{ key: 'gas', name: 'Gas leak', nameZh: '燃气泄漏', ...trend(3, 2) }],
    byZone: [{ key: 'k', name: '<script>alert(1)</script>', ...trend(3, 2) }],
    lifeSafety: trend(3, 2),
    byClass: [
      { class: 'alarm', ...trend(3, 2) },
      { class: 'supervisory', ...trend(1, 0) },
      { class: 'trouble', ...trend(0, 4) },
    ],
  },
  escalations: { alarms: trend(1, 0), highestLevel: 1 },
  kpis: { available: false, reason: 'alarm KPIs could not be read: <down>' },
  drills: { held: [], plan: [{ scenario: 'gas', title: 'Gas "drill"', every: 'month', held: 0, lastHeldAt: null, dueAt: null, overdue: true }], overdue: 1 },
  actions: { available: true, data: { opened: 4, closed: 1, overdue: 2, escalations: 0 } },
  handovers: { available: false, reason: 'shift handovers are not recorded by this server' },
  sensors: {
    total: 6,
    availabilityPct: 99.4,
    offlineHours: 6,
    issues: [],
    outOfService: [{ sensorId: 'S1', sensorName: 'Smoke & heat', since: 0, until: 1, by: 'tech', reason: "o'clock" }],
  },
};

describe('renderSafetyReportHtml', () => {
  it('escapes names, reasons and people, in English', () => {
    const html = renderSafetyReportHtml(report, 'en');
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('Weekly safety report · HQ &lt;b&gt;');
    expect(html).toContain('Gas &quot;drill&quot;');
    expect(html).toContain('Smoke &amp; heat');
    expect(html).toContain('o&#39;clock');
    expect(html).toContain('Not available: alarm KPIs could not be read: &lt;down&gt;');
    expect(html).toContain('+1 (+50 %)');
    expect(html).toContain('23/11/2026 – 29/11/2026');
    expect(html).toMatch(/@page\{size:A4/);
    expect(html).not.toMatch(/<script|src=|href=/i);
  });

  it('counts the alarms by NFPA 72 signal class in both languages; a report stored before that has no such table', () => {
    const en = renderSafetyReportHtml(report, 'en');
    expect(en).toContain('<h3>By signal class (NFPA 72)</h3>');
    expect(en).toContain('<td>Supervisory</td><td class="n">1</td><td class="n">0</td><td class="n up">+1</td>');
    expect(en).toContain('<td>Trouble</td><td class="n">0</td><td class="n">4</td><td class="n down">-4 (-100 %)</td>');
    const zh = renderSafetyReportHtml(report, 'zh');
    expect(zh).toContain('<h3>按信号类别（NFPA 72）</h3>');
    expect(zh).toContain('<td>监管</td><td class="n">1</td>');
    const { byClass: _, ...before } = report.alarms;
    expect(renderSafetyReportHtml({ ...report, alarms: before }, 'en')).not.toContain('By signal class');
  });

  it('speaks Chinese with the Chinese names from the facility file', () => {
    const html = renderSafetyReportHtml(report, 'zh');
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain('安全周报 · 总部');
    expect(html).toContain('燃气泄漏');
    expect(html).toContain('已逾期');
    expect(html).toContain('暂无数据');
    expect(html).not.toContain('Weekly');
  });
});

// The drills section names each scenario as the dashboard does: Chinese in the zh report where the
// scenario file gives `titleZh`, English otherwise (and always in the en report).
describe('drill titles in the safety report', () => {
  const plan = {
    scenario: 'gas',
    title: 'Canteen gas leak',
    titleZh: '食堂燃气泄漏',
    every: 'month' as const,
    held: 1,
    lastHeldAt: null,
    dueAt: null,
    overdue: false,
  };
  const held = {
    id: 'd1',
    scenario: 'fire',
    title: 'Guesthouse fire',
    titleZh: '招待所火灾',
    startedAt: report.from,
    endedAt: null,
    scorePercent: 80,
    planned: false,
  };
  const untranslated = { ...plan, scenario: 'door', title: 'Door propped open', titleZh: undefined };
  const withDrills: SafetyReport = { ...report, drills: { held: [held], plan: [plan, untranslated], overdue: 0 } };

  it('shows the Chinese titles in zh and falls back to English where there is none', () => {
    const zh = renderSafetyReportHtml(withDrills, 'zh');
    expect(zh).toContain('<td>食堂燃气泄漏</td>');
    expect(zh).toContain('<td>招待所火灾</td>');
    expect(zh).toContain('<td>Door propped open</td>');
    expect(zh).not.toContain('Canteen gas leak');
  });

  it('keeps the English titles in en', () => {
    const en = renderSafetyReportHtml(withDrills, 'en');
    expect(en).toContain('<td>Canteen gas leak</td>');
    expect(en).toContain('<td>Guesthouse fire</td>');
    expect(en).not.toContain('食堂燃气泄漏');
  });
});
