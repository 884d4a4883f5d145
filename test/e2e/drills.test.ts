// Drills, end to end in the dashboard: a facility manager starts the canteen gas-leak
// drill from the Drills page (the server runs the simulator, which publishes through the real
// Mosquitto), the duty officer sees the alarm labelled DRILL and acknowledges it in a second
// browser, the manager ends the drill (after a confirmation) and opens its printable report,
// which names the officer and marks what the early end left unplayed. The form offers only the
// speeds a scenario allows and refuses a site without its sensors, with the reason, before
// anything runs; the running drill shows the scenario's notes and title (docs/contracts.md#drills).
// Then the manager takes a sensor out of service with a reason from its panel (plan states).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shoot } from '../support/e2e.ts';
import { demoAccount, startDashboardStack, type DashboardStack } from '../support/e2e.stack.ts';

const SCENARIO = 'canteen-gas-leak';
const GAS_SENSOR = 'CAN-GAS-01';
const GAS_SENSOR_NAME = 'Kitchen gas, wok range';
const OOS_SENSOR = 'CAN-GAS-03';

let stack: DashboardStack;
let manager: Page;
let officer: Page;
let drillId = '';

/** The drill's gas alarm (not the rate-of-rise one) of the wok-range detector in the console queue. */
const drillGasRow = (page: Page) =>
  page.locator('.console [data-alarm-id][data-drill="true"]', { hasText: GAS_SENSOR_NAME }).filter({ hasText: 'Gas leak' }).first();

beforeAll(async () => {
  stack = await startDashboardStack({ influxDb: 'vigil_e2e_drills' });
  manager = await stack.openPage();
  officer = await stack.openPage();
  await stack.signIn(manager, 'manager');
  await stack.signIn(officer, 'officer');
});

afterAll(() => stack?.close());

