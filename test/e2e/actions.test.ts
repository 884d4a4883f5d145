// Corrective actions in the dashboard, one browser session per person: the manager resolves a real
// gas alarm (published through Mosquitto) with "corrective action required" and an owner; the
// officer finds it under Actions → Mine, starts it, adds a photo and fixes it; the manager sees it waiting in the
// header count, verifies it, and it leaves the open list for Closed. The page reads in Chinese too.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mosquittoPub } from '../support/clients.ts';
import { shoot } from '../support/e2e.ts';
import { openNavPage, startDashboardStack, type DashboardStack } from '../support/e2e.stack.ts';
import { headerRows } from '../support/header.layout.ts';

const SENSOR = 'CAN-GAS-01';
const SENSOR_NAME = 'Kitchen gas, wok range';
const FINDING = 'hose clamp at the wok range worked loose';

let stack: DashboardStack;
let manager: Page;
let officer: Page;

const publish = (value: number) => mosquittoPub(stack.broker.port, `vigil/hq/${SENSOR}/reading`, JSON.stringify({ ts: Date.now(), value, unit: '%LEL' }));
const actionRow = (page: Page) => page.getByTestId('actions-table').locator('tbody tr', { hasText: FINDING });

beforeAll(async () => {
  stack = await startDashboardStack({ influxDb: 'vigil_e2e_actions' });
  manager = await stack.openPage();
  officer = await stack.openPage();
  await stack.signIn(manager, 'manager');
  await stack.signIn(officer, 'officer');
});

afterAll(() => stack?.close());

