// "The alarm comes to the officer" — the built dashboard in headless Chromium, the real server,
// Mosquitto and InfluxDB, with the demo facility (config/facility.yaml: site hq, whose first floor
// is tower-1f, and site lodging). What it protects (README, "The alarm comes to the officer";
// docs/contracts.md, "The plan follows alarms"): a new alarm of the highest priority present
// moves the plan to its site and floor and highlights it, unless the officer used the console in
// the last 30 s (then a "Go to" prompt); "Follow alarms" off stops both, and is remembered; floor
// tabs never hide a badge; the site selector and the all-sites overview show what is waiting at
// each site.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mosquittoPub } from '../support/clients.ts';
import { shoot } from '../support/e2e.ts';
import { startDashboardStack, type DashboardStack } from '../support/e2e.stack.ts';

const SMOKE_LODGING = 'GH-2F-SMK-203'; // site lodging, floor guesthouse-2f
const GAS_CANTEEN = 'CAN-GAS-01'; // site hq, floor canteen-1f
const SMOKE_DORM = 'DRM-SMK-D101'; // site lodging, floor dorm-1f

let stack: DashboardStack;
let officer: Page;

const siteSelect = () => officer.getByLabel('Site', { exact: true });
const selectedFloor = () => officer.locator('[role="tab"][aria-selected="true"]').getAttribute('data-floor-id');
const marker = (id: string) => officer.locator(`[data-sensor-id="${id}"]`);
const prompt = () => officer.getByTestId('follow-prompt');
const queueRow = (sensorName: string) => officer.locator('.console [data-alarm-id]', { hasText: sensorName }).first();

async function smoke(siteId: string, sensorId: string): Promise<void> {
  await mosquittoPub(stack.broker.port, `vigil/${siteId}/${sensorId}/event`, { type: 'smoke' });
}

beforeAll(async () => {
  stack = await startDashboardStack({ influxDb: 'vigil_e2e_follow' });
  officer = await stack.openPage();
  // Signing in is the last thing the officer does: from here on, the console is left alone.
  await stack.signIn(officer, 'officer');
});

afterAll(() => stack?.close());

