// The console in an alarm flood (ISA-18.2 flood handling: more than 10 alarms in 10 minutes),
// end to end — the built dashboard in headless Chromium, the real server, Mosquitto and
// InfluxDB. A burst published with mosquitto_pub at the lodging site: three detectors in fire
// (one after its pre-alarm), two more pre-alarms, four Zigbee devices dropping off the lodging
// bridge, and an unrelated forced door. The fires stay rows of their own at the top, the bridge's
// devices share one row that says what it holds, its acknowledge asks first and leaves the fires
// unacknowledged, and rows hold still under the pointer (docs/contracts.md#the-console-queue).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alarm } from '../../contract/alarm.ts';
import type { AlarmListResponse } from '../../contract/api.ts';
import { shoot } from '../support/e2e.ts';
import { startDashboardStack, type DashboardStack } from '../support/e2e.stack.ts';
import { mosquittoPub } from '../support/clients.ts';
import { eventually } from '../support/vigil.ts';

const SITE = 'lodging';
const FIRES = ['GH-1F-SMK-101', 'GH-1F-SMK-102', 'GH-1F-SMK-103'];
const PRE_ALARMS = ['GH-1F-SMK-104', 'GH-1F-SMK-105'];
// The lodging Zigbee bridge's devices, in three zones of two floors: one cause, one row.
const ZIGBEE = ['Guesthouse 201 smoke', 'Guesthouse 202 smoke', 'Dorm side door', 'Dorm washer leak'];
const DOOR = 'GH-1F-DR-MAIN';

let stack: DashboardStack;
let officer: Page;

async function event(sensorId: string, type: string): Promise<void> {
  await mosquittoPub(stack.broker.port, `vigil/${SITE}/${sensorId}/event`, { ts: Date.now(), type });
}

async function openAlarms(): Promise<Alarm[]> {
  const res = await officer.request.get(`/api/alarms?site=${SITE}&state=open&limit=500`);
  expect(res.status()).toBe(200);
  return ((await res.json()) as AlarmListResponse).alarms;
}

const queue = (page: Page) => page.getByTestId('alarm-queue');
/** The queue's top-level rows, in order: an alarm's id, or a group's key. */
const topRows = (page: Page): Promise<string[]> =>
  queue(page)
    .locator(':scope > li')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-alarm-id') ?? r.getAttribute('data-group-key') ?? '?'));

beforeAll(async () => {
  stack = await startDashboardStack({ influxDb: 'vigil_e2e_console_flood' });
  officer = await stack.openPage();
  await stack.signIn(officer, 'officer');
});

afterAll(() => stack?.close());

