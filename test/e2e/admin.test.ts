// The manager's and the admin's screens, end to end in the dashboard on the real stack: the
// manager reads the alarm statistics (a real smoke alarm counted in its zone and type) and the
// audit trail with its verified chain and the date checked; the admin adds a user and resets
// their password on the Administration page (the new password signs in, the old one not), then
// creates an API key and revokes it (a DELETE from the browser past the cross-site checks); the
// manager's audit viewer, filtered to the admin's user changes, shows both user entries.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlarmListResponse } from '../../contract/index.ts';
import { shoot } from '../support/e2e.ts';
import { demoAccount, navPageNames, openNavPage, startDashboardStack, type DashboardStack } from '../support/e2e.stack.ts';
import { TEST_API_KEY, eventually } from '../support/vigil.ts';

const SMOKE = 'TWR-1F-SMK-LOBBY';
const NEW_USER = 'nightshift2';

let stack: DashboardStack;
let manager: Page;
let admin: Page;
let firstPassword = '';
let resetPassword = '';

const login = (username: string, password: string) =>
  fetch(`${stack.vigil.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });

beforeAll(async () => {
  stack = await startDashboardStack({ influxDb: 'vigil_e2e_admin' });
  // A real alarm for the report: a smoke event through HTTP ingest, as a gateway would send it.
  const ingest = await stack.vigil.api('/api/ingest', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_API_KEY}` },
    body: JSON.stringify({ observations: [{ sensorId: SMOKE, channel: 'event', ts: Date.now(), type: 'smoke' }] }),
  });
  expect(ingest.status).toBe(202);
  const { username, password } = demoAccount('manager');
  const cookie = (await login(username, password)).headers.get('set-cookie')?.split(';')[0] ?? '';
  await eventually(
    async () => (await stack.vigil.api<AlarmListResponse>(`/api/alarms?sensor=${SMOKE}`, { headers: { cookie } })).body.total === 1,
    15_000,
    'the smoke alarm',
  );
  manager = await stack.openPage();
  admin = await stack.openPage();
  await stack.signIn(manager, 'manager');
  await stack.signIn(admin, 'admin');
});

afterAll(() => stack?.close());