describe('emergency drill from the dashboard', () => {
  it('offers only the speeds a scenario allows, and refuses a site without its sensors with the reason', async () => {
    await manager.getByRole('button', { name: 'Drills' }).click();
    const form = manager.getByTestId('drill-start');
    await form.waitFor({ timeout: 10_000 });
    const speeds = () => manager.getByTestId('drill-speed').getByRole('button').allTextContents();
    await manager.getByTestId('drill-scenario').selectOption('door-propped-open');
    await expect(speeds()).resolves.toEqual(['×1', '×2']);
    await manager.getByTestId('drill-scenario').selectOption(SCENARIO);
    await expect(speeds()).resolves.toEqual(['×1', '×2', '×5', '×10']);

    await manager.getByTestId('drill-site').selectOption('lodging');
    const refused = manager.getByTestId('drill-site-refused');
    await expect(refused.textContent()).resolves.toBe(
      '“Canteen gas leak” plays the sensors of Headquarters campus: it cannot run at Guesthouse and staff dormitory.',
    );
    await expect(form.getByRole('button', { name: 'Start drill…' }).isDisabled()).resolves.toBe(true);
    await shoot(manager, 'drills-site-refused');
  });

  it('lets the manager start the canteen gas leak at ×2 after a clear DRILL confirmation', async () => {
    const form = manager.getByTestId('drill-start');
    await manager.getByTestId('drill-scenario').selectOption(SCENARIO);
    await manager.getByTestId('drill-site').selectOption('hq');
    await manager.getByTestId('drill-site-refused').waitFor({ state: 'detached' });
    await manager.getByTestId('drill-speed').getByRole('button', { name: '×2', exact: true }).click();
    await form.getByRole('button', { name: 'Start drill…' }).click();
    const confirm = manager.getByTestId('drill-confirm');
    await confirm.waitFor();
    await expect(confirm.textContent()).resolves.toContain('This will send DRILL traffic through the broker; alarms will be marked DRILL.');
    await shoot(manager, 'drills-confirm');
    await confirm.getByRole('button', { name: 'Yes, start the DRILL' }).click();

    const banner = manager.getByTestId('drill-running');
    await banner.waitFor({ timeout: 10_000 });
    drillId = (await banner.getAttribute('data-drill-id')) ?? '';
    expect(drillId).toMatch(/^drill-.*canteen-gas-leak$/);
    await expect(banner.textContent()).resolves.toContain('Canteen gas leak');
    // The scenario's first note (scenario second 0) reaches the coordinator as the drill plays.
    await banner.getByTestId('drill-notes').getByText('Lunch service: a hose at the wok range works loose').waitFor({ timeout: 5_000 });
    await manager.locator(`[data-testid="drill-table"] tr[data-drill-id="${drillId}"][data-state="running"]`).waitFor({ timeout: 5_000 });
    // The officer's console, on another page entirely, says a drill is running.
    await officer.locator('.banner--drill', { hasText: 'Canteen gas leak' }).waitFor({ timeout: 5_000 });
  });

  it('shows the officer the gas alarm labelled DRILL, and the officer acknowledges it', async () => {
    // Past low at ~32 s of scenario time, then 5 s real on-delay: about 21 s at ×2.
    const row = drillGasRow(officer);
    await row.waitFor({ timeout: 45_000 });
    await expect(row.locator('.tag--drill').textContent()).resolves.toBe('DRILL');
    await shoot(officer, 'drills-console-drill-alarm');
    await row.getByRole('button', { name: 'Acknowledge' }).click();
    await officer
      .locator('.console [data-alarm-id][data-drill="true"][data-state="active_acked"]', { hasText: GAS_SENSOR_NAME })
      .filter({ hasText: 'Gas leak' })
      .first()
      .waitFor({ timeout: 5_000 });
  });

  it('lets the manager end the drill from the running-drill banner, after confirming; its alarms leave every console', async () => {
    await shoot(manager, 'drills-page-running');
    await manager.getByTestId('drill-end').click();
    const confirm = manager.getByTestId('drill-end-confirm');
    await expect(confirm.textContent()).resolves.toContain('End the drill “Canteen gas leak” now?');
    // Cancelling leaves it running.
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'detached' });
    await manager.getByTestId('drill-running').waitFor();
    await manager.getByTestId('drill-end').click();
    await shoot(manager, 'drills-end-confirm');
    await manager.getByTestId('drill-end-confirm').getByRole('button', { name: 'Yes, end the drill' }).click();
    await manager.getByTestId('drill-running').waitFor({ state: 'detached', timeout: 10_000 });
    // Closed as "drill ended": the acknowledged drill alarm is gone from the officer's queue.
    await officer.locator('.console [data-alarm-id][data-drill="true"]').first().waitFor({ state: 'detached', timeout: 10_000 });
    await manager.locator(`[data-testid="drill-table"] tr[data-drill-id="${drillId}"][data-state="ended"]`).waitFor({ timeout: 5_000 });
    await officer.locator('.banner--drill').waitFor({ state: 'detached', timeout: 5_000 });
    await shoot(manager, 'drills-page');
  });

  it('shows the officer the drill list, without starting, ending or reports (role matrix)', async () => {
    await officer.getByRole('button', { name: 'Drills' }).click();
    await officer.locator(`[data-testid="drill-table"] tr[data-drill-id="${drillId}"][data-state="ended"]`).waitFor({ timeout: 10_000 });
    await officer.getByText('Only a facility manager may start or end drills.').waitFor();
    await expect(officer.getByTestId('drill-start').count()).resolves.toBe(0);
    await expect(
      officer
        .getByTestId('drill-table')
        .getByRole('button', { name: /Report/ })
        .count(),
    ).resolves.toBe(0);
    await shoot(officer, 'drills-page-officer');
    await officer.getByRole('button', { name: 'Live console' }).click();
  });

  it('opens the report: the gas alarm raised, acknowledged by the officer, scored against the targets', async () => {
    await manager
      .locator(`[data-testid="drill-table"] tr[data-drill-id="${drillId}"]`)
      .getByRole('button', { name: /Report/ })
      .click();
    const report = manager.locator(`[data-testid="drill-report"][data-drill-id="${drillId}"][data-state="ended"]`);
    await report.waitFor({ timeout: 10_000 });
    const gas = report.locator(`[data-testid="report-expected"] tr[data-sensor-id="${GAS_SENSOR}"][data-condition="gas"]`);
    await expect(gas.getAttribute('data-outcome')).resolves.toBe('raised');
    const text = (await gas.textContent()) ?? '';
    expect(text).toContain(GAS_SENSOR_NAME);
    expect(text).toContain(`by ${demoAccount('officer').username}`);
    expect(text).toMatch(/Raised \d\d:\d\d:\d\d/);
    // The NFPA 72 10.11.1 display target and the acknowledgement target of the alarm’s priority, both printed.
    expect(await report.locator('[data-testid="report-expected"] thead').textContent()).toContain('Display (target ≤ 10 s)');
    // The target follows the alarm's priority: high until 74 s of scenario time, critical after.
    const critical = ((await gas.locator('td').nth(3).textContent()) ?? '').startsWith('Critical');
    expect(text).toContain(critical ? 'target ≤ 1 min' : 'target ≤ 5 min');
    await expect(report.getByTestId('report-score').textContent()).resolves.toMatch(/\d+ %/);
    await expect(report.locator('h2.report__title').textContent()).resolves.toBe('Drill report');
    // Ended 25-50 s in at ×2 (50-100 s of its 300): what the scenario had not reached (the alarms
    // due at 120 s and 150 s at least) is "not played", not missed.
    await expect(report.locator('[data-testid="report-expected"] tr[data-outcome="not_played"]').count()).resolves.toBeGreaterThan(0);
    await expect(report.getByTestId('report-incomplete').textContent()).resolves.toBe('Ended early: scored on what was played');
    const header = (await report.locator('.report__head').textContent()) ?? '';
    expect(header).toContain('Riverside Administrative Services Centre');
    expect(header).toContain(demoAccount('manager').username);
    expect(header).toContain('Asia/Shanghai');
    // The report scrolls inside the page: a tall window gets all of it into the screenshot.
    await manager.setViewportSize({ width: 1600, height: 1800 });
    await shoot(manager, 'drill-report');

    // What Print gives: the report alone, black on white.
    await manager.emulateMedia({ media: 'print' });
    await expect(manager.locator('.header').isVisible()).resolves.toBe(false);
    await expect(manager.getByTestId('report-print').isVisible()).resolves.toBe(false);
    const background = await manager.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(background).toBe('rgb(255, 255, 255)');
    await shoot(manager, 'drill-report-print', { fullPage: true });
    await manager.emulateMedia({ media: 'screen' });

    await manager.getByRole('group', { name: 'Language' }).getByRole('button', { name: '中文' }).click();
    await report.getByText('演练报告').first().waitFor();
    await expect(gas.textContent()).resolves.toContain(`确认人 ${demoAccount('officer').username}`);
    // The scenario's titleZh names the drill in Chinese.
    await expect(report.locator('.report__head').textContent()).resolves.toContain('食堂燃气泄漏 (canteen-gas-leak, ×2)');
    await shoot(manager, 'drill-report-zh');
    await manager.getByRole('group', { name: '语言' }).getByRole('button', { name: 'EN' }).click();
    await manager.setViewportSize({ width: 1600, height: 1000 });
  });
});

