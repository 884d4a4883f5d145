// A sensor's history on its own page — the built dashboard in headless Chromium against the real
// server and InfluxDB, demo facility (config/facility.yaml). What it protects (README, the sensor
// history page; docs/contracts.md#roll-ups-continuous-queries): a sensor with twenty minutes of
// data still charts over a year (the roll-ups have not run yet), the year's axis carries several
// date labels, dragging across the chart zooms in, and the shown data downloads as CSV.
import fs from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shoot } from '../support/e2e.ts';
import { influxSchemaReady, startDashboardStack, type DashboardStack } from '../support/e2e.stack.ts';

const DB = 'vigil_e2e_sensor_page';
const GAS = 'CAN-GAS-01'; // "Kitchen gas, wok range", site hq
const STEAMER = 'CAN-GAS-02'; // "Kitchen gas, steamer line": two hours of readings with one spike
const MINUTE = 60_000;

let stack: DashboardStack;
let manager: Page;
const chart = () => manager.getByTestId('sensor-chart');

beforeAll(async () => {
  stack = await startDashboardStack({ influxDb: DB });
  // "Not run yet" whatever the wall clock's minute: no continuous query fills the roll-ups. Vigil
  // sets its schema up in the background and answers healthy before that is done: dropped before
  // they existed, the queries were created afterwards and the minute one rolled up the last
  // minutes of these readings (the spike went missing from the day's chart). The queries are the
  // schema's last step, so once both exist the retention policies do too (the writes below name
  // none and must land in `raw`, the default).
  await influxSchemaReady(stack);
  await stack.influx.query(`DROP CONTINUOUS QUERY "cq_reading_1m" ON "${DB}"`, DB);
  await stack.influx.query(`DROP CONTINUOUS QUERY "cq_reading_1h" ON "${DB}"`, DB);
  expect(await continuousQueries()).toEqual([]);
  const now = Date.now();
  await stack.influx.write(
    DB,
    Array.from({ length: 20 }, (_, i) => `reading,sensor=${GAS} value=${2 + (i % 4)} ${now - i * MINUTE}`),
  );
  await stack.influx.write(
    DB,
    Array.from({ length: 120 }, (_, i) => `reading,sensor=${STEAMER} value=${i === 30 ? 90 : 2 + (i % 3)} ${now - i * MINUTE}`),
  );
  manager = await stack.openPage();
  await stack.signIn(manager, 'manager');
});

afterAll(() => stack?.close());

async function continuousQueries(): Promise<string[]> {
  const rows = await stack.influx.query('SHOW CONTINUOUS QUERIES');
  return rows.map((r) => String(r.name)).filter((name) => name === 'cq_reading_1m' || name === 'cq_reading_1h');
}