describe('corrective actions from the dashboard', () => {
  it('resolve form: "corrective action required" opens an action with an owner and a due date', async () => {
    await publish(25);
    const row = manager.locator('.console [data-alarm-id]', { hasText: SENSOR_NAME }).first();
    await row.waitFor({ timeout: 10_000 });
    await publish(1); // gone again: a resolution needs the condition normal
    await row.click();
    await manager.getByTestId('alarm-detail').getByText('Back to normal').waitFor({ timeout: 10_000 });
    await manager.locator('[data-action="resolve"]').click();
    const form = manager.getByTestId('form-resolve');
    await form.getByTestId('resolve-category').selectOption('equipment_fault');
    await form.getByLabel('Cause (details)').fill(FINDING);
    await form.getByLabel('Corrective action', { exact: true }).fill('clamp tightened');
    await form.getByTestId('resolve-action-required').check();
    // The box sits beside its words, not as a field-wide input above them.
    const box = await form.getByTestId('resolve-action-required').boundingBox();
    const words = await form.getByText('Corrective action required', { exact: true }).boundingBox();
    expect(box && words && { width: box.width, beside: words.x >= box.x + box.width - 1, sameRow: words.y < box.y + box.height }).toEqual({
      width: expect.any(Number),
      beside: true,
      sameRow: true,
    });
    expect(box?.width).toBeLessThan(40);
    await form.getByTestId('action-what').fill('replace all clamps on the wok line with screw clamps');
    await form.getByTestId('action-owner').locator('option[value="officer"]').waitFor({ state: 'attached' });
    await form.getByTestId('action-owner').selectOption('officer');
    // The server checks the whole body before resolving: its 400 is shown and the alarm stays unresolved.
    await form.getByTestId('action-due').fill('2020-01-15T09:00');
    await form.getByRole('button', { name: 'Resolve' }).click();
    await expect(manager.getByTestId('action-error').textContent({ timeout: 10_000 })).resolves.toContain('the due date must be in the future');
    await expect(form.isVisible()).resolves.toBe(true);
    await form.getByTestId('action-due').fill('2036-01-15T09:00');
    await shoot(manager, 'actions-resolve-form', { selector: '[data-testid="form-resolve"]' });
    await form.getByRole('button', { name: 'Resolve' }).click();
    await expect(manager.getByTestId('action-opened').textContent({ timeout: 10_000 })).resolves.toMatch(/^Corrective action #\d+ opened\.$/);
  });

  it('the officer finds it under Mine, starts it, adds a photo and fixes it; the manager verifies it from the header count', async () => {
    await openNavPage(officer, 'Actions');
    await officer.getByTestId('actions-page').locator('[data-filter="mine"]').click();
    await actionRow(officer).click();
    const detail = officer.getByTestId('action-detail');
    await detail.locator('[data-move="start"]').click();
    await detail.locator('h3', { hasText: 'In progress' }).waitFor();
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
    await detail.getByTestId('action-photo').setInputFiles({ name: 'new-clamps.png', mimeType: 'image/png', buffer: png });
    await detail.getByTestId('action-photos').getByRole('img', { name: 'new-clamps.png' }).waitFor();
    await detail.getByTestId('action-note').fill('new clamps fitted, leak-tested');
    await detail.locator('[data-move="fix"]').click();
    await detail.locator('h3', { hasText: 'Fixed, to verify' }).waitFor();
    // The owner may not verify their own work: the page offers no move.
    await expect(detail.locator('[data-move]').count()).resolves.toBe(0);

    await manager.reload();
    const badge = manager.getByTestId('actions-badge');
    await expect(badge.getAttribute('title', { timeout: 10_000 })).resolves.toBe('Corrective actions: 1 open, 0 overdue, 1 to verify');
    // The count fits: the header stays one row on a 1280 px laptop.
    await manager.setViewportSize({ width: 1280, height: 720 });
    const rows = await headerRows(manager);
    expect(Math.max(...rows.tops) - Math.min(...rows.tops), JSON.stringify(rows)).toBeLessThan(rows.tallest);
    expect(rows.right, JSON.stringify(rows)).toBeLessThanOrEqual(rows.headerRight);
    await manager.setViewportSize({ width: 1600, height: 1000 });
    await badge.click();
    await actionRow(manager).click();
    const managed = manager.getByTestId('action-detail');
    // allTextContents does not wait: the detail is read once its moves and its four history entries are there.
    await managed.locator('[data-move="verify"]').waitFor({ timeout: 10_000 });
    await managed.getByTestId('action-history').locator('li').nth(3).waitFor({ timeout: 10_000 });
    await expect(managed.locator('[data-move]').allTextContents()).resolves.toEqual(['Verify', 'Send back']);
    await expect(managed.getByTestId('action-history').locator('li').allTextContents()).resolves.toEqual([
      expect.stringContaining('Opened · manager'),
      expect.stringContaining('Work started · officer'),
      expect.stringContaining('Photo added · officer — new-clamps.png'),
      expect.stringContaining('Marked fixed · officer — new clamps fitted, leak-tested'),
    ]);
    await shoot(manager, 'actions-page-verify');
    // The detail is a block of the page, shown whole: the console's side-panel class once made it half
    // the page high with a scroll of its own, its moves below the fold inside it.
    await expect(managed.evaluate((el) => el.scrollHeight - el.clientHeight)).resolves.toBeLessThanOrEqual(1);
    await managed.locator('[data-move="verify"]').click();
    await managed.locator('h3', { hasText: 'Verified' }).waitFor();
    await actionRow(manager).waitFor({ state: 'detached' }); // no longer open
    await manager.getByTestId('actions-page').locator('[data-filter="closed"]').click();
    await expect(actionRow(manager).locator('[data-status]').textContent()).resolves.toBe('Verified');
  });

  it('reads in Chinese', async () => {
    await manager.getByRole('group', { name: 'Language' }).getByRole('button', { name: '中文' }).click();
    // The page re-renders in Chinese after the click returns: wait for it rather than read at once.
    await manager
      .getByTestId('actions-page')
      .locator('h2', { hasText: /^整改措施$/ })
      .waitFor({ timeout: 10_000 });
    await expect(manager.getByTestId('actions-page').locator('[data-filter="overdue"]').textContent()).resolves.toBe('已逾期');
    await shoot(manager, 'actions-page-zh');
  });
});
