// Shift handover in the dashboard: real leak alarms over Mosquitto, one shelved; the duty officer
// opens Handover from the More menu, cannot sign until the shelved alarm is carried over or
// unshelved, carries it over and signs, and is not offered Accept for their own handover; the
// manager, reading in Chinese, accepts with remarks and exports the handovers as CSV
// (docs/contracts.md#shift-handover).
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alarm, AlarmListResponse } from '../../contract/index.ts';
import { mosquittoPub } from '../support/clients.ts';
import { shoot } from '../support/e2e.ts';
import { demoAccount, openNavPage, startDashboardStack, type DashboardStack } from '../support/e2e.stack.ts';
import { eventually } from '../support/vigil.ts';

const SUMP = 'TWR-B1-LEAK-SUMP';
const BOILERS = 'TWR-B1-LEAK-BOIL';

let stack: DashboardStack;
let officer: Page;
let manager: Page;

async function raiseLeak(sensorId: string, cookie: string): Promise<Alarm> {
  await mosquittoPub(stack.broker.port, `vigil/hq/${sensorId}/event`, { type: 'leak' });
  return eventually(
    async () => (await stack.vigil.api<AlarmListResponse>(`/api/alarms?sensor=${sensorId}`, { headers: { cookie } })).body.alarms[0],
    10_000,
    `the leak alarm of ${sensorId}`,
  );
}

beforeAll(async () => {
  stack = await startDashboardStack({ influxDb: 'vigil_e2e_handover' });
  const { username, password } = demoAccount('officer');
  const cookie = await stack.vigil.login(username, password);
  await raiseLeak(SUMP, cookie);
  const shelved = await raiseLeak(BOILERS, cookie);
  const res = await stack.vigil.api(`/api/alarms/${shelved.id}/shelve`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json' },
    body: JSON.stringify({ durationS: 3600, reason: 'being pumped out' }),
  });
  expect(res.status).toBe(200);
  officer = await stack.openPage();
  manager = await stack.openPage();
  await stack.signIn(officer, 'officer');
  await stack.signIn(manager, 'manager');
});

afterAll(() => stack?.close());

describe('shift handover page', () => {
  it('lets the outgoing officer sign only once the shelved alarm is carried over, and not accept it', async () => {
    await openNavPage(officer, 'Handover');
    const page = officer.getByTestId('handover-page');
    await page.getByRole('button', { name: 'Start handover' }).click();
    const shelved = page.getByTestId('handover-shelved');
    await shelved.getByText('Plant room leak, boilers').waitFor();
    await expect(page.getByTestId('handover-standing').textContent()).resolves.toContain('Plant room leak, pump sump');
    const sign = page.getByRole('button', { name: 'Sign and hand over' });
    await expect(sign.isDisabled()).resolves.toBe(true);
    await page.getByText('Decide for 1 shelved alarm before signing.').waitFor();

    await shelved.getByRole('radio', { name: 'Carry over' }).check();
    await page.getByLabel('Notes for the next shift').fill('Boiler room being pumped out, contractor on site');
    await sign.click();
    await page.getByText('You handed this shift over: another officer must accept it.').waitFor();
    await expect(page.getByRole('button', { name: /^Accept/ }).count()).resolves.toBe(0);
    await expect(shelved.textContent()).resolves.toContain('Carried over');
    await shoot(officer, 'handover-signed');
  });

  it('lets the manager, reading in Chinese, accept with remarks and export the handovers as CSV', async () => {
    await manager.getByRole('button', { name: '中文' }).click();
    await manager.evaluate(() => {
      window.location.hash = '#/handover';
    });
    const page = manager.getByTestId('handover-page');
    await expect(page.getByTestId('handover-shelved').textContent()).resolves.toContain('已移交');
    await expect(page.getByTestId('handover-notes').textContent()).resolves.toBe('Boiler room being pumped out, contractor on site');
    await page.getByLabel('备注（可选）').fill('泵房先查看');
    await page.getByRole('button', { name: '附备注接班' }).click();
    const row = page.getByTestId('handover-table').locator('tbody tr').first();
    await row.getByText('已接班').waitFor();
    await expect(row.textContent()).resolves.toContain('泵房先查看');
    await shoot(manager, 'handover-accepted-zh');

    const [download] = await Promise.all([manager.waitForEvent('download'), page.getByRole('button', { name: '导出 CSV' }).click()]);
    const csv = fs.readFileSync(await download.path(), 'utf8');
    const [header, line] = csv.replace(/^\uFEFF/, '').split('\r\n');
    expect(header).toBe(
      'id,site,state,opened_utc,opened_by,handed_over_utc,handed_over_by,accepted_utc,accepted_by,standing,shelved_carried,shelved_unshelved,out_of_service,open_actions,running_drills,link_trouble,notes,remarks',
    );
    expect(line).toMatch(/^ho_[^,]+,hq,accepted,[^,]+,officer,[^,]+,officer,[^,]+,manager,/);
    expect(line).toMatch(/,"Boiler room being pumped out, contractor on site",泵房先查看$/);
    expect(stack.pageErrors).toEqual([]);
  });
});