describe('the sensor history page', () => {
  it('opens from the sensor panel’s history, whose week has several date labels', async () => {
    await manager
      .getByRole('tab', { name: /canteen/i })
      .first()
      .click();
    await manager.locator(`[data-sensor-id="${GAS}"]`).click();
    // In the side panel too, a week of history carries several date labels.
    const panel = manager.getByTestId('sensor-panel');
    await panel.getByRole('button', { name: '7 d', exact: true }).click();
    await panel.getByTestId('history-chart').locator('.recharts-line-dots circle').first().waitFor({ timeout: 15_000 });
    const week = await panel.getByTestId('history-chart').locator('.recharts-xAxis-tick-labels .recharts-cartesian-axis-tick-value').allTextContents();
    expect(week.length).toBeGreaterThanOrEqual(3);
    await shoot(manager, 'sensor-panel-week', { selector: '[data-testid="sensor-panel"]' });
    await panel.getByRole('link', { name: 'Open full page' }).click();
    await manager.getByRole('heading', { name: /Kitchen gas, wok range — history/ }).waitFor({ timeout: 10_000 });
    expect(manager.url()).toContain(`#/sensor/${GAS}`);
  });

  it('shows a year of a sensor with twenty minutes of data, with several date labels', async () => {
    await manager.getByRole('button', { name: '1 y', exact: true }).click();
    await chart().locator('.recharts-line-dots circle').first().waitFor({ timeout: 15_000 });
    await expect(chart().getByText('No readings in this range').count()).resolves.toBe(0);
    const labels = await chart().locator('.recharts-xAxis-tick-labels .recharts-cartesian-axis-tick-value').allTextContents();
    expect(labels.length).toBeGreaterThanOrEqual(3);
    expect(new Set(labels).size).toBe(labels.length);
    await shoot(manager, 'sensor-page-year');
  });

  it('zooms into the range dragged across the chart, and exports what it shows as CSV', async () => {
    const box = await chart().boundingBox();
    if (!box) throw new Error('chart not laid out');
    const y = box.y + box.height / 2;
    await manager.mouse.move(box.x + box.width * 0.9, y);
    await manager.mouse.down();
    await manager.mouse.move(box.x + box.width * 0.95, y, { steps: 5 });
    // Past the chart's right edge: the zoom ends at the range's end.
    await manager.mouse.move(box.x + box.width + 20, y, { steps: 5 });
    await manager.mouse.up();
    await manager.getByRole('button', { name: 'Reset zoom' }).waitFor({ timeout: 5_000 });
    await chart().locator('.recharts-line-dots circle').first().waitFor({ timeout: 15_000 });

    const [download] = await Promise.all([manager.waitForEvent('download'), manager.getByRole('button', { name: 'Export CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^vigil-${GAS}-.*\\.csv$`));
    const csv = await fs.readFile(await download.path(), 'utf8');
    const lines = csv
      .replace(/^\uFEFF/, '')
      .split('\r\n')
      .filter(Boolean);
    expect(lines[0]).toBe('sensor_id,sensor_name,series,time_utc,value,min,max,unit,step_s');
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines.slice(1))
      expect(line).toMatch(new RegExp(`^${GAS},"Kitchen gas, wok range",current,\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z,[\\d.]+,[\\d.]*,[\\d.]*,%LEL,\\d*$`));
    const values = lines.slice(1).map((l) => Number(l.split(',')[5]));
    expect(Math.min(...values)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...values)).toBeLessThanOrEqual(5);
  });

  it('keeps one spike from flattening the chart, marking it at the edge, and compares with the previous period', async () => {
    await manager.goto(`/#/sensor/${STEAMER}`);
    await manager.getByRole('heading', { name: /Kitchen gas, steamer line — history/ }).waitFor({ timeout: 10_000 });
    await chart().locator('.chart__clipped').first().waitFor({ timeout: 15_000 });
    await chart().getByText('▲ 90.0 %LEL').waitFor();
    await manager.getByRole('note').filter({ hasText: '1 extreme value is drawn at the edge' }).waitFor();
    // The value axis stays near the readings and thresholds (high 20 %LEL), not stretched to 90.
    const top = await chart().locator('.recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-value').last().textContent();
    expect(Number(top)).toBeLessThan(30);

    await manager.getByRole('button', { name: '1 h', exact: true }).click();
    await manager.getByLabel('Compare with the previous period').check();
    await chart().locator('.chart__previous path').first().waitFor({ timeout: 15_000 });
    await shoot(manager, 'sensor-page-compare');
    const [download] = await Promise.all([manager.waitForEvent('download'), manager.getByRole('button', { name: 'Export CSV' }).click()]);
    const rows = (await fs.readFile(await download.path(), 'utf8')).split('\r\n').slice(1).filter(Boolean);
    const series = rows.map((r) => r.split(',')[3]);
    expect(series.filter((s) => s === 'current').length).toBeGreaterThanOrEqual(59);
    expect(series.filter((s) => s === 'previous').length).toBeGreaterThanOrEqual(59);
  });
});