describe("the manager's and the admin's screens", () => {
  it('shows the manager the alarm statistics per zone and per alarm type', async () => {
    await openNavPage(manager, 'Reports');
    const byZone = manager.getByTestId('reports-by-zone');
    await byZone.waitFor({ timeout: 10_000 });
    await expect(byZone.locator('tbody tr', { hasText: 'Main lobby' }).locator('td').first().textContent()).resolves.toBe('1');
    await expect(byZone.locator('tr.admin-table__total td').first().textContent()).resolves.toBe('1');
    const byCondition = manager.getByTestId('reports-by-condition');
    await expect(byCondition.locator('tbody tr').allTextContents()).resolves.toEqual([expect.stringMatching(/^Smoke \/ fire1/)]);
    expect(manager.url()).toMatch(/#\/reports$/);
    await shoot(manager, 'admin-reports', { fullPage: true });
  });

  it('shows the manager the audit trail with the chain verified and the date checked', async () => {
    await openNavPage(manager, 'Audit');
    const verify = manager.getByTestId('audit-verify');
    await verify.getByText(/^Chain verified: \d+ entries intact, checked \d{1,2} \w+ \d{4}, \d{2}:\d{2}:\d{2}$/).waitFor({ timeout: 10_000 });
    await manager.getByTestId('audit-table').waitFor();
    await expect(manager.getByTestId('audit-table').textContent()).resolves.toContain('alarm.raised');
    await shoot(manager, 'admin-audit');
  });

  it('lets the admin add a user with a generated password, shown once', async () => {
    // The manager's navigation has no Administration; the admin's has.
    await expect(navPageNames(manager)).resolves.not.toContain('Administration');
    await expect(navPageNames(admin)).resolves.toContain('Administration');
    await openNavPage(admin, 'Administration');
    const form = admin.getByTestId('add-user');
    await form.waitFor({ timeout: 10_000 });
    await form.getByLabel('Username').fill(NEW_USER);
    await form.getByLabel('Display name').fill('Night shift officer');
    await form.getByLabel('Role').selectOption('officer');
    await form.getByRole('button', { name: 'Generate' }).click();
    firstPassword = await form.getByLabel('Password (12 characters or more)').inputValue();
    expect(firstPassword).toHaveLength(20);
    await form.getByRole('button', { name: 'Add user' }).click();

    await admin.getByTestId(`user-${NEW_USER}`).waitFor({ timeout: 5_000 });
    await expect(admin.getByTestId('secret-value').textContent()).resolves.toBe(firstPassword);
    await admin.getByRole('button', { name: 'I have stored it' }).click();
    await admin.getByTestId('secret-once').waitFor({ state: 'detached' });
    expect((await login(NEW_USER, firstPassword)).status).toBe(200);
  });

  it('lets the admin reset that password: the new one signs in, the old one no longer', async () => {
    const row = admin.getByTestId(`user-${NEW_USER}`);
    await row.getByRole('button', { name: 'Reset password' }).click();
    await row.getByRole('button', { name: 'Generate' }).click();
    resetPassword = await row.getByRole('textbox', { name: `New password for ${NEW_USER}` }).inputValue();
    expect(resetPassword).not.toBe(firstPassword);
    await row.getByRole('button', { name: 'Set password' }).click();
    await admin.getByText(`The password of ${NEW_USER} was reset`).waitFor({ timeout: 5_000 });
    await shoot(admin, 'admin-users', { fullPage: true });
    expect((await login(NEW_USER, resetPassword)).status).toBe(200);
    expect((await login(NEW_USER, firstPassword)).status).toBe(401);
  });

  it('lets the admin create an API key, shown once, and revoke it: it ingests, then is refused', async () => {
    const section = admin.getByTestId('admin-apikeys');
    await section.getByLabel('Name').fill('lobby gateway');
    await section.getByLabel('May write').selectOption('sensors');
    await section.getByLabel('Ids (commas or spaces)').fill(SMOKE);
    await section.getByRole('button', { name: 'Create key' }).click();
    const key = (await section.getByTestId('secret-value').textContent()) ?? '';
    expect(key).toMatch(/^vk_/);
    const ingest = () =>
      fetch(`${stack.vigil.url}/api/ingest`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ observations: [{ sensorId: SMOKE, channel: 'status', ts: Date.now(), battery: 90 }] }),
      });
    expect((await ingest()).status).toBe(202);
    await section.getByRole('button', { name: 'I have stored it' }).click();
    // Revoking asks first; the browser's confirmation is accepted as the admin would.
    admin.once('dialog', (dialog) => void dialog.accept());
    await section.locator('tr', { hasText: 'lobby gateway' }).getByRole('button', { name: 'Revoke' }).click();
    await section
      .locator('tr', { hasText: 'lobby gateway' })
      .getByText(/^revoked /)
      .waitFor({ timeout: 5_000 });
    expect((await ingest()).status).toBe(403); // unknown or revoked key (docs/contracts.md, HTTP ingest)
    expect(await section.textContent()).not.toContain(key);
  });

  it("shows the manager the admin's two changes when the audit is filtered to them", async () => {
    const filters = manager.getByRole('form', { name: 'Filters' });
    await filters.getByLabel('User').fill(demoAccount('admin').username);
    await filters.getByLabel('Action').fill('user.*');
    await filters.getByRole('button', { name: 'Apply' }).click();
    const rows = manager.getByTestId('audit-row');
    // The table shown before the filter was loaded before the reset: this row is the filtered answer.
    await rows.filter({ hasText: 'user.reset_password' }).waitFor({ timeout: 5_000 });
    const texts = await rows.allTextContents();
    expect(texts).toHaveLength(2);
    expect(texts[0]).toContain('user.reset_password');
    expect(texts[0]).toContain(`user:${NEW_USER}`);
    expect(texts[1]).toContain('user.create');
    expect(texts[1]).toContain('role: officer');
    // Neither password is in the trail.
    expect(texts.join(' ')).not.toContain(firstPassword);
    expect(texts.join(' ')).not.toContain(resetPassword);
    await manager.getByRole('button', { name: 'Verify again' }).click();
    await manager
      .getByTestId('audit-verify')
      .getByText(/^Chain verified: /)
      .waitFor({ timeout: 5_000 });
    await shoot(manager, 'admin-audit-filtered');
  });
});