describe('out of service from the sensor panel (manager)', () => {
  it('needs a reason, shows who and since when, greys the icon everywhere, and returns to service', async () => {
    await manager.getByRole('button', { name: 'Live console' }).click();
    await manager
      .getByRole('tab', { name: /canteen/i })
      .first()
      .click();
    await manager.locator(`[data-sensor-id="${OOS_SENSOR}"]`).click();
    const panel = manager.getByTestId('sensor-panel');
    await panel.getByTestId('oos-take').click();
    await panel.getByTestId('oos-form').getByRole('button', { name: 'Take out of service' }).click();
    await panel.getByText('A reason is required.').waitFor();
    await panel.getByLabel('Reason (required)').fill('Annual calibration by the gas contractor');
    await panel.getByTestId('oos-form').getByRole('button', { name: 'Take out of service' }).click();
    const oos = panel.locator('[data-testid="oos"][data-out-of-service="true"]');
    await oos.waitFor({ timeout: 5_000 });
    await expect(oos.textContent()).resolves.toMatch(new RegExp(`Out of service since .* by ${demoAccount('manager').username}[\\s\\S]*Annual calibration`));
    await manager.locator(`[data-sensor-id="${OOS_SENSOR}"][data-state="out_of_service"]`).waitFor({ timeout: 5_000 });
    await officer
      .getByRole('tab', { name: /canteen/i })
      .first()
      .click();
    await officer.locator(`[data-sensor-id="${OOS_SENSOR}"][data-state="out_of_service"]`).waitFor({ timeout: 5_000 });
    await shoot(manager, 'sensor-out-of-service', { selector: '[data-testid="sensor-panel"]' });
    // An officer sees why, but has no button to change it.
    await officer.locator(`[data-sensor-id="${OOS_SENSOR}"]`).click();
    await officer.getByTestId('sensor-panel').locator('[data-testid="oos"][data-out-of-service="true"]').waitFor();
    await expect(officer.getByTestId('oos-return').count()).resolves.toBe(0);

    await panel.getByTestId('oos-return').click();
    await panel.locator('[data-testid="oos"][data-out-of-service="true"]').waitFor({ state: 'detached', timeout: 5_000 });
    await manager.locator(`[data-sensor-id="${OOS_SENSOR}"]:not([data-state="out_of_service"])`).waitFor({ timeout: 5_000 });
  });
});

describe('the dashboard itself', () => {
  it('ran the whole story without a script error in either browser', () => {
    expect(stack.pageErrors).toEqual([]);
  });
});