describe('the alarm comes to the officer', () => {
  it('moves the plan to a critical alarm on another site and floor, and highlights it', async () => {
    await expect(siteSelect().inputValue()).resolves.toBe('hq');
    await expect(selectedFloor()).resolves.toBe('tower-1f');

    await smoke('lodging', SMOKE_LODGING);

    await marker(SMOKE_LODGING).and(officer.locator('[data-followed="true"][data-state="alarm"]')).waitFor({ timeout: 10_000 });
    await expect(siteSelect().inputValue()).resolves.toBe('lodging');
    await expect(selectedFloor()).resolves.toBe('guesthouse-2f');
    await expect(prompt().count()).resolves.toBe(0);
    // Seen from any site: the selector and the all-sites overview say what waits where.
    await expect(officer.locator('option[value="lodging"]').textContent()).resolves.toContain('1 unacknowledged');
    await officer.locator('[data-site-id="lodging"][data-state="alarm"][data-unacked="1"]').waitFor({ timeout: 5_000 });
    await officer.locator('[data-site-id="hq"][data-unacked="0"]').waitFor({ timeout: 5_000 });
    await shoot(officer, 'follow-switched');
  });

  it('asks with a "Go to" prompt instead when the officer used the console in the last 30 s', async () => {
    await officer.getByRole('tab', { name: /Guesthouse, ground floor/ }).click();
    await expect(selectedFloor()).resolves.toBe('guesthouse-1f');

    await mosquittoPub(stack.broker.port, `vigil/hq/${GAS_CANTEEN}/reading`, { ts: Date.now(), value: 25, unit: '%LEL' });

    await prompt().waitFor({ timeout: 10_000 });
    await expect(prompt().textContent()).resolves.toContain('Kitchen gas, wok range');
    await expect(prompt().getAttribute('aria-label')).resolves.toBe('New alarm: Critical');
    // The plan stayed where the officer put it.
    await expect(siteSelect().inputValue()).resolves.toBe('lodging');
    await expect(selectedFloor()).resolves.toBe('guesthouse-1f');
    await shoot(officer, 'follow-prompt');

    await prompt().getByRole('button', { name: 'Go to Kitchen gas, wok range' }).click();
    await marker(GAS_CANTEEN).and(officer.locator('[data-followed="true"]')).waitFor({ timeout: 5_000 });
    await expect(siteSelect().inputValue()).resolves.toBe('hq');
    await expect(selectedFloor()).resolves.toBe('canteen-1f');
    await expect(prompt().count()).resolves.toBe(0);
    await shoot(officer, 'follow-went', { selector: '.plan' });
    // Acknowledged, it is news no longer: the ring goes, the alarm stays drawn.
    await queueRow('Kitchen gas, wok range').getByRole('button', { name: 'Acknowledge', exact: true }).click();
    await officer.locator('[data-followed="true"]').waitFor({ state: 'detached', timeout: 5_000 });
    await expect(marker(GAS_CANTEEN).getAttribute('data-state')).resolves.toBe('alarm');
  });

  it('neither moves nor asks once "Follow alarms" is off, and remembers that after a reload', async () => {
    const toggle = officer.getByLabel('Follow alarms');
    await toggle.uncheck();
    await officer.reload();
    await officer.locator('[data-connection="connected"]').waitFor({ timeout: 10_000 });
    await expect(officer.getByLabel('Follow alarms').isChecked()).resolves.toBe(false);
    await expect(siteSelect().inputValue()).resolves.toBe('hq');
    const floorBefore = await selectedFloor();

    await smoke('lodging', SMOKE_DORM);

    // The alarm reached this console (its row is in the queue) and nothing moved or asked.
    await queueRow('Dorm room D101 smoke').waitFor({ timeout: 10_000 });
    await expect(prompt().count()).resolves.toBe(0);
    await expect(siteSelect().inputValue()).resolves.toBe('hq');
    await expect(selectedFloor()).resolves.toBe(floorBefore);
  });

  it('does not jump on opening the console: alarms already open are not new', async () => {
    await officer.getByLabel('Follow alarms').check();
    await officer.reload();
    await officer.locator('[data-connection="connected"]').waitFor({ timeout: 10_000 });
    // The snapshot is in (three critical alarms, two of them on lodging), and the plan is where
    // a fresh console starts.
    await officer.locator('.console [data-alarm-id]').nth(2).waitFor({ timeout: 10_000 });
    await expect(officer.getByLabel('Follow alarms').isChecked()).resolves.toBe(true);
    await expect(siteSelect().inputValue()).resolves.toBe('hq');
    await expect(selectedFloor()).resolves.toBe('tower-1f');
    await expect(officer.locator('[data-followed="true"]').count()).resolves.toBe(0);
  });

  it('never hides a floor badge on a narrow screen: the floors that do not fit are in a menu with their counts', async () => {
    await officer
      .getByRole('tab', { name: /Office tower, ground floor/ })
      .first()
      .click();
    await officer.setViewportSize({ width: 640, height: 900 });
    const more = officer.locator('.plan__more-button');
    await more.waitFor({ timeout: 5_000 });
    // The canteen's alarm is on a floor off the row: the menu button carries its count.
    const visibleTabs = await officer.locator('[role="tab"]').evaluateAll((tabs) => tabs.map((t) => t.getAttribute('data-floor-id')));
    expect(visibleTabs).not.toContain('canteen-1f');
    await expect(more.getAttribute('data-attention')).resolves.toBe('1');
    await expect(more.textContent()).resolves.toContain('1');
    await more.click();
    const item = officer.locator('[role="menuitem"][data-floor-id="canteen-1f"]');
    await expect(item.textContent()).resolves.toMatch(/canteen.*1$/i);
    await shoot(officer, 'floor-overflow', { selector: '.plan' });
    await item.click();
    await expect(selectedFloor()).resolves.toBe('canteen-1f');
    await officer.setViewportSize({ width: 1600, height: 1000 });
  });
});