describe('the console in an alarm flood', () => {
  it('keeps each fire its own row at the top, one row per detector, and the bridge devices in one row that says what it holds', async () => {
    await officer.getByLabel('Site', { exact: true }).selectOption(SITE);
    await event(FIRES[0] ?? '', 'pre_alarm');
    for (const id of FIRES) await event(id, 'smoke');
    for (const id of PRE_ALARMS) await event(id, 'pre_alarm');
    for (const name of ZIGBEE) await mosquittoPub(stack.broker.port, `zigbee2mqtt/${name}/availability`, 'offline');
    await event(DOOR, 'forced_open');

    // Eleven alarms within the window: the server floods (its zone incidents exist) ...
    const alarms = await eventually(
      async () => {
        const open = await openAlarms();
        return open.length >= 11 ? open : undefined;
      },
      15_000,
      'the eleven alarms raised',
    );
    expect(alarms.some((a) => a.incidentId !== null)).toBe(true);
    const fireIds = alarms.filter((a) => a.condition === 'smoke').map((a) => a.id);
    expect(fireIds).toHaveLength(3);

    // ... and the console still shows each fire on its own, above everything else.
    const group = officer.getByTestId('alarm-group');
    await group.waitFor({ timeout: 10_000 });
    await officer.locator(`[data-alarm-id][data-state]`, { hasText: 'Main entrance' }).first().waitFor({ timeout: 10_000 });
    const rows = await topRows(officer);
    expect(new Set(rows.slice(0, 3))).toEqual(new Set(fireIds));
    // One detector, one row: the first fire carries its pre-alarm.
    const preOf101 = alarms.find((a) => a.sensorId === FIRES[0] && a.condition === 'smoke_pre_alarm');
    const fireOf101 = alarms.find((a) => a.sensorId === FIRES[0] && a.condition === 'smoke');
    await expect(officer.locator(`[data-alarm-id="${fireOf101?.id}"]`).getAttribute('data-also')).resolves.toBe(preOf101?.id);
    expect(rows).not.toContain(preOf101?.id);

    // The bridge's devices: one row, named by its cause, with its counts.
    await expect(group.getAttribute('data-group-key')).resolves.toBe(`gw:${SITE}:LDG-Z2M:`);
    await expect(group.textContent()).resolves.toContain('Lodging Zigbee bridge: gateway and its devices offline');
    await expect(group.getByTestId('group-count').textContent()).resolves.toBe('4 alarms · 4 unacknowledged');
    await expect(group.getByTestId('group-kinds').textContent()).resolves.toBe('Medium 4 · Sensor offline 4');
    // The forced door is a row of its own, not an "incident" of one.
    const door = alarms.find((a) => a.sensorId === DOOR);
    expect(rows).toContain(door?.id);
    // Totals: the three fires are the critical unacknowledged ones, at this site and at all sites.
    const summary = officer.getByTestId('queue-summary');
    await expect(summary.locator('tr[data-priority="critical"] td[data-state="unacked"]').textContent()).resolves.toBe('3 / 3');
    await expect(summary.locator('tr[data-priority="medium"] td[data-state="unacked"]').textContent()).resolves.toBe('4 / 4');
    await shoot(officer, 'console-flood');
  });

  it('asks before acknowledging the group, and its acknowledge leaves every fire unacknowledged', async () => {
    const group = officer.getByTestId('alarm-group');
    const confirm = group.getByRole('alertdialog');
    // By keyboard, "A" on the group only asks, and the question's focus is on Cancel: Escape leaves it.
    await group.focus();
    await officer.keyboard.press('a');
    await confirm.waitFor();
    await expect(confirm.getByRole('button', { name: 'Cancel' }).evaluate((b) => b === document.activeElement)).resolves.toBe(true);
    await officer.keyboard.press('Escape');
    await confirm.waitFor({ state: 'detached' });

    await group.getByRole('button', { name: 'Acknowledge 4 trouble alarms…' }).click();
    await confirm.waitFor();
    await expect(confirm.textContent()).resolves.toContain('Fire, gas, CO and leak alarms are never included');
    // Nothing is acknowledged until the officer confirms.
    expect((await openAlarms()).filter((a) => a.state === 'active_acked')).toEqual([]);
    await shoot(officer, 'console-flood-confirm');
    await confirm.getByRole('button', { name: 'Yes, acknowledge' }).click();

    await group.getByTestId('group-count').filter({ hasText: '4 alarms · 0 unacknowledged' }).waitFor({ timeout: 10_000 });
    const after = await openAlarms();
    expect(
      after
        .filter((a) => a.condition === 'offline')
        .map((a) => a.state)
        .sort(),
    ).toEqual(['active_acked', 'active_acked', 'active_acked', 'active_acked']);
    for (const a of after.filter((x) => x.condition !== 'offline')) expect(a.state, `${a.sensorId} ${a.condition}`).toBe('active_unacked');
  });

  it('holds a new alarm back while the pointer is over the queue, announces it, and shows it when asked', async () => {
    const before = await topRows(officer);
    // The officer's pointer rests on the second row, about to click it.
    const under = queue(officer).locator(':scope > li').nth(1);
    await under.hover();
    const box = await under.boundingBox();

    await event('GH-1F-SMK-106', 'smoke');
    const bar = officer.getByTestId('held-bar');
    await bar.waitFor({ timeout: 10_000 });
    await expect(bar.textContent()).resolves.toBe('1 new alarm — show');
    // The rows did not move: the one under the pointer is still the one that was there.
    expect(await topRows(officer)).toEqual(before);
    expect(await under.boundingBox()).toEqual(box);
    await shoot(officer, 'console-flood-held');

    await bar.click();
    await bar.waitFor({ state: 'detached', timeout: 5_000 });
    const fire106 = (await openAlarms()).find((a) => a.sensorId === 'GH-1F-SMK-106' && a.condition === 'smoke');
    const shown = await topRows(officer);
    // A fire: inserted at the top with the other fires once the officer asks.
    expect(shown.slice(0, 4)).toContain(fire106?.id);
    expect(stack.pageErrors).toEqual([]);
  });
});
