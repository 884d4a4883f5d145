// The basement-flood drill from the dashboard: the facility manager picks it on the Drills page,
// the server runs it through the real Mosquitto, and the duty officer's console shows the
// basement leak detectors' alarms labelled DRILL, at high priority, on the plant room's floor.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shoot } from '../support/e2e.ts';
import { startDashboardStack, type DashboardStack } from '../support/e2e.stack.ts';

const SUMP_NAME = 'Plant room leak, pump sump';

let stack: DashboardStack;
let manager: Page;
let officer: Page;

beforeAll(async () => {
  stack = await startDashboardStack({ influxDb: 'vigil_e2e_flood' });
  manager = await stack.openPage();
  officer = await stack.openPage();
  await stack.signIn(manager, 'manager');
  await stack.signIn(officer, 'officer');
});

afterAll(() => stack?.close());

describe('basement flood drill from the dashboard', () => {
  it('starts from the Drills page and raises the leak alarms on the officer console as DRILL', async () => {
    await manager.getByRole('button', { name: 'Drills' }).click();
    const form = manager.getByTestId('drill-start');
    await form.waitFor({ timeout: 10_000 });
    await manager.getByTestId('drill-scenario').selectOption('basement-flood');
    await manager.getByTestId('drill-site').selectOption('hq');
    await manager.getByTestId('drill-speed').getByRole('button', { name: '×10' }).click();
    await form.getByRole('button', { name: 'Start drill…' }).click();
    await manager.getByTestId('drill-confirm').getByRole('button', { name: 'Yes, start the DRILL' }).click();
    const banner = manager.getByTestId('drill-running');
    await banner.waitFor({ timeout: 10_000 });
    expect(await banner.getAttribute('data-drill-id')).toMatch(/^drill-.*basement-flood$/);
    await expect(banner.textContent()).resolves.toContain('Basement flood');

    // The sump detector is wet 5 s into the scenario: under a second at ×10.
    const row = officer.locator('.console [data-alarm-id][data-drill="true"]', { hasText: SUMP_NAME }).filter({ hasText: 'Water leak' }).first();
    await row.waitFor({ timeout: 30_000 });
    await expect(row.locator('.tag--drill').textContent()).resolves.toBe('DRILL');
    await expect(row.getAttribute('class')).resolves.toContain('alarm--high');
    // The tank room detector follows at 95 s of scenario time (about 10 s).
    await officer.locator('.console [data-alarm-id][data-drill="true"]', { hasText: 'Tank room leak, storage tanks' }).first().waitFor({ timeout: 30_000 });
    // The basement plan draws the wet detectors in alarm with the leak glyph.
    await officer.getByRole('tab', { name: 'Office tower, basement (plant)' }).click();
    await officer.locator('img.plan__image[alt*="Office tower, basement (plant)"]').waitFor({ timeout: 10_000 });
    await shoot(officer, 'drills-flood-console');

    await manager.getByTestId('drill-end').click();
    await manager.getByTestId('drill-end-confirm').getByRole('button', { name: 'Yes, end the drill' }).click();
    await manager.getByTestId('drill-running').waitFor({ state: 'detached', timeout: 10_000 });
  });
});
