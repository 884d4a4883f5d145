// Presence in hazard zones on the dashboard (docs/contracts.md#presence-in-hazard-zones), against the demo
// facility: a named staff member badges into the canteen's hot kitchen, a gas alarm there shows
// them on its detail (in English and in Chinese), and a fire alarm in the canteen opens a muster
// where the officer ticks them off as accounted for.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mosquittoPub } from '../support/clients.ts';
import { shoot } from '../support/e2e.ts';
import { startDashboardStack, type DashboardStack } from '../support/e2e.stack.ts';

// config/facility.yaml: Wang Wei's badge, the kitchen back door (readers on both sides).
const WANG_WEI = '04A1B2C3D4';
let stack: DashboardStack;
let officer: Page;

beforeAll(async () => {
  stack = await startDashboardStack({ influxDb: 'vigil_e2e_presence' });
  officer = await stack.openPage();
  await stack.signIn(officer, 'officer');
});

afterAll(() => stack?.close());

const publish = (sensor: string, channel: string, body: object) => mosquittoPub(stack.broker.port, `vigil/hq/${sensor}/${channel}`, body);
const row = (text: string) => officer.locator('.console [data-alarm-id]', { hasText: text }).first();

describe('people in the hazard zone', () => {
  it('a gas alarm shows who badged into the kitchen; a fire alarm musters them and the officer ticks them off', async () => {
    await publish('CAN-DR-BACK', 'event', { type: 'access_granted', credential: WANG_WEI, reader: 'in' });
    await publish('CAN-DR-BACK', 'event', { type: 'access_granted', credential: 'FFEE0042', reader: 'in' });
    // The reads reach presence before the reading that raises the alarm: the same ingest, in order.
    await publish('CAN-GAS-01', 'reading', { value: 25, unit: '%LEL' });
    await row('Kitchen gas, wok range').click();
    const presence = officer.getByTestId('alarm-presence');
    await presence.locator('[data-person="person:wang-wei"]').waitFor({ timeout: 10_000 });
    await expect(presence.textContent()).resolves.toContain('People who badged into this zone in the last 12 hours and have not badged out');
    await expect(presence.textContent()).resolves.toContain('Unknown badge ••••0042');
    await shoot(officer, 'alarm-detail-presence', { selector: '[data-testid="alarm-presence"]' });

    await officer.getByRole('button', { name: '中文' }).click();
    // The page re-renders in Chinese after the click returns: wait for it rather than read at once.
    await presence.locator('[data-person="person:wang-wei"] strong', { hasText: /^王伟$/ }).waitFor({ timeout: 10_000 });
    await expect(presence.textContent()).resolves.toContain('过去 12 小时内刷卡进入本区域且未刷卡离开的人员');
    await officer.getByRole('button', { name: 'EN' }).click();

    await publish('CAN-SMK-01', 'event', { type: 'smoke' });
    await row('Dining hall smoke NW').click();
    const muster = officer.getByTestId('muster');
    await muster.locator('[data-person="person:wang-wei"]').waitFor({ timeout: 10_000 });
    await expect(muster.textContent()).resolves.toContain('Muster: Staff canteen');
    await expect(muster.getByTestId('muster-count').textContent()).resolves.toBe('0 of 2 accounted for');
    await muster.getByRole('button', { name: 'Mark Wang Wei as accounted for' }).click();
    await muster.locator('[data-person="person:wang-wei"][data-accounted="true"]').waitFor({ timeout: 5_000 });
    await expect(muster.locator('[data-person="person:wang-wei"]').textContent()).resolves.toMatch(/accounted for .* by officer/);
    await expect(muster.getByTestId('muster-count').textContent()).resolves.toBe('1 of 2 accounted for');
    await shoot(officer, 'muster', { selector: '[data-testid="muster"]' });

    // In Chinese the muster names the building by the facility file's buildingZh.
    await officer.getByRole('button', { name: '中文' }).click();
    await muster.getByRole('heading', { name: '人员清点：员工食堂' }).waitFor({ timeout: 10_000 });
    await expect(muster.textContent()).resolves.not.toContain('Staff canteen');
  });
});
