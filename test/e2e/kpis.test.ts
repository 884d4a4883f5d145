// The KPI page in headless Chromium against the real stack (demo facility, real Mosquitto and
// InfluxDB): one session of a manager — a gas alarm raised through MQTT shows in the figures and
// the ranking (ISA-18.2 §16.5 performance monitoring), the chart draws the EEMUA 191 benchmark
// lines, the alarms are counted per NFPA 72 signal class, the site selector narrows to one
// operator position, the CSV downloads, the page reads in Chinese, and a sensor's row leads to
// its history.
import fs from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KpiReport } from '../../contract/kpi.ts';
import { mosquittoPub } from '../support/clients.ts';
import { shoot } from '../support/e2e.ts';
import { openNavPage, startDashboardStack, type DashboardStack } from '../support/e2e.stack.ts';

const SENSOR = 'CAN-GAS-01';
const SENSOR_NAME = 'Kitchen gas, wok range';

let stack: DashboardStack;
let manager: Page;

beforeAll(async () => {
  stack = await startDashboardStack({ influxDb: 'vigil_e2e_kpis' });
  manager = await stack.openPage();
  await stack.signIn(manager, 'manager');
  await mosquittoPub(stack.broker.port, `vigil/hq/${SENSOR}/reading`, JSON.stringify({ ts: Date.now(), value: 25, unit: '%LEL' }));
  await manager.locator('.console [data-alarm-id]', { hasText: SENSOR_NAME }).first().waitFor({ timeout: 10_000 });
});

afterAll(() => stack?.close());

describe('KPI page', () => {
  it('shows the server’s figures with benchmarks, narrows to a site, exports CSV, reads in Chinese and links to history', async () => {
    // The same figures as the server answered the page (the last 7 days, all sites): its own answer,
    // since a second query for "the last 7 days" would count its 10-minute periods from another start.
    const answered = manager.waitForResponse((r) => r.url().includes('/api/reports/kpis?'));
    await openNavPage(manager, 'Alarm KPIs');
    const page = manager.getByTestId('kpi-page');
    const api = (await (await answered).json()) as KpiReport;
    expect(api.to - api.from).toBe(7 * 86_400_000);
    await page.getByTestId('kpi-alarms').waitFor({ timeout: 10_000 });
    expect(api.rate.alarms).toBeGreaterThanOrEqual(1);
    await expect(page.getByTestId('kpi-alarms').textContent()).resolves.toBe(String(api.rate.alarms));
    await expect(page.getByTestId('kpi-peak10').textContent()).resolves.toBe(String(api.rate.peakPer10Min));
    await expect(page.getByTestId('kpi-period').textContent()).resolves.toContain('2 operator positions');
    await page.getByTestId('kpi-sites').waitFor();
    const top = page.getByTestId('kpi-top').getByRole('link', { name: new RegExp(SENSOR_NAME) });
    await expect(top.getAttribute('href')).resolves.toBe(`#/sensor/${SENSOR}`);
    // Both benchmark lines, and the series of the busiest 10 minutes drawn (a step line).
    const chart = page.getByTestId('kpi-chart');
    await shoot(manager, 'kpi-page-all-sites', { fullPage: true });
    await chart.locator('.recharts-reference-line line').nth(1).waitFor({ state: 'attached' });
    expect(await chart.locator('.recharts-reference-line line').count()).toBe(2);
    expect(await chart.locator('.recharts-line-curve').getAttribute('d')).toMatch(/^M[\d.]+,[\d.]+/);
    // Per NFPA 72 signal class beside the priorities: the 25 %LEL gas alarm is an alarm signal.
    const classes = page.getByTestId('kpi-classes');
    expect(api.classes.map((c) => c.class)).toEqual(['alarm', 'supervisory', 'trouble']);
    expect(api.classes[0]!.count).toBeGreaterThanOrEqual(1);
    for (const c of api.classes) {
      const row = classes.getByRole('row').filter({ has: manager.locator(`[data-class="${c.class}"]`) });
      await expect(row.locator('td').first().textContent()).resolves.toBe(String(c.count));
    }

    await page.getByTestId('kpi-site').selectOption('hq');
    await page
      .getByTestId('kpi-period')
      .filter({ hasText: /· 1 operator position$/ })
      .waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('kpi-sites').count()).toBe(0);

    const [download] = await Promise.all([manager.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^vigil-kpis-hq-\d{4}-\d\d-\d\d\.csv$/);
    const lines = (await fs.readFile(await download.path(), 'utf8')).replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe('section,site,sensor,condition,priority,metric,value,note');
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^top,hq,${SENSOR},gas,(critical|high),count,\\d+,$`)));

    await manager.getByRole('button', { name: '中文' }).click();
    await manager.getByRole('heading', { name: '报警系统绩效' }).waitFor();
    await expect(page.getByTestId('kpi-period').textContent()).resolves.toContain('1 个操作员岗位');
    await expect(page.getByTestId('kpi-classes').textContent()).resolves.toMatch(/按信号类别.*监管/);
    await shoot(manager, 'kpi-page-hq-zh', { fullPage: true });

    await page
      .getByTestId('kpi-top')
      .getByRole('link', { name: new RegExp(SENSOR) })
      .click();
    await manager.getByTestId('sensor-chart').waitFor({ timeout: 10_000 });
    expect(new URL(manager.url()).hash).toBe(`#/sensor/${SENSOR}`);
  });
});
