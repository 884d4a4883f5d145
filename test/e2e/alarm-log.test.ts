// The alarm log and the alarm detail end to end — the built dashboard in headless Chromium,
// served by the real server, with real Mosquitto and InfluxDB. One story: a gas alarm the
// manager works through from the log: a procedure step ticked (its time in the history), then
// resolved with a cause category, the log's row showing it at once; then sorted by priority on the server.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mosquittoPub } from '../support/clients.ts';
import { shoot } from '../support/e2e.ts';
import { startDashboardStack, type DashboardStack } from '../support/e2e.stack.ts';

const SITE = 'hq';
const SENSOR = 'CAN-GAS-01';
const SENSOR_NAME = 'Kitchen gas, wok range';
/** A time of day in 24-hour form (13:05:09), as the locale's dates and times are shown. */
const TIME_24H = /\b([01]\d|2[0-3]):[0-5]\d:[0-5]\d\b/;

let stack: DashboardStack;
let manager: Page;

const publish = (value: number) => mosquittoPub(stack.broker.port, `vigil/${SITE}/${SENSOR}/reading`, JSON.stringify({ ts: Date.now(), value, unit: '%LEL' }));
const logRow = (page: Page) => page.locator('[data-testid="log-table"] tbody tr', { hasText: SENSOR_NAME }).first();

beforeAll(async () => {
  stack = await startDashboardStack({ influxDb: 'vigil_e2e_alarm_log' });
  manager = await stack.openPage();
  await stack.signIn(manager, 'manager');
});

afterAll(() => stack?.close());

describe('alarm log and alarm detail', () => {
  it('ticks a procedure step: the step shows who and when, and the history has the tick', async () => {
    await publish(25);
    // The log fetches once when opened: open it after the alarm is raised (it is on the console).
    await manager.locator('.console [data-alarm-id]', { hasText: SENSOR_NAME }).first().waitFor({ timeout: 10_000 });
    await manager.getByRole('button', { name: 'Alarm log' }).click();
    await logRow(manager).waitFor({ timeout: 10_000 });
    await logRow(manager).click();
    const detail = manager.getByTestId('alarm-detail');
    await detail.getByTestId('alarm-history').waitFor();
    const step = detail.locator('[data-testid="sop-steps"] li[data-step="1"]');
    await expect(step.getAttribute('data-done')).resolves.toBe('false');
    // A click, not check(): the box follows the history, so it turns only once the server recorded the tick.
    await step.getByRole('checkbox').click();
    await detail.locator('[data-testid="sop-steps"] li[data-step="1"][data-done="true"]').waitFor({ timeout: 5_000 });
    const when = (await step.getByTestId('sop-when').textContent()) ?? '';
    expect(when).toMatch(TIME_24H);
    expect(when).not.toMatch(/[AP]M/i);
    expect(when).toContain('manager');
    const tick = detail.locator('[data-testid="alarm-history"] [data-kind="sop_step"]');
    await tick.waitFor({ timeout: 5_000 });
    await expect(tick.textContent()).resolves.toMatch(/Procedure step[\s\S]*done[\s\S]*2\. Shut the gas supply/);
    await shoot(manager, 'alarm-detail-sop-tick');
  });

  it('resolves with a cause category, and the row shows it at once', async () => {
    const detail = manager.getByTestId('alarm-detail');
    // A condition still present cannot be resolved: the gas goes first.
    await publish(1);
    await detail.getByText('Back to normal', { exact: true }).waitFor({ timeout: 10_000 });
    await expect(logRow(manager).getByTestId('log-cause').textContent()).resolves.toBe('—');
    await detail.locator('[data-action="resolve"]').click();
    await detail.getByTestId('resolve-category').selectOption('equipment_fault');
    await detail.getByLabel('Cause (details)').fill('Wok burner hose clamp loose');
    await detail.getByLabel('Corrective action', { exact: true }).fill('Clamp replaced, line leak-tested');
    await detail.getByTestId('form-resolve').getByRole('button', { name: 'Resolve' }).click();
    // The row, fetched before the resolution, changes without a new search or reload.
    const cause = logRow(manager).getByTestId('log-cause');
    await cause.filter({ hasText: 'Equipment fault' }).waitFor({ timeout: 5_000 });
    await expect(cause.textContent()).resolves.toContain('Wok burner hose clamp loose');
    await expect(logRow(manager).getByTestId('log-state').textContent()).resolves.toBe('Cleared');
    await shoot(manager, 'alarm-log-resolved-row');
  });

  it('sorts by a column on the server, from the first page, and flips on a second click', async () => {
    // The whole result is sorted (GET /api/alarms sort/order), not only the rows on screen.
    const asked = (order: string) =>
      manager.waitForRequest((r) => {
        const url = new URL(r.url());
        return (
          url.pathname === '/api/alarms' &&
          url.searchParams.get('sort') === 'priority' &&
          url.searchParams.get('order') === order &&
          url.searchParams.get('offset') === '0'
        );
      });
    const header = manager.locator('[data-testid="log-table"] th', { has: manager.locator('[data-sort="priority"]') });
    const desc = asked('desc');
    await manager.locator('[data-sort="priority"]').click();
    await desc;
    await manager.locator('[data-testid="log-table"] th[aria-sort="descending"] [data-sort="priority"]').waitFor({ timeout: 5_000 });
    const asc = asked('asc');
    await manager.locator('[data-sort="priority"]').click();
    await asc;
    await expect(header.getAttribute('aria-sort')).resolves.toBe('ascending');
    await logRow(manager).waitFor({ timeout: 5_000 });
  });
});
