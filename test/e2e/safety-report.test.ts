// The safety reports in the browser, the built dashboard in headless Chromium against the real
// server, InfluxDB and Mosquitto with the demo facility: the reports the schedule made at start
// (last week's and last month's, caught up: Vigil is installed before them) are listed in English
// and Chinese and open as a printable report; the KPI page shows the drill plan's overdue drills;
// and a sensor's readings export as CSV exactly over the range and at the step the chart shows
// (docs/contracts.md#safety-reports).
import fs from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReadingsResponse } from '../../contract/api.ts';
import type { SafetyReportHistoryResponse } from '../../contract/safety-report.ts';
import { shoot } from '../support/e2e.ts';
import { installedSince } from '../support/installation.ts';
import { demoAccount, influxSchemaReady, openNavPage, startDashboardStack, type DashboardStack } from '../support/e2e.stack.ts';
import { eventually } from '../support/vigil.ts';

const DB = 'vigil_e2e_safety_report';
const GAS = 'CAN-GAS-01';
const MINUTE = 60_000;

let stack: DashboardStack;
let manager: Page;

beforeAll(async () => {
  stack = await startDashboardStack({ influxDb: DB });
  // Installed two months ago: the schedule catches up only periods that ended after the installation.
  await stack.vigil.stop();
  installedSince(stack.vigil.dataDir, Date.now() - 62 * 24 * 60 * MINUTE);
  await stack.vigil.start();
  // Written once Vigil's schema exists, so they land in the `raw` policy the chart reads.
  await influxSchemaReady(stack);
  const now = Date.now();
  // Three hours of readings: the 24 h chart shows them in buckets.
  await stack.influx.write(
    DB,
    Array.from({ length: 180 }, (_, i) => `reading,sensor=${GAS} value=${2 + (i % 5)} ${now - i * MINUTE}`),
  );
  // The schedule's catch-up at start waits for InfluxDB (the KPIs read it) before it keeps the
  // reports: last week's and last month's of each of the two sites.
  const { username, password } = demoAccount('manager');
  const cookie = await stack.vigil.login(username, password);
  await eventually(
    async () => (await stack.vigil.api<SafetyReportHistoryResponse>('/api/reports/safety/history', { headers: { cookie } })).body.reports.length === 4,
    60_000,
    'the reports caught up at start',
  );
  manager = await stack.openPage();
  await stack.signIn(manager, 'manager');
}, 120_000);

afterAll(() => stack?.close());

describe('safety reports, the drill plan and the readings CSV in the dashboard', () => {
  it('lists the kept reports in both languages and opens one to print; the KPI page marks overdue drills', async () => {
    await openNavPage(manager, 'Safety reports');
    const table = manager.getByTestId('safety-reports');
    await table.locator('tbody tr').nth(3).waitFor({ timeout: 15_000 });
    await expect(table.locator('tbody tr').count()).resolves.toBe(4);
    await expect(table.getByText('Headquarters campus').count()).resolves.toBe(2);
    await shoot(manager, 'safety-reports');

    const [report] = await Promise.all([manager.waitForEvent('popup'), table.locator('tbody tr').first().getByRole('link', { name: 'Open / print' }).click()]);
    await report.getByRole('heading', { name: /safety report · / }).waitFor({ timeout: 15_000 });
    await report.getByRole('heading', { name: 'Signatures' }).waitFor();
    // Nothing drilled in the demo yet: every planned drill is overdue.
    await expect(report.getByText('OVERDUE').count()).resolves.toBeGreaterThan(0);
    await shoot(report, 'safety-report-print');
    await report.close();

    await manager.getByRole('button', { name: '中文' }).click();
    await manager.getByRole('heading', { name: '定期安全报告' }).waitFor();
    await expect(table.getByText('总部园区').count()).resolves.toBe(2);
    await expect(table.getByRole('link', { name: '打开 / 打印' }).first().getAttribute('href')).resolves.toContain('lang=zh');
    await shoot(manager, 'safety-reports-zh');
    await manager.getByRole('button', { name: 'EN', exact: true }).click();

    await openNavPage(manager, 'Alarm KPIs');
    const drills = manager.getByTestId('overdue-drills');
    await drills.getByText('Overdue', { exact: true }).first().waitFor({ timeout: 15_000 });
    await expect(drills.locator('tr[data-overdue="true"]').count()).resolves.toBe(4); // 3 at hq, 1 at the guesthouse
  }, 60_000);

  it('exports a sensor’s readings exactly over the range and at the step the chart shows', async () => {
    const answered = manager.waitForResponse((r) => r.url().includes(`/api/sensors/${GAS}/readings`));
    await manager.goto(`/#/sensor/${GAS}`);
    const first = (await (await answered).json()) as ReadingsResponse;
    const [download] = await Promise.all([manager.waitForEvent('download'), manager.getByRole('button', { name: 'Export CSV' }).click()]);
    const rows = (await fs.readFile(await download.path(), 'utf8'))
      .replace(/^\uFEFF/, '')
      .split('\r\n')
      .filter(Boolean)
      .slice(1)
      // The name has a comma (quoted): the columns are read from the end.
      .map((l) => l.split(',').reverse());
    // The chart's points, one row each: same times, same bucket width.
    const shown = first.points.filter((p) => p.t >= first.from && p.t <= first.to);
    // Reversed: step_s, unit, max, min, value, time_utc.
    expect(rows.map((r) => Date.parse(r[5]!))).toEqual(shown.map((p) => p.t));
    expect(new Set(rows.map((r) => r[0]))).toEqual(new Set([String(first.stepS)]));
    expect(first.stepS).not.toBeNull();
  }, 30_000);
});
